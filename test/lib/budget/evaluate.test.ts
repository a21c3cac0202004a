import { describe, expect, it } from 'vitest';
import { debit, entry, evaluate, HOUR, NOW } from './fixtures.js';

describe('evaluateAccount', () => {
  it('returns the findings of every rule, in the order of the rule table', () => {
    // Prepare: an account on which every rule has something to say.
    const history = [1, 2, 3, 4, 5, 6, 7].map((back) => debit(new Date(Date.UTC(2026, 10, 20 - back, 9)), 10));
    const ledger = [...history, debit('2026-11-20T08:00:00Z', 30), entry('reload', new Date(NOW.getTime() - HOUR), 500, 'r-1')];

    // Act
    const { findings } = evaluate(
      {
        budget: { monthly: 500, alertAt: [50, 100], forecastAt: [100] },
        balance: { below: 100, runwayDays: 7 },
        autoReload: { warnWithin: 50 },
        usage: { spikeFactor: 3, errorRate: 5 },
      },
      {
        available: 120,
        ledger,
        snapshot: {
          autoReload: { enabled: true, threshold: 100 },
          usage: { totalRequests: 100, failedRequests: 10 },
          tokenExpiresAt: new Date(NOW.getTime() + 2 * 24 * HOUR),
        },
      },
    );

    // Assess
    expect(findings.map((f) => f.id)).toEqual([
      'budget.actual:50',
      'budget.actual:100',
      'budget.forecast:100',
      'balance.low',
      'balance.runway',
      'autoreload.off',
      'autoreload.near',
      'autoreload.triggered',
      'usage.spike',
      'usage.errors',
      'auth.expiring',
    ]);
    expect(new Set(findings.map((f) => f.account))).toEqual(new Set(['video-prod']));
  });
});
