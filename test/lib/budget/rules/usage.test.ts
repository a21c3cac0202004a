import { describe, expect, it } from 'vitest';
import { debit, evaluate, find, stateOf } from '../fixtures.js';

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
