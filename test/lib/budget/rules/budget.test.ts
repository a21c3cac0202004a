import { describe, expect, it } from 'vitest';
import { at, DAY, debit, evaluate, find, stateOf, steadyLedger } from '../fixtures.js';

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
    // Prepare: 20 credits a day: 200 in the first 10 days, 20 more days at 20 projects 600.
    const ledger = steadyLedger(at('2026-11-01T12:00:00Z'), at('2026-12-01T00:00:00Z'), DAY, 20);
    const now = at('2026-11-11T00:00:00Z');

    // Act
    const { findings, summary } = evaluate({ budget: { monthly: 500, alertAt: [], forecastAt: [100, 150] } }, { ledger, now });

    // Assess
    expect(summary.forecast).toBe(600);
    expect(find(findings, 'budget.forecast:100')).toMatchObject({ state: 'on', severity: 'warning', once: '2026-11', value: 120 });
    expect(find(findings, 'budget.forecast:150')).toMatchObject({ state: 'off' });
    expect(find(findings, 'budget.forecast:100')?.facts).toMatchObject({ forecast: 600, averageDailyUsed: 20, rateDays: 7 });
  });

  it('does not project a one-off batch job over the rest of the month', () => {
    // Prepare: 1 credit a day since October, and a 400-credit job on Nov 5: 410 used by Nov 11.
    const ledger = [...steadyLedger(at('2026-10-01T12:00:00Z'), at('2026-12-01T00:00:00Z'), DAY, 1), debit('2026-11-05T09:00:00Z', 400)];
    const now = at('2026-11-11T00:00:00Z');

    // Act
    const { findings, summary } = evaluate({ budget: { monthly: 500, alertAt: [80], forecastAt: [100] } }, { ledger, now });

    // Assess: 410 + 20 days at 1 a day; extrapolating the month so far would say 1,230.
    expect(summary.forecast).toBe(430);
    expect(stateOf(findings, 'budget.forecast:100')).toBe('off');
    expect(stateOf(findings, 'budget.actual:80')).toBe('on');
  });
});
