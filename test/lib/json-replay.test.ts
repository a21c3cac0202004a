// A 30-day month checked every hour through the real checkAccounts, with a `json` account (any credit
// API, its key in the query string) and a preset account (OpenRouter): consumption comes from balance
// history, so budget thresholds must fire once, at the first check whose history shows them crossed, a
// top-up must never count as consumption, and balance.low must fire and resolve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../lib/alerts/types.js';
import { checkAccounts, type CheckDeps } from '../../lib/check.js';
import { parseBudgets, type BudgetsConfig } from '../../lib/config.js';
import { createKeyResolver } from '../../lib/keys.js';
import { createHttpClient } from '../../lib/providers/http.js';
import type { AccountReport, Report } from '../../lib/report.js';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../lib/sandbox/index.js';
import { createMemoryStore } from '../../lib/state/memory-store.js';

const NOV = new Date('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;
const hour = (n: number): Date => new Date(NOV.getTime() + n * HOUR);

const ACCOUNTS: SandboxAccountSpec[] = [
  // 1 credit an hour from 400; 400 bought at 12:30Z on Nov 13 (hour 300.5): below 150 from hour 251 until the
  // top-up, and again from hour 651 (81 left at the end of the month).
  { id: 'credits', vendor: 'json', start: NOV, openingBalance: 400, burnPerHour: 1, topUps: [{ at: hour(300.5), amount: 400 }] },
  // $0.25 an hour from $150; $100 bought at hour 400.5: below $100 from hour 201 until the top-up.
  { id: 'router', vendor: 'openrouter', start: NOV, openingBalance: 150, burnPerHour: 0.25, topUps: [{ at: hour(400.5), amount: 100 }] },
];

function budgets(sandbox: Sandbox): string {
  return `
accounts:
  - id: credits
    provider: json
    baseUrl: ${sandbox.urls.json}
    apiKey: { env: CREDITS_KEY }
    endpoint:
      path: /v1/account
      auth: { query: api_key }
      available: data.remaining
      currency: { path: data.currency }
    budget: { monthly: 600, alertAt: [50, 80, 100], forecastAt: [100] }
    balance: { below: 150 }
  - id: router
    provider: openrouter
    baseUrl: ${sandbox.urls.openrouter}
    apiKey: { env: ROUTER_KEY }
    budget: { monthly: 150, alertAt: [50, 80, 100] }
    balance: { below: 100 }
`;
}

interface Run {
  readonly at: number;
  readonly report: Report;
  readonly sent: readonly Alert[];
}

describe('a month of hourly checks of a json account and a preset account', () => {
  let sandbox: Sandbox;
  let config: BudgetsConfig;
  const runs: Run[] = [];

  const accountIn = (run: Run, id: string): AccountReport => run.report.accounts.find((a) => a.id === id)!;
  const usedAt = (run: Run, id: string): number => accountIn(run, id).consumption?.used ?? Number.NaN;
  const sentAt = (prefix: string): number[] => runs.filter((run) => run.sent.some((a) => a.key.startsWith(prefix))).map((run) => run.at);
  const statusesOf = (account: string, kind: string): string[] =>
    runs.flatMap((run) => run.sent.filter((a) => a.account === account && a.kind === kind).map((a) => `${run.at}:${a.status}`));

  beforeAll(async () => {
    // Prepare: one store for the month, as a deployment has.
    sandbox = await startSandbox({ now: NOV, accounts: ACCOUNTS, enforceRateLimits: false });
    config = parseBudgets(budgets(sandbox), 'replay.yaml');
    const env = { CREDITS_KEY: sandbox.keyOf('credits'), ROUTER_KEY: sandbox.keyOf('router') };
    const deps: CheckDeps = {
      http: createHttpClient(),
      store: createMemoryStore(),
      publisher: { publish: async () => undefined },
      resolveKey: createKeyResolver({ env, ssm: () => { throw new Error('no SSM here'); } }),
    };

    // Act: every hour of November.
    for (let n = 1; n < 30 * 24; n += 1) {
      sandbox.setNow(hour(n));
      const result = await checkAccounts(deps, config, hour(n));
      runs.push({ at: n, report: result.report, sent: result.sent });
    }
  }, 120_000);
  afterAll(() => sandbox?.close());

  it('checks both accounts every hour, reading their balances', () => {
    // Assess
    const errors = runs.flatMap((run) => run.report.accounts.filter((a) => a.status !== 'ok').map((a) => `${run.at} ${a.id}: ${a.error?.message}`));
    expect(errors).toEqual([]);
    const at100 = runs.find((run) => run.at === 100)!;
    expect(accountIn(at100, 'credits').balance).toEqual({ available: 300, currency: 'EUR' });
    expect(accountIn(at100, 'router').balance).toEqual({ available: 125, total: 150, currency: 'USD' });
  });

  it.each([
    ['credits', 600, [50, 80, 100]],
    ['router', 150, [50, 80, 100]],
  ] as const)('fires each budget threshold of %s once, at the first check whose history shows it crossed', (account, monthly, thresholds) => {
    // Assess
    for (const threshold of thresholds) {
      const firstCrossed = runs.find((run) => usedAt(run, account) >= (monthly * threshold) / 100)?.at;
      expect(firstCrossed, `${account} ${threshold} %`).toBeDefined();
      expect(sentAt(`${account}/budget.actual:${threshold}/`), `${account} ${threshold} %`).toEqual([firstCrossed]);
    }
  });

  it('never counts a top-up as consumption', () => {
    // Assess: used grows by the hourly burn from check to check; across a top-up the balance rose, so
    // that hour shows no consumption at all (the burn inside it cannot be seen), never the top-up's size.
    const steps = (account: string) =>
      runs.slice(1).map((run, i) => [run.at, Math.round((usedAt(run, account) - usedAt(runs[i]!, account)) * 1000) / 1000] as const);
    expect(steps('credits').filter(([at, step]) => step !== (at === 301 ? 0 : 1))).toEqual([]);
    expect(steps('router').filter(([at, step]) => step !== (at === 401 ? 0 : 0.25))).toEqual([]);
    const last = runs[runs.length - 1]!;
    // 719 hourly checks: 718 intervals of 1 credit, less the one hidden by the top-up.
    expect(usedAt(last, 'credits')).toBe(717);
    expect(accountIn(last, 'credits').balance?.available).toBe(sandbox.balanceOf('credits'));
  });

  it('fires balance.low when the balance falls below the threshold and resolves it after the top-up', () => {
    // Assess
    const credits = statusesOf('credits', 'balance.low');
    const router = statusesOf('router', 'balance.low');
    expect(credits.slice(0, 3)).toEqual(['251:firing', '301:resolved', '651:firing']);
    expect(router.slice(0, 3)).toEqual(['201:firing', '401:resolved', '601:firing']);
    // Later sends are re-notifications or escalations of the same condition, never a resolution.
    expect([...credits.slice(3), ...router.slice(3)].every((entry) => entry.endsWith(':firing'))).toBe(true);
  });
});
