import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { DAY, HOUR, accountApi, after, pixelcut } from './helpers.js';

const MAY = new Date('2026-05-01T00:00:00.000Z');

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('sandbox accounts', () => {
  it.each<[string, Partial<SandboxAccountSpec>]>([
    ['adjustments on pixelcut', { adjustments: [{ at: MAY, amount: 5 }] }],
    ['autoReload on pixelcut', { autoReload: { enabled: true, threshold: 1, amount: 2 } }],
    ['a monthly allowance on pixelcut', { monthlyAllowance: 100 }],
    ['a negative burn', { burnPerHour: -1 }],
    ['a top-up before the start', { topUps: [{ at: after(MAY, -1), amount: 5 }] }],
    ['a zero top-up', { topUps: [{ at: MAY, amount: 0 }] }],
    ['an invalid start', { start: new Date('nope') }],
    ['an id with spaces', { id: 'images prod' }],
  ])('rejects %s', async (_name, overrides) => {
    // Prepare
    const spec: SandboxAccountSpec = { id: 'images-prod', vendor: 'pixelcut', start: MAY, openingBalance: 10, burnPerHour: 1, ...overrides };

    // Act
    const starting = startSandbox({ now: MAY, accounts: [spec] });

    // Assess
    await expect(starting).rejects.toThrow(TypeError);
  });

  it('rejects a second account with the same id or the same key', async () => {
    // Prepare
    sandbox = await startSandbox({ now: MAY, accounts: [{ id: 'a', vendor: 'pixelcut', start: MAY, openingBalance: 1, burnPerHour: 0, key: 'sk1' }] });
    const sb = sandbox;

    // Act
    const sameId = (): void => sb.addAccount({ id: 'a', vendor: 'pixelcut', start: MAY, openingBalance: 1, burnPerHour: 0 });
    const sameKey = (): void => sb.addAccount({ id: 'b', vendor: 'pixelcut', start: MAY, openingBalance: 1, burnPerHour: 0, key: 'sk1' });

    // Assess
    expect(sameId).toThrow(/already exists/);
    expect(sameKey).toThrow(/key of a/);
    expect(() => sb.keyOf('nobody')).toThrow(/no sandbox account/);
  });

  it('serves accounts added after the start, with deterministic keys', async () => {
    // Prepare
    sandbox = await startSandbox({ now: after(MAY, 2 * HOUR) });
    const other = await startSandbox({ now: MAY });
    const spec: SandboxAccountSpec = { id: 'late', vendor: 'pixelcut', start: MAY, openingBalance: 10, burnPerHour: 1, numbersAsStrings: false };

    // Act
    sandbox.addAccount(spec);
    other.addAccount(spec);
    const answer = await pixelcut(sandbox, 'late');

    // Assess
    expect(answer.json()).toEqual({ credits_remaining: 8 });
    expect(sandbox.keyOf('late')).toBe(other.keyOf('late'));
    expect(sandbox.accounts()).toEqual([expect.objectContaining({ id: 'late', key: sandbox.keyOf('late') })]);
    await other.close();
  });

  it('answers 500 naming the account when a burn function misbehaves', async () => {
    // Prepare
    sandbox = await startSandbox({
      now: after(MAY, 3 * HOUR),
      accounts: [{ id: 'broken', vendor: 'account-api', start: MAY, openingBalance: 10, burnPerHour: () => Number.NaN }],
    });

    // Act
    const answer = await accountApi(sandbox, 'broken', 'credits');

    // Assess
    expect(answer.status).toBe(500);
    expect(answer.json()).toMatchObject({ error: 'sandbox_error', message: expect.stringContaining('broken') });
  });

  it('splits the hour’s burn over debitEveryMinutes slots and charges only whole slots after the start', async () => {
    // Prepare: starts at 10:17; 10-minute slots from 10:20; 6/h is 1 per slot.
    const start = after(MAY, 10 * HOUR + 17 * 60_000);
    sandbox = await startSandbox({
      now: after(MAY, 11 * HOUR),
      accounts: [{ id: 'slots', vendor: 'account-api', start, openingBalance: 100, burnPerHour: 6, debitEveryMinutes: 10, ledgerEnvelope: 'array' }],
    });

    // Act
    const ledger = (await accountApi(sandbox, 'slots', 'ledger')).json<{ created_at: string; amount: number }[]>();

    // Assess
    expect(ledger.map((entry) => [entry.created_at.slice(11, 16), entry.amount])).toEqual([
      ['11:00', 1],
      ['10:50', 1],
      ['10:40', 1],
      ['10:30', 1],
    ]);
  });

  it('simulates 1,000 accounts over a month of hourly debits', async () => {
    // Prepare
    const vendors = ['pictory', 'account-api', 'pixelcut'] as const;
    const accounts: SandboxAccountSpec[] = Array.from({ length: 1000 }, (_, i) => ({
      id: `acct-${i}`,
      vendor: vendors[i % 3] ?? 'pixelcut',
      start: MAY,
      openingBalance: 10_000,
      burnPerHour: 1 + (i % 7),
      ...(i % 3 === 0 ? { monthlyAllowance: 10_000 } : {}),
    }));
    sandbox = await startSandbox({ now: after(MAY, 31 * DAY), accounts });
    const sb = sandbox;

    // Act
    const balances = accounts.map((account) => sb.balanceOf(account.id));
    const ledger = (await accountApi(sb, 'acct-1', 'ledger?limit=100')).json<{ total: number }>();

    // Assess
    expect(balances[1]).toBe(10_000 - 2 * 31 * 24);
    expect(ledger.total).toBe(31 * 24);
  });
});
