import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../lib/alerts/types.js';
import { checkAccounts, type CheckDeps } from '../../lib/check.js';
import type { Report } from '../../lib/report.js';
import { parseBudgets, type BudgetsConfig } from '../../lib/config.js';
import { createKeyResolver } from '../../lib/keys.js';
import { createHttpClient } from '../../lib/providers/http.js';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../lib/sandbox/index.js';
import { createFileStore } from '../../lib/state/file-store.js';
import { tempDir } from '../helpers/temp-dir.js';

// A 30-day month (November 2026) checked every hour, then December every six hours.
const NOV = new Date('2026-11-01T00:00:00Z');
const DEC = new Date('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;

const ACCOUNTS: SandboxAccountSpec[] = [
  // Pictory: 1 credit an hour all along (history since October, so the forecast exists from day one).
  { id: 'vid', vendor: 'pictory', start: new Date('2026-10-01T00:00:00Z'), openingBalance: 1000, monthlyAllowance: 1000, burnPerHour: 1 },
  // Account API: 2 credits an hour in debits every 3 hours (~240 ledger entries a month: paging).
  {
    id: 'api',
    vendor: 'account-api',
    start: new Date('2026-10-25T00:00:00Z'),
    openingBalance: 5000,
    burnPerHour: 2,
    debitEveryMinutes: 180,
  },
  // Pixelcut: drains 0.5 credit an hour from 300; below 100 around Nov 17; a top-up on Nov 20 lifts it.
  {
    id: 'img',
    vendor: 'pixelcut',
    start: NOV,
    openingBalance: 300,
    burnPerHour: 0.5,
    topUps: [{ at: new Date('2026-11-20T12:30:00Z'), amount: 200 }],
  },
  // Pixelcut wobbling around its 100-credit threshold by ±0.5 % every hour.
  {
    id: 'wobble',
    vendor: 'pixelcut',
    start: NOV,
    openingBalance: 100.5,
    burnPerHour: 1,
    topUps: Array.from({ length: 30 * 12 }, (_, i) => ({ at: new Date(NOV.getTime() + (2 * i + 1.5) * HOUR), amount: 2 })),
  },
];

function budgets(sandbox: Sandbox): string {
  return `
accounts:
  - id: vid
    provider: pictory
    baseUrl: ${sandbox.urls.pictory}
    apiKey: { env: VID_KEY }
    budget: { monthly: 600, alertAt: [50, 80, 100], forecastAt: [50, 80, 100] }
  - id: api
    provider: account-api
    baseUrl: ${sandbox.urls['account-api']}
    apiKey: { env: API_KEY }
    budget: { monthly: 1200, alertAt: [50, 80, 100], forecastAt: [50, 80, 100] }
  - id: img
    provider: pixelcut
    baseUrl: ${sandbox.urls.pixelcut}
    apiKey: { env: IMG_KEY }
    budget: { monthly: 300, alertAt: [50, 80] }
    balance: { below: 100 }
  - id: wobble
    provider: pixelcut
    baseUrl: ${sandbox.urls.pixelcut}
    apiKey: { env: WOBBLE_KEY }
    balance: { below: 100 }
`;
}

interface Run {
  readonly at: Date;
  readonly report: Report;
  readonly sent: readonly Alert[];
}

describe('a month replayed at hourly checks', () => {
  let sandbox: Sandbox;
  let config: BudgetsConfig;
  let deps: (at: Date) => CheckDeps;
  let statePath: string;
  const runs: Run[] = [];
  const reruns: Run[] = [];

  const check = async (at: Date): Promise<Run> => {
    sandbox.setNow(at);
    const result = await checkAccounts(deps(at), config, at);
    return { at, report: result.report, sent: result.sent };
  };

  beforeAll(async () => {
    // Simulated hours pass in milliseconds: real-time per-second rate limits do not apply to a replay.
    sandbox = await startSandbox({ now: NOV, accounts: ACCOUNTS, enforceRateLimits: false });
    config = parseBudgets(budgets(sandbox), 'replay.yaml');
    statePath = join(await tempDir('replay-'), 'state.json');
    const env = { VID_KEY: sandbox.keyOf('vid'), API_KEY: sandbox.keyOf('api'), IMG_KEY: sandbox.keyOf('img'), WOBBLE_KEY: sandbox.keyOf('wobble') };
    const http = createHttpClient({ limits: { pixelcut: { perSecond: Number.POSITIVE_INFINITY } } });
    deps = (at) => ({
      http,
      store: createFileStore(statePath, { now: () => at }),
      publisher: { publish: async () => undefined },
      resolveKey: createKeyResolver({ env, ssm: () => { throw new Error('no SSM here'); } }),
    });
    for (let at = new Date(NOV.getTime() + HOUR); at <= DEC; at = new Date(at.getTime() + HOUR)) {
      runs.push(await check(at));
      // Every day at noon, run the very same check again at the same instant.
      if (at.getUTCHours() === 12) reruns.push(await check(at));
    }
    for (let at = new Date(DEC.getTime() + 6 * HOUR); at < new Date('2026-12-31T00:00:00Z'); at = new Date(at.getTime() + 6 * HOUR)) {
      runs.push(await check(at));
    }
  }, 120_000);

  afterAll(() => sandbox?.close());

  const sentIn = (month: string) => runs.filter((r) => r.at.toISOString().startsWith(month)).flatMap((r) => r.sent.map((alert) => ({ at: r.at, alert })));
  const usedAt = (run: Run, id: string) => run.report.accounts.find((a) => a.id === id)?.consumption?.used ?? Number.NaN;

  it('checks every account successfully at every instant', () => {
    const errors = runs.flatMap((r) => r.report.accounts.filter((a) => a.status !== 'ok').map((a) => `${r.at.toISOString()} ${a.id} ${a.error?.message}`));
    expect(errors).toEqual([]);
  });

  it('fires every budget threshold exactly once, at the first check where it holds', () => {
    const budgetsOf: Record<string, number> = { vid: 600, api: 1200, img: 300 };
    const thresholds: Record<string, number[]> = { vid: [50, 80, 100], api: [50, 80, 100], img: [50, 80] };
    const november = runs.filter((r) => r.at < DEC);
    for (const [id, list] of Object.entries(thresholds)) {
      for (const threshold of list) {
        const fired = sentIn('2026-11').filter(({ alert }) => alert.account === id && alert.kind === 'budget.actual' && alert.threshold === threshold);
        const firstHolding = november.find((r) => usedAt(r, id) >= (budgetsOf[id]! * threshold) / 100);
        expect(fired.map((f) => f.at), `${id} budget.actual ${threshold}`).toEqual([firstHolding?.at]);
      }
    }
  });

  it('measures consumption as the vendors record it (no double counting, top-ups excluded)', () => {
    const nov30 = runs.find((r) => r.at.toISOString() === '2026-11-30T12:00:00.000Z')!;
    // 29.5 days at 1/h, 2/h (debited every 3 h) and 0.5/h.
    // (A debit stamped exactly at the check's instant counts.)
    expect(usedAt(nov30, 'vid')).toBe(29.5 * 24 + 1);
    expect(Math.abs(usedAt(nov30, 'api') - 29.5 * 48)).toBeLessThanOrEqual(6);
    // Pixelcut has no ledger: consumption is what the balance lost between our own (hourly) checks.
    expect(Math.abs(usedAt(nov30, 'img') - 29.5 * 12)).toBeLessThanOrEqual(1);
  });

  it('sends each forecast alert before the actual alert of the same threshold (steady burn)', () => {
    for (const id of ['vid', 'api']) {
      for (const threshold of [50, 80, 100]) {
        const first = (kind: string) =>
          sentIn('2026-11').find(({ alert }) => alert.account === id && alert.kind === kind && alert.threshold === threshold)?.at;
        const forecast = first('budget.forecast');
        const actual = first('budget.actual');
        expect(forecast, `${id} forecast ${threshold}`).toBeDefined();
        expect(actual, `${id} actual ${threshold}`).toBeDefined();
        expect(forecast!.getTime(), `${id} ${threshold}`).toBeLessThan(actual!.getTime());
      }
    }
  });

  it('re-arms budget thresholds in the next month', () => {
    const december = sentIn('2026-12').filter(({ alert }) => alert.kind === 'budget.actual');
    expect(december.filter(({ alert }) => alert.account === 'vid').map(({ alert }) => alert.threshold)).toEqual([50, 80, 100]);
    expect(december.filter(({ alert }) => alert.account === 'vid').every(({ alert }) => alert.key.endsWith('/2026-12'))).toBe(true);
  });

  it('fires balance.low when the balance drops below the threshold and resolves it after the top-up', () => {
    const low = sentIn('2026-11').filter(({ alert }) => alert.account === 'img' && alert.kind === 'balance.low');
    expect(low.map(({ alert }) => alert.status)).toEqual(['firing', 'resolved']);
    // 300 − 0.5/h crosses below 100 after 400 h (Nov 17 16:00); the top-up lands Nov 20 12:30.
    expect(low[0]!.at.getTime()).toBeGreaterThanOrEqual(new Date('2026-11-17T16:00:00Z').getTime());
    expect(low[0]!.at.getTime()).toBeLessThanOrEqual(new Date('2026-11-17T18:00:00Z').getTime());
    expect(low[1]!.at.toISOString()).toBe('2026-11-20T13:00:00.000Z');
  });

  it('never flaps around a threshold: a balance wobbling ±0.5 % fires once and stays quiet', () => {
    const wobble = sentIn('2026-11').filter(({ alert }) => alert.account === 'wobble');
    expect(wobble.map(({ alert }) => `${alert.kind} ${alert.status} ${alert.severity}`)).toEqual(['balance.low firing warning']);
    // In December the top-ups stop and the balance runs out: the same condition escalates, once.
    const december = sentIn('2026-12').filter(({ alert }) => alert.account === 'wobble');
    expect(december.map(({ alert }) => `${alert.kind} ${alert.status} ${alert.severity}`)).toEqual(['balance.low firing critical']);
  });

  it('sends nothing when the same check runs again at the same instant', () => {
    expect(reruns).toHaveLength(30);
    expect(reruns.flatMap((r) => r.sent)).toEqual([]);
  });

  it('keeps the state file small: old periods and balance history are pruned', async () => {
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    expect(Object.keys(state.alerts).every((key: string) => !key.includes('2026-09'))).toBe(true);
    expect(state.accounts.img.balanceHistory.length).toBeLessThan(2000);
  });
});
