import { afterEach, describe, expect, it } from 'vitest';
import { ProviderAuthError, ProviderRequestError, ProviderResponseError } from '../../../lib/errors.js';
import { fetchAccountApiSnapshot } from '../../../lib/providers/account-api.js';
import type { SnapshotRequest } from '../../../lib/providers/types.js';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { instantClient, rejectionOf, visibleText } from './helpers.js';

const NOW = new Date('2026-05-10T12:00:00Z');
const MONTH_START = new Date('2026-05-01T00:00:00Z');
const CREDITS = '/auth/account/credits';
const LEDGER = '/auth/account/ledger';
const USAGE = '/auth/account/usage';

const BUSY: SandboxAccountSpec = {
  id: 'api',
  vendor: 'account-api',
  tokenExpiresAt: new Date('2026-06-01T00:00:00Z'),
  start: MONTH_START,
  openingBalance: 60,
  burnPerHour: 2,
  autoReload: { enabled: true, threshold: 20, amount: 100 },
  adjustments: [
    { at: new Date('2026-05-03T12:30:00Z'), amount: -5 },
    { at: new Date('2026-05-04T12:30:00Z'), amount: 7.5 },
  ],
  topUps: [{ at: new Date('2026-05-06T09:30:00Z'), amount: 25 }],
  usage: { requestsPerHour: 10, errorRate: 0.1 },
  currency: 'EUR',
};

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(accounts: SandboxAccountSpec[], now = NOW): Promise<Sandbox> {
  sandbox = await startSandbox({ now, accounts });
  return sandbox;
}

function request(world: Sandbox, id: string, overrides: Partial<SnapshotRequest> = {}): SnapshotRequest {
  return {
    accountId: id,
    baseUrl: world.urls['account-api'],
    apiKey: world.keyOf(id),
    window: { from: MONTH_START, to: world.now() },
    now: world.now(),
    ...overrides,
  };
}

describe('fetchAccountApiSnapshot', () => {
  it('maps balance, auto-reload, usage, token expiry and every kind of ledger entry', async () => {
    // Prepare
    const world = await start([BUSY]);
    const { http } = instantClient();

    // Act
    const snapshot = await fetchAccountApiSnapshot(request(world, 'api'), http);

    // Assess
    const available = world.balanceOf('api');
    expect(snapshot.balance).toEqual({ available, total: available, reserved: 0, currency: 'EUR' });
    expect(snapshot.autoReload).toEqual({ enabled: true, threshold: 20, amount: 100 });
    expect(snapshot.tokenExpiresAt?.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(snapshot.usage?.totalRequests).toBeGreaterThan(0);
    expect(snapshot.usage?.failedRequests).toBeGreaterThan(0);
    expect(snapshot.usage?.failedRequests).toBeLessThan(snapshot.usage?.totalRequests ?? 0);
    const ledger = snapshot.ledger ?? [];
    const types = new Set(ledger.map((entry) => entry.type));
    expect(types).toEqual(new Set(['debit', 'credit', 'adjustment', 'reload']));
    expect(ledger.filter((e) => e.type === 'adjustment').map((e) => e.delta)).toEqual([-5, 7.5]);
    expect(ledger.filter((e) => e.type === 'credit').map((e) => e.delta)).toEqual([25]);
    expect(ledger.filter((e) => e.type === 'reload').every((e) => e.delta === 100)).toBe(true);
    expect(ledger.filter((e) => e.type === 'debit').every((e) => e.delta === -2)).toBe(true);
    // Each delta carries the balance from one entry to the next, ending at today's balance.
    for (let i = 1; i < ledger.length; i += 1) {
      const before = ledger[i - 1]?.balanceAfter ?? Number.NaN;
      expect(before + (ledger[i]?.delta ?? Number.NaN)).toBeCloseTo(ledger[i]?.balanceAfter ?? Number.NaN, 6);
    }
    expect(ledger.at(-1)?.balanceAfter).toBeCloseTo(available, 6);
  });

  it('asks /usage for the last 24 hours (so a bad day is not averaged away) and every request carries the Bearer token', async () => {
    // Prepare
    const world = await start([BUSY]);
    const { http } = instantClient();

    // Act
    await fetchAccountApiSnapshot(request(world, 'api'), http);

    // Assess
    const usage = world.requests().filter((r) => r.path === USAGE);
    expect(usage.map((r) => r.query)).toEqual([
      { period: 'daily', from: '2026-05-09T12:00:00.000Z', to: '2026-05-10T12:00:00.000Z' },
    ]);
    expect(world.requests().every((r) => r.accountId === 'api' && r.status === 200)).toBe(true);
  });

  it.each(['array', 'data', 'entries', 'items'] as const)(
    'fetches a 250-entry month completely across pages (%s envelope)',
    async (ledgerEnvelope) => {
      // Prepare: one debit per hour for 250 hours.
      const world = await start(
        [{ id: 'pages', vendor: 'account-api', start: MONTH_START, openingBalance: 10_000, burnPerHour: 1, ledgerEnvelope }],
        new Date('2026-05-11T10:00:00Z'),
      );
      const { http } = instantClient();

      // Act
      const snapshot = await fetchAccountApiSnapshot(request(world, 'pages'), http);

      // Assess
      const ledger = snapshot.ledger ?? [];
      expect(ledger).toHaveLength(250);
      expect(new Set(ledger.map((entry) => entry.id)).size).toBe(250);
      expect(ledger[0]?.at.toISOString()).toBe('2026-05-01T01:00:00.000Z');
      expect(ledger.at(-1)?.at.toISOString()).toBe('2026-05-11T10:00:00.000Z');
      const pages = world.requests().filter((r) => r.path === LEDGER);
      expect(pages.map((r) => [r.query['offset'], r.query['limit']])).toEqual([
        ['0', '100'],
        ['100', '100'],
        ['200', '100'],
      ]);
    },
  );

  it('reads numbers sent as strings', async () => {
    // Prepare
    const world = await start([{ ...BUSY, numbersAsStrings: true }]);
    const { http } = instantClient();

    // Act
    const snapshot = await fetchAccountApiSnapshot(request(world, 'api'), http);

    // Assess
    expect(snapshot.balance.available).toBe(world.balanceOf('api'));
    expect(snapshot.autoReload).toEqual({ enabled: true, threshold: 20, amount: 100 });
    expect(snapshot.ledger?.filter((e) => e.type === 'adjustment').map((e) => e.delta)).toEqual([-5, 7.5]);
    expect(typeof snapshot.ledger?.[0]?.balanceAfter).toBe('number');
  });

  it('stops with an error, not an endless loop, when the server ignores offset', async () => {
    // Prepare: every page is the same full page.
    const world = await start([BUSY]);
    const page = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      type: 'debit',
      amount: 1,
      balance_after: 1_000 - i,
      created_at: '2026-05-02T00:00:00Z',
    }));
    world.inject({ vendor: 'account-api', path: LEDGER, fault: { kind: 'drift', body: page }, times: Infinity });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api'), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain('ignores offset');
    expect(world.requests().filter((r) => r.path === LEDGER)).toHaveLength(2);
  });

  it('names the field of a ledger entry that drifted, and the page it was on', async () => {
    // Prepare
    const world = await start([BUSY]);
    world.inject({
      vendor: 'account-api',
      path: LEDGER,
      fault: { kind: 'drift', body: { items: [{ id: 1, type: 'refund', amount: 1, created_at: '2026-05-02T00:00:00Z' }] } },
    });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api'), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as ProviderResponseError).field).toBe('items[0].type');
    expect(error.message).toBe(
      'account-api /auth/account/ledger (offset 0): items[0].type: expected one of "credit", "debit", "adjustment", got "refund"',
    );
  });

  it('names a credits field that is not a number', async () => {
    // Prepare
    const world = await start([BUSY]);
    world.inject({ vendor: 'account-api', path: CREDITS, fault: { kind: 'drift', body: { balance: 10, available: '' } } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api'), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toBe('account-api /auth/account/credits: available: expected a number, got ""');
  });

  it('still succeeds without usage when /usage keeps failing', async () => {
    // Prepare
    const world = await start([BUSY]);
    world.inject({ vendor: 'account-api', path: USAGE, fault: { kind: 'status', status: 500 }, times: Infinity });
    const { http, delays } = instantClient();

    // Act
    const snapshot = await fetchAccountApiSnapshot(request(world, 'api'), http);

    // Assess
    expect(snapshot.usage).toBeUndefined();
    expect(snapshot.balance.available).toBe(world.balanceOf('api'));
    expect(world.requests().filter((r) => r.path === USAGE)).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it('fails the snapshot when /usage rejects the token', async () => {
    // Prepare
    const world = await start([BUSY]);
    world.inject({ vendor: 'account-api', path: USAGE, fault: { kind: 'status', status: 401 } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api'), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderAuthError);
  });

  it('retries a 500 on the credits and then succeeds', async () => {
    // Prepare
    const world = await start([BUSY]);
    world.inject({ vendor: 'account-api', path: CREDITS, fault: { kind: 'status', status: 500 } });
    const { http, delays } = instantClient();

    // Act
    const snapshot = await fetchAccountApiSnapshot(request(world, 'api'), http);

    // Assess
    expect(snapshot.balance.available).toBe(world.balanceOf('api'));
    expect(world.requests().filter((r) => r.path === CREDITS).map((r) => r.status)).toEqual([500, 200]);
    expect(delays).toEqual([125]);
  });

  it('fails with an auth error for an unknown token and for an expired one, without retrying', async () => {
    // Prepare
    const world = await start([{ ...BUSY, tokenExpiresAt: new Date('2026-05-09T00:00:00Z') }]);
    const { http, delays } = instantClient();

    // Act
    const unknown = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api', { apiKey: 'not-a-token' }), http));
    const expired = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api'), http));

    // Assess
    expect(unknown).toBeInstanceOf(ProviderAuthError);
    expect((unknown as ProviderAuthError).status).toBe(401);
    expect(expired).toBeInstanceOf(ProviderAuthError);
    expect(expired.message).toContain('token_expired');
    expect(delays).toEqual([]);
  });

  it('gives no expiry for an opaque API key', async () => {
    // Prepare
    const world = await start([{ ...BUSY, key: 'acct_live_0123456789abcdef' }]);
    const { http } = instantClient();

    // Act
    const snapshot = await fetchAccountApiSnapshot(request(world, 'api'), http);

    // Assess
    expect(snapshot.balance.available).toBe(world.balanceOf('api'));
    expect(snapshot.tokenExpiresAt).toBeUndefined();
  });

  it('refuses to guess a base URL', async () => {
    // Prepare
    const world = await start([BUSY]);
    const { http } = instantClient();
    const { baseUrl: _omitted, ...withoutBaseUrl } = request(world, 'api');

    // Act
    const error = await rejectionOf(fetchAccountApiSnapshot(withoutBaseUrl, http));

    // Assess
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error.message).toContain('no baseUrl');
    expect(world.requests()).toHaveLength(0);
  });

  it.each([500, 400])('keeps a token echoed in a %i body and header out of every error string', async (status) => {
    // Prepare
    const world = await start([BUSY]);
    world.inject({ vendor: 'account-api', fault: { kind: 'echo-key', status }, times: Infinity });
    const { http } = instantClient();
    const token = world.keyOf('api');

    // Act
    const error = await rejectionOf(fetchAccountApiSnapshot(request(world, 'api'), http));

    // Assess
    expect(error.message).toContain('[redacted]');
    expect(visibleText(error)).not.toContain(token);
    // Not even the signature part alone.
    expect(visibleText(error)).not.toContain(token.split('.')[2] ?? token);
  });
});
