import { describe, expect, it } from 'vitest';
import { checkRecovered, evaluateAccount, evaluateFailure } from '../../../lib/budget/evaluate.js';
import type { RulesConfig } from '../../../lib/budget/rules-config.js';
import type { Finding } from '../../../lib/budget/types.js';
import type { AccountSnapshot, LedgerEntry } from '../../../lib/model.js';
import { at, DAY, debit, entry, HOUR, rules, snapshot, steadyLedger } from './fixtures.js';

const NOW = at('2026-11-20T12:00:00Z');

function evaluate(
  account: Partial<RulesConfig>,
  options: { available?: number; ledger?: readonly LedgerEntry[]; snapshot?: Partial<AccountSnapshot>; now?: Date } = {},
) {
  const now = options.now ?? NOW;
  return evaluateAccount({
    account: rules(account),
    snapshot: snapshot(now, options.available ?? 1000, options.snapshot),
    ledger: options.ledger ?? [],
    now,
  });
}

function find(findings: readonly Finding[], id: string): Finding | undefined {
  return findings.find((f) => f.id === id);
}

function stateOf(findings: readonly Finding[], id: string): string | undefined {
  return find(findings, id)?.state;
}

describe('budget.actual', () => {
  it('is on per threshold reached, once per period, with severity by threshold', () => {
    // Prepare: 400 of 500 used this month (exactly 80%), plus last month's spend that must not count.
    const ledger = [debit('2026-10-31T23:59:59Z', 999), debit('2026-11-02T00:00:00Z', 150), debit('2026-11-19T00:00:00Z', 250)];

    // Act
    const { findings, summary } = evaluate(
      { budget: { monthly: 500, alertAt: [50, 80, 100], forecastAt: [] } },
      { ledger, available: 88, snapshot: { balance: { available: 88, currency: 'USD' } } },
    );

    // Assess
    expect(summary).toMatchObject({ period: '2026-11', used: 400, budget: 500 });
    expect(find(findings, 'budget.actual:50')).toMatchObject({ state: 'on', severity: 'info', once: '2026-11', threshold: 50, value: 80 });
    expect(find(findings, 'budget.actual:80')).toMatchObject({ state: 'on', severity: 'warning' });
    expect(find(findings, 'budget.actual:100')).toMatchObject({ state: 'off', severity: 'critical' });
    expect(find(findings, 'budget.actual:80')?.facts).toMatchObject({
      period: '2026-11',
      used: 400,
      budget: 500,
      available: 88,
      currency: 'USD',
    });
  });

  it('counts the period in the account zone', () => {
    // Prepare: 23:00 on Oct 31 in Los Angeles is already November in UTC.
    const ledger = [debit('2026-11-01T06:00:00Z', 300)];
    const budget = { monthly: 500, alertAt: [50], forecastAt: [] };

    // Act
    const utc = evaluate({ budget }, { ledger });
    const la = evaluate({ budget, timezone: 'America/Los_Angeles' }, { ledger });

    // Assess
    expect(stateOf(utc.findings, 'budget.actual:50')).toBe('on');
    expect(stateOf(la.findings, 'budget.actual:50')).toBe('off');
  });

  it('ignores entries after now (replaying history)', () => {
    // Act
    const { summary } = evaluate({}, { ledger: [debit('2026-11-20T12:00:00Z', 5), debit('2026-11-20T12:00:01Z', 50)] });

    // Assess
    expect(summary.used).toBe(5);
  });
});

describe('budget.forecast', () => {
  it('has no finding at all while there is no forecast', () => {
    // Prepare: 2 days into the month, no earlier history.
    const now = at('2026-11-03T00:00:00Z');
    const ledger = [debit('2026-11-01T05:00:00Z', 100)];

    // Act
    const { findings, summary } = evaluate({ budget: { monthly: 500, alertAt: [], forecastAt: [100] } }, { ledger, now });

    // Assess
    expect(find(findings, 'budget.forecast:100')).toBeUndefined();
    expect(summary.forecast).toBeUndefined();
  });

  it('is on when the projection reaches T% of the budget, as a warning, once per period', () => {
    // Prepare: 200 credits in 10 of 30 days projects 600.
    const ledger = [debit('2026-11-02T00:00:00Z', 200)];
    const now = at('2026-11-11T00:00:00Z');

    // Act
    const { findings, summary } = evaluate({ budget: { monthly: 500, alertAt: [], forecastAt: [100, 150] } }, { ledger, now });

    // Assess
    expect(summary.forecast).toBe(600);
    expect(find(findings, 'budget.forecast:100')).toMatchObject({ state: 'on', severity: 'warning', once: '2026-11', value: 120 });
    expect(find(findings, 'budget.forecast:150')).toMatchObject({ state: 'off' });
    expect(find(findings, 'budget.forecast:100')?.facts.forecast).toBe(600);
  });
});

describe('balance.low', () => {
  const below = { balance: { below: 100 } };

  it('is on below the limit, holds inside the 5% margin, and is off above it', () => {
    // Act & Assess
    expect(find(evaluate(below, { available: 99.99 }).findings, 'balance.low')).toMatchObject({
      state: 'on',
      severity: 'warning',
      threshold: 100,
      value: 99.99,
    });
    expect(stateOf(evaluate(below, { available: 100 }).findings, 'balance.low')).toBe('hold');
    expect(stateOf(evaluate(below, { available: 104.99 }).findings, 'balance.low')).toBe('hold');
    expect(stateOf(evaluate(below, { available: 105 }).findings, 'balance.low')).toBe('off');
  });

  it('uses a margin of at least one credit for small limits', () => {
    // Prepare: 5% of 10 is 0.5; the margin is 1.
    const small = { balance: { below: 10 } };

    // Act & Assess
    expect(stateOf(evaluate(small, { available: 10.5 }).findings, 'balance.low')).toBe('hold');
    expect(stateOf(evaluate(small, { available: 11 }).findings, 'balance.low')).toBe('off');
  });

  it('is critical when the balance is gone', () => {
    // Act & Assess
    expect(find(evaluate(below, { available: 0 }).findings, 'balance.low')).toMatchObject({ state: 'on', severity: 'critical' });
  });
});

describe('balance.runway', () => {
  // 10 credits a day over the trailing week.
  const ledger = steadyLedger(at('2026-11-10T12:30:00Z'), NOW, DAY, 10);
  const runway = { balance: { runwayDays: 7 } };

  it('is on under the limit, holds up to 1.2 × the limit, and is off beyond', () => {
    // Act & Assess
    expect(find(evaluate(runway, { ledger, available: 69 }).findings, 'balance.runway')).toMatchObject({
      state: 'on',
      severity: 'warning',
      threshold: 7,
      value: 6.9,
    });
    expect(stateOf(evaluate(runway, { ledger, available: 70 }).findings, 'balance.runway')).toBe('hold');
    expect(stateOf(evaluate(runway, { ledger, available: 83 }).findings, 'balance.runway')).toBe('hold');
    expect(stateOf(evaluate(runway, { ledger, available: 85 }).findings, 'balance.runway')).toBe('off');
  });

  it('is critical under one day, and off without consumption', () => {
    // Act & Assess
    expect(find(evaluate(runway, { ledger, available: 5 }).findings, 'balance.runway')).toMatchObject({
      state: 'on',
      severity: 'critical',
    });
    expect(stateOf(evaluate(runway, { ledger: [], available: 5 }).findings, 'balance.runway')).toBe('off');
    expect(evaluate(runway, { ledger: [], available: 5 }).summary.runwayDays).toBeUndefined();
  });

  it('reports runway and the daily average in the facts and summary', () => {
    // Act
    const { findings, summary } = evaluate(runway, { ledger, available: 25 });

    // Assess
    expect(summary.runwayDays).toBe(2.5);
    expect(find(findings, 'balance.runway')?.facts).toMatchObject({ runwayDays: 2.5, averageDailyUsed: 10 });
  });
});

describe('auto-reload', () => {
  const reloadOn = { enabled: true, threshold: 100, amount: 500 };

  it('autoreload.off is on when the vendor says disabled and the account expects it', () => {
    // Act & Assess
    expect(find(evaluate({ autoReload: {} }, { snapshot: { autoReload: { enabled: false } } }).findings, 'autoreload.off')).toMatchObject({
      state: 'on',
      severity: 'warning',
    });
    expect(stateOf(evaluate({ autoReload: {} }, { snapshot: { autoReload: reloadOn } }).findings, 'autoreload.off')).toBe('off');
    expect(find(evaluate({}, { snapshot: { autoReload: { enabled: false } } }).findings, 'autoreload.off')).toBeUndefined();
    expect(find(evaluate({ autoReload: {} }).findings, 'autoreload.off')).toBeUndefined();
  });

  it('autoreload.near is on within warnWithin of the threshold, with a 20% margin before it clears', () => {
    // Prepare: threshold 100 + warnWithin 50 → on at ≤ 150, off above 160.
    const account = { autoReload: { warnWithin: 50 } };
    const near = (available: number) => evaluate(account, { available, snapshot: { autoReload: reloadOn } }).findings;

    // Act & Assess
    expect(find(near(150), 'autoreload.near')).toMatchObject({ state: 'on', severity: 'info', threshold: 150, value: 150 });
    expect(find(near(150), 'autoreload.near')?.facts).toMatchObject({ reloadThreshold: 100, reloadAmount: 500 });
    expect(stateOf(near(155), 'autoreload.near')).toBe('hold');
    expect(stateOf(near(160), 'autoreload.near')).toBe('hold');
    expect(stateOf(near(160.01), 'autoreload.near')).toBe('off');
  });

  it('autoreload.near clears at least one credit above the limit for a small warnWithin', () => {
    // Prepare: 20% of 2 is 0.4; the margin is 1 credit → off above 103.
    const near = (available: number) =>
      evaluate({ autoReload: { warnWithin: 2 } }, { available, snapshot: { autoReload: reloadOn } }).findings;

    // Act & Assess
    expect(stateOf(near(102), 'autoreload.near')).toBe('on');
    expect(stateOf(near(103), 'autoreload.near')).toBe('hold');
    expect(stateOf(near(103.5), 'autoreload.near')).toBe('off');
  });

  it('autoreload.near is off when auto-reload is disabled (nothing to be near)', () => {
    // Act & Assess
    expect(
      stateOf(evaluate({ autoReload: { warnWithin: 50 } }, { available: 10, snapshot: { autoReload: { enabled: false } } }).findings, 'autoreload.near'),
    ).toBe('off');
  });

  it('autoreload.triggered fires once per reload entry of the last 24 hours', () => {
    // Prepare
    const ledger = [
      entry('reload', new Date(NOW.getTime() - 25 * HOUR), 500, 'r-old'),
      entry('reload', new Date(NOW.getTime() - 23 * HOUR), 500, 'r-1'),
      entry('reload', new Date(NOW.getTime() - HOUR), 250, 'r-2'),
    ];

    // Act
    const triggered = evaluate({}, { ledger }).findings.filter((f) => f.kind === 'autoreload.triggered');

    // Assess
    expect(triggered.map((f) => [f.id, f.once, f.state, f.value])).toEqual([
      ['autoreload.triggered', 'r-1', 'on', 500],
      ['autoreload.triggered', 'r-2', 'on', 250],
    ]);
    expect(triggered[1]?.facts.reloadedAt).toBe(new Date(NOW.getTime() - HOUR).toISOString());
  });
});

describe('usage.spike', () => {
  // Previous 7 local days: 10 credits each (median 10).
  const history = [1, 2, 3, 4, 5, 6, 7].map((back) => debit(new Date(Date.UTC(2026, 10, 20 - back, 9)), 10));

  it('is on when today reaches factor × the median of the previous 7 full days, once per local day', () => {
    // Prepare
    const ledger = [...history, debit('2026-11-20T08:00:00Z', 30)];

    // Act
    const spike = find(evaluate({ usage: { spikeFactor: 3 } }, { ledger }).findings, 'usage.spike');

    // Assess
    expect(spike).toMatchObject({ state: 'on', severity: 'warning', once: '2026-11-20', threshold: 3, value: 3 });
    expect(spike?.facts).toMatchObject({ todayUsed: 30, medianDailyUsed: 10, day: '2026-11-20' });
  });

  it('is off just below the factor and when the usual day consumed nothing', () => {
    // Act & Assess
    expect(stateOf(evaluate({ usage: { spikeFactor: 3 } }, { ledger: [...history, debit('2026-11-20T08:00:00Z', 29)] }).findings, 'usage.spike')).toBe('off');
    expect(stateOf(evaluate({ usage: { spikeFactor: 3 } }, { ledger: [debit('2026-11-20T08:00:00Z', 500)] }).findings, 'usage.spike')).toBe('off');
  });

  it('uses local days of the account zone', () => {
    // Prepare: in Kolkata NOW (18:00 local on Nov 20) the day started at 18:30Z on Nov 19.
    const ledger = [...history, debit('2026-11-19T19:00:00Z', 30)];

    // Act
    const utc = find(evaluate({ usage: { spikeFactor: 3 } }, { ledger }).findings, 'usage.spike');
    const kolkata = find(evaluate({ usage: { spikeFactor: 3 }, timezone: 'Asia/Kolkata' }, { ledger }).findings, 'usage.spike');

    // Assess
    expect(utc?.state).toBe('off');
    expect(kolkata).toMatchObject({ state: 'on', once: '2026-11-20' });
  });
});

describe('usage.errors', () => {
  const errors = (failedRequests: number, totalRequests = 200) =>
    evaluate({ usage: { errorRate: 5 } }, { snapshot: { usage: { totalRequests, failedRequests } } }).findings;

  it('is on at the rate, holds down to 80% of it, then is off', () => {
    // Act & Assess
    expect(find(errors(10), 'usage.errors')).toMatchObject({ state: 'on', severity: 'warning', threshold: 5, value: 5 });
    expect(find(errors(10), 'usage.errors')?.facts).toMatchObject({ errorRate: 5, failedRequests: 10, totalRequests: 200 });
    expect(stateOf(errors(9), 'usage.errors')).toBe('hold');
    expect(stateOf(errors(8), 'usage.errors')).toBe('hold');
    expect(stateOf(errors(7), 'usage.errors')).toBe('off');
  });

  it('says nothing with fewer than 20 requests', () => {
    // Act & Assess
    expect(find(errors(19, 19), 'usage.errors')).toBeUndefined();
  });
});

describe('auth.expiring', () => {
  const expiring = (inMs: number) =>
    find(evaluate({ authExpiryWarnDays: 3 }, { snapshot: { tokenExpiresAt: new Date(NOW.getTime() + inMs) } }).findings, 'auth.expiring');

  it('is on inside the warning window, critical in the last day and once expired', () => {
    // Act & Assess
    expect(expiring(2 * DAY)).toMatchObject({ state: 'on', severity: 'warning', threshold: 3, value: 2 });
    expect(expiring(12 * HOUR)).toMatchObject({ state: 'on', severity: 'critical' });
    expect(expiring(-HOUR)).toMatchObject({ state: 'on', severity: 'critical' });
    expect(expiring(2 * DAY)?.facts.expiresAt).toBe(new Date(NOW.getTime() + 2 * DAY).toISOString());
  });

  it('is off outside the window and when the credential has no known expiry', () => {
    // Act & Assess
    expect(expiring(3 * DAY)?.state).toBe('off');
    expect(stateOf(evaluate({}).findings, 'auth.expiring')).toBe('off');
  });
});

describe('check.failed', () => {
  const account = rules();

  it('is on at once for a rejected key (critical) or a missing key (warning)', () => {
    // Act & Assess
    expect(evaluateFailure({ account, error: { code: 'auth', message: 'Unauthorized' }, consecutiveFailures: 1, now: NOW })).toMatchObject({
      id: 'check.failed',
      state: 'on',
      severity: 'critical',
      facts: { errorCode: 'auth', errorMessage: 'Unauthorized', consecutiveFailures: 1 },
    });
    expect(evaluateFailure({ account, error: { code: 'key', message: 'unset' }, consecutiveFailures: 1, now: NOW })).toMatchObject({
      state: 'on',
      severity: 'warning',
    });
  });

  it('holds for transient failures until the third in a row', () => {
    // Act
    const states = [1, 2, 3, 4].map(
      (n) => evaluateFailure({ account, error: { code: 'network', message: 'ECONNRESET' }, consecutiveFailures: n, now: NOW }).state,
    );

    // Assess
    expect(states).toEqual(['hold', 'hold', 'on', 'on']);
  });

  it('is off when a check succeeds', () => {
    // Act & Assess
    expect(checkRecovered(account)).toMatchObject({ id: 'check.failed', kind: 'check.failed', state: 'off', account: 'video-prod' });
  });
});
