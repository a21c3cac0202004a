import { afterEach, describe, expect, it } from 'vitest';
import { demoAccounts, startSandbox, type Sandbox } from '../../../lib/sandbox/index.js';
import { DAY, HOUR, accountApi, after, pictory, pixelcut } from './helpers.js';

const MAY = new Date('2026-05-01T00:00:00.000Z');

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** Sum of a month's Pictory debits as of now. */
async function pictoryMonthDebits(sb: Sandbox): Promise<number> {
  const entries = (await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage')).json<{ type: string; amount: number }[]>();
  return entries.filter((entry) => entry.type === 'debit').reduce((sum, entry) => sum + entry.amount, 0);
}

describe('demoAccounts', () => {
  it('starts every account a month earlier, with distinct ids and keys', () => {
    // Act
    const accounts = demoAccounts(MAY);

    // Assess
    expect(accounts.map((account) => [account.id, account.vendor])).toEqual([
      ['video-prod', 'pictory'],
      ['chat-prod', 'account-api'],
      ['batch-jobs', 'account-api'],
      ['images-prod', 'pixelcut'],
      ['credits-api', 'json'],
      ['router-prod', 'openrouter'],
      ['images-staging', 'pixelcut'],
    ]);
    expect(accounts.every((account) => account.start.toISOString() === '2026-04-01T00:00:00.000Z')).toBe(true);
  });

  it('serves every endpoint of every account through the month without a server error', async () => {
    // Prepare
    sandbox = await startSandbox({ now: MAY, accounts: demoAccounts(MAY), enforceRateLimits: false });
    const sb = sandbox;

    // Act
    const statuses = new Set<number>();
    for (let hour = 0; hour <= 31 * 24; hour += 6) {
      sb.setNow(after(MAY, hour * HOUR));
      const answers = await Promise.all([
        pictory(sb, 'video-prod', '/pictoryapis/v1/quota'),
        pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage'),
        ...['chat-prod', 'batch-jobs'].flatMap((id) =>
          ['credits', 'ledger?limit=100', 'usage', 'summary'].map((path) => accountApi(sb, id, path)),
        ),
        pixelcut(sb, 'images-prod'),
        pixelcut(sb, 'images-staging'),
      ]);
      for (const answer of answers) statuses.add(answer.status);
    }

    // Assess: 401 is chat-prod's expired token.
    expect([...statuses].sort()).toEqual([200, 401]);
  });

  it('crosses 50/80/100 % of a 400 budget on video-prod late in the month', async () => {
    // Prepare
    sandbox = await startSandbox({ now: MAY, accounts: demoAccounts(MAY) });
    const sb = sandbox;

    // Act
    const usedAtDayStart = async (day: number): Promise<number> => {
      sb.setNow(after(MAY, (day - 1) * DAY));
      return pictoryMonthDebits(sb);
    };
    const crossings = [];
    for (const [day, threshold] of [[14, 200], [23, 320], [28, 400]] as const) {
      crossings.push([(await usedAtDayStart(day)) < threshold, (await usedAtDayStart(day + 1)) >= threshold]);
    }

    // Assess
    expect(crossings).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
  });

  it('gives chat-prod weekly auto-reloads and a token that expires on day 20', async () => {
    // Prepare
    sandbox = await startSandbox({ now: after(MAY, 20 * DAY), accounts: demoAccounts(MAY) });
    const sb = sandbox;

    // Act
    sb.setNow(after(MAY, 19 * DAY + 11 * HOUR));
    const reloads = (await accountApi(sb, 'chat-prod', `ledger?type=credit&from=${MAY.toISOString()}`)).json<{ data: { description: string }[] }>();
    sb.setNow(after(MAY, 19 * DAY + 12 * HOUR));
    const expired = await accountApi(sb, 'chat-prod', 'credits');

    // Assess
    expect(reloads.data.length).toBeGreaterThanOrEqual(2);
    expect(reloads.data.every((entry) => entry.description === 'Auto-reload')).toBe(true);
    expect(expired.json()).toMatchObject({ error: 'token_expired' });
  });

  it('gives batch-jobs a 10× spike on day 12, 20 % errors on day 15 and auto-reload off', async () => {
    // Prepare
    sandbox = await startSandbox({ now: after(MAY, 20 * DAY), accounts: demoAccounts(MAY) });
    const sb = sandbox;
    const day = (n: number): string => `from=${after(MAY, (n - 1) * DAY + 1).toISOString()}&to=${after(MAY, n * DAY).toISOString()}`;

    // Act
    const usage = async (n: number) =>
      (await accountApi(sb, 'batch-jobs', `usage?period=daily&${day(n)}`)).json<{ credits_consumed: string; failed_requests: number; total_requests: number }>();
    const [day11, day12, day15] = [await usage(11), await usage(12), await usage(15)];
    const credits = (await accountApi(sb, 'batch-jobs', 'credits')).json<Record<string, unknown>>();

    // Assess
    expect(Number(day12.credits_consumed)).toBeCloseTo(10 * Number(day11.credits_consumed), 6);
    expect(day15.failed_requests / day15.total_requests).toBeCloseTo(0.2, 2);
    expect(day11.failed_requests / day11.total_requests).toBeLessThan(0.01);
    expect(credits).toMatchObject({ auto_reload_enabled: false, balance: expect.any(String) });
  });

  it('drains images-prod below 100 until the top-up on day 18', async () => {
    // Prepare
    sandbox = await startSandbox({ now: MAY, accounts: demoAccounts(MAY) });
    const sb = sandbox;
    const topUpAt = after(MAY, 17 * DAY + 9.5 * HOUR);
    const balanceAt = (instant: Date): number => {
      sb.setNow(instant);
      return sb.balanceOf('images-prod');
    };

    // Act
    const day10 = balanceAt(after(MAY, 9 * DAY + 12 * HOUR));
    const day16 = balanceAt(after(MAY, 15 * DAY + 12 * HOUR));
    const beforeTopUp = balanceAt(after(topUpAt, -1));
    const afterTopUp = balanceAt(topUpAt);
    const staging = (await pixelcut(sb, 'images-staging')).json<{ credits_remaining: unknown }>();

    // Assess
    expect(day10).toBeGreaterThan(100);
    expect(day16).toBeLessThan(100);
    expect([beforeTopUp, afterTopUp]).toEqual([40, 1040]);
    expect(typeof staging.credits_remaining).toBe('number');
  });

  it('drains credits-api (json) below 150 until its top-up on day 20, and router-prod (openrouter) below $50 until day 16', async () => {
    // Prepare
    sandbox = await startSandbox({ now: MAY, accounts: demoAccounts(MAY) });
    const sb = sandbox;
    const balanceAt = (id: string, instant: Date): number => {
      sb.setNow(instant);
      return sb.balanceOf(id);
    };

    // Act
    const credits = [MAY, after(MAY, 15 * DAY), after(MAY, 19 * DAY + 12 * HOUR - 1), after(MAY, 19 * DAY + 12 * HOUR)].map((at) => balanceAt('credits-api', at));
    const router = [MAY, after(MAY, 12 * DAY), after(MAY, 15 * DAY + 9 * HOUR)].map((at) => balanceAt('router-prod', at));

    // Assess
    expect(credits).toEqual([500, 140, 33, 1032]);
    expect(router).toEqual([90, 46.8, 134.65]);
  });

  it('fits a month whatever the previous month’s length (February)', async () => {
    // Prepare
    const march = new Date('2026-03-01T00:00:00.000Z');
    sandbox = await startSandbox({ now: after(march, 17 * DAY + 9.5 * HOUR - 1), accounts: demoAccounts(march) });

    // Act
    const beforeTopUp = sandbox.balanceOf('images-prod');

    // Assess
    expect(beforeTopUp).toBe(40);
  });
});
