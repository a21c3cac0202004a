import { describe, expect, it } from 'vitest';
import { consumptionBetween, dailyConsumption, entryConsumption } from '../../../lib/budget/consumption.js';
import { zonedCalendar } from '../../../lib/budget/period.js';
import { at, debit, entry } from './fixtures.js';

describe('entryConsumption', () => {
  it('counts debits and negative adjustments, gives back positive adjustments, ignores top-ups', () => {
    // Prepare
    const when = '2026-11-05T10:00:00Z';

    // Act & Assess
    expect(entryConsumption(debit(when, 5))).toBe(5);
    expect(entryConsumption(entry('adjustment', when, -3))).toBe(3);
    expect(entryConsumption(entry('adjustment', when, 2))).toBe(-2);
    expect(entryConsumption(entry('credit', when, 100))).toBe(0);
    expect(entryConsumption(entry('reload', when, 500))).toBe(0);
    expect(entryConsumption(entry('reset', when, 400))).toBe(0);
  });

  it('treats a debit recorded with a positive amount as consumption all the same', () => {
    // Act & Assess
    expect(entryConsumption(entry('debit', '2026-11-05T10:00:00Z', 4))).toBe(4);
  });
});

describe('consumptionBetween', () => {
  it('sums the half-open window [from, to)', () => {
    // Prepare
    const ledger = [
      debit('2026-11-01T00:00:00Z', 1),
      debit('2026-11-10T12:00:00Z', 2),
      entry('adjustment', '2026-11-11T00:00:00Z', -4),
      entry('credit', '2026-11-12T00:00:00Z', 50),
      debit('2026-12-01T00:00:00Z', 8),
    ];

    // Act
    const used = consumptionBetween(ledger, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'));

    // Assess
    expect(used).toBe(7);
  });

  it('lets a positive adjustment reduce consumption but never below zero', () => {
    // Prepare
    const from = at('2026-11-01T00:00:00Z');
    const to = at('2026-11-30T00:00:00Z');
    const partlyRefunded = [debit('2026-11-02T00:00:00Z', 10), entry('adjustment', '2026-11-03T00:00:00Z', 4)];
    const overRefunded = [debit('2026-11-02T00:00:00Z', 1), entry('adjustment', '2026-11-03T00:00:00Z', 4)];

    // Act & Assess
    expect(consumptionBetween(partlyRefunded, from, to)).toBe(6);
    expect(consumptionBetween(overRefunded, from, to)).toBe(0);
  });

  it('adds fractional amounts without floating-point dust', () => {
    // Prepare: 0.1 + 0.2 + 0.3 + 0.4 is 0.9999999999999999 in floating point.
    const ledger = [0.1, 0.2, 0.3, 0.4].map((amount, i) => debit(new Date(Date.UTC(2026, 10, 2, i)), amount));

    // Act
    const used = consumptionBetween(ledger, at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'));

    // Assess
    expect(used).toBe(1);
  });
});

describe('dailyConsumption', () => {
  it('buckets by local day in the account zone', () => {
    // Prepare
    const ledger = [
      debit('2026-11-02T07:30:00Z', 3), // 23:30 PST on Nov 1
      debit('2026-11-02T08:30:00Z', 5), // 00:30 PST on Nov 2
      debit('2026-11-02T20:00:00Z', 1),
    ];

    // Act
    const days = dailyConsumption(ledger, at('2026-11-01T07:00:00Z'), at('2026-11-03T08:00:00Z'), zonedCalendar('America/Los_Angeles'));

    // Assess
    expect(days.map((d) => [d.day, d.used])).toEqual([
      ['2026-11-01', 3],
      ['2026-11-02', 6],
    ]);
    expect(days[0]?.end.getTime()).toBe(days[1]?.start.getTime());
  });
});
