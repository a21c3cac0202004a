import { describe, expect, it } from 'vitest';
import { estimateBurnRate, runwayDays } from '../../../lib/budget/burn-rate.js';
import type { LedgerEntry } from '../../../lib/model.js';
import { at, DAY, debit, entry, HOUR, steadyLedger } from './fixtures.js';

/** The burn rate per day, as runway and the early forecast see it. */
function rate(ledger: readonly LedgerEntry[], now: Date, historyFrom?: Date): number {
  return estimateBurnRate({ ledger, now, historyFrom }).perDay;
}

/** Days of runway for `available`, as the evaluation computes it. */
function runway(available: number, ledger: readonly LedgerEntry[], now: Date): number | undefined {
  return runwayDays(available, estimateBurnRate({ ledger, now }));
}

describe('estimateBurnRate and runwayDays', () => {
  it('give no runway when nothing was consumed, even with top-ups in the ledger', () => {
    // Prepare
    const now = at('2026-11-20T00:00:00Z');
    const ledger = [entry('credit', '2026-11-18T00:00:00Z', 100), entry('reload', '2026-11-19T00:00:00Z', 50)];

    // Act & Assess
    expect(runway(150, ledger, now)).toBeUndefined();
    expect(runway(150, [], now)).toBeUndefined();
  });

  it('divide the available credits by the trailing 7-day daily average', () => {
    // Prepare: 10 credits a day for 20 days; only the last 7 × 24 h count.
    const now = at('2026-11-21T00:00:00Z');
    const ledger = [debit('2026-11-01T00:00:00Z', 500), ...steadyLedger(at('2026-11-01T00:30:00Z'), now, DAY, 10)];

    // Act & Assess
    expect(rate(ledger, now)).toBe(10);
    expect(runway(25, ledger, now)).toBe(2.5);
  });

  it('average over the covered span when the history is shorter than 7 days', () => {
    // Prepare: 2 days of history, 20 credits consumed.
    const now = at('2026-11-21T00:00:00Z');
    const ledger = [debit(new Date(now.getTime() - 2 * DAY), 8), debit(new Date(now.getTime() - HOUR), 12)];

    // Act & Assess
    expect(rate(ledger, now)).toBe(10);
    expect(runway(30, ledger, now)).toBe(3);
  });

  it('never average over less than one day', () => {
    // Prepare: one hour of history.
    const now = at('2026-11-21T00:00:00Z');
    const ledger = [debit(new Date(now.getTime() - HOUR), 5)];

    // Act & Assess
    expect(rate(ledger, now)).toBe(5);
    expect(runway(10, ledger, now)).toBe(2);
  });

  it('use historyFrom as the start of knowledge when given', () => {
    // Prepare: a derived ledger whose first balance sample is 4 days old but whose first drop is recent.
    const now = at('2026-11-21T00:00:00Z');
    const historyFrom = new Date(now.getTime() - 4 * DAY);
    const ledger = [debit(new Date(now.getTime() - HOUR), 20)];

    // Act
    const burn = estimateBurnRate({ ledger, now, historyFrom });

    // Assess
    expect(burn.perDay).toBe(5);
    expect(burn.since).toEqual(historyFrom);
  });

  it('give zero runway when the balance is already gone', () => {
    // Prepare
    const now = at('2026-11-21T00:00:00Z');
    const ledger = steadyLedger(at('2026-11-14T00:00:00Z'), now, DAY, 10);

    // Act & Assess
    expect(runway(-3, ledger, now)).toBe(0);
  });
});
