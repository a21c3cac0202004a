import { describe, expect, it } from 'vitest';
import { appendBalanceSample, ledgerFromBalanceHistory } from '../../../lib/budget/balance-history.js';
import { consumptionBetween } from '../../../lib/budget/consumption.js';
import { at, DAY, HOUR } from './fixtures.js';

describe('ledgerFromBalanceHistory', () => {
  it('turns drops into debits and rises into credits, so a top-up is never consumption', () => {
    // Prepare: given out of order on purpose.
    const samples = [
      { at: at('2026-11-01T02:00:00Z'), available: 150 },
      { at: at('2026-11-01T00:00:00Z'), available: 100 },
      { at: at('2026-11-01T01:00:00Z'), available: 90 },
      { at: at('2026-11-01T03:00:00Z'), available: 140 },
      { at: at('2026-11-01T04:00:00Z'), available: 140 },
    ];

    // Act
    const ledger = ledgerFromBalanceHistory(samples);

    // Assess
    expect(ledger.map((e) => [e.id, e.type, e.delta])).toEqual([
      ['bh:2026-11-01T01:00:00.000Z', 'debit', -10],
      ['bh:2026-11-01T02:00:00.000Z', 'credit', 60],
      ['bh:2026-11-01T03:00:00.000Z', 'debit', -10],
    ]);
    expect(consumptionBetween(ledger, at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'))).toBe(20);
  });

  it('is deterministic: the same history yields the same entries', () => {
    // Prepare
    const samples = [
      { at: at('2026-11-01T00:00:00Z'), available: 10.5 },
      { at: at('2026-11-01T01:00:00Z'), available: 9.9 },
    ];

    // Act & Assess
    expect(ledgerFromBalanceHistory(samples)).toEqual(ledgerFromBalanceHistory([...samples].reverse()));
    expect(ledgerFromBalanceHistory(samples)[0]?.delta).toBe(-0.6);
  });
});

describe('appendBalanceSample', () => {
  it('keeps the history sorted, one sample per instant, the newest reading winning', () => {
    // Prepare
    const now = at('2026-11-10T00:00:00Z');
    const history = [
      { at: at('2026-11-09T00:00:00Z'), available: 50 },
      { at: at('2026-11-08T00:00:00Z'), available: 60 },
    ];

    // Act
    const next = appendBalanceSample(history, { at: at('2026-11-09T00:00:00Z'), available: 55 }, now);

    // Assess
    expect(next.map((s) => [s.at.toISOString(), s.available])).toEqual([
      ['2026-11-08T00:00:00.000Z', 60],
      ['2026-11-09T00:00:00.000Z', 55],
    ]);
    expect(history).toHaveLength(2); // the input is not mutated
  });

  it('drops samples older than keepDays', () => {
    // Prepare
    const now = at('2026-11-30T00:00:00Z');
    const history = [
      { at: new Date(now.getTime() - 41 * DAY), available: 90 },
      { at: new Date(now.getTime() - 39 * DAY), available: 80 },
    ];

    // Act
    const next = appendBalanceSample(history, { at: now, available: 70 }, now);

    // Assess
    expect(next.map((s) => s.available)).toEqual([80, 70]);
  });

  it('thins runs of an unchanged balance without changing the derived ledger', () => {
    // Prepare
    const start = at('2026-11-01T00:00:00Z');
    let history: { at: Date; available: number }[] = [];
    const readings = [100, 100, 100, 100, 90, 90, 90, 95];
    readings.forEach((available, i) => {
      history = appendBalanceSample(history, { at: new Date(start.getTime() + i * HOUR), available }, start);
    });
    const unthinned = readings.map((available, i) => ({ at: new Date(start.getTime() + i * HOUR), available }));

    // Act
    const ledger = ledgerFromBalanceHistory(history);

    // Assess
    expect(history.length).toBeLessThan(readings.length);
    expect(history[0]?.at).toEqual(start); // where the history starts is kept
    expect(ledger).toEqual(ledgerFromBalanceHistory(unthinned));
  });

  it('caps the length, keeping the newest samples', () => {
    // Prepare
    const now = at('2026-11-30T00:00:00Z');
    const history = Array.from({ length: 20 }, (_, i) => ({ at: new Date(now.getTime() - (20 - i) * HOUR), available: i }));

    // Act
    const next = appendBalanceSample(history, { at: now, available: 99 }, now, 40, 5);

    // Assess
    expect(next).toHaveLength(5);
    expect(next.at(-1)?.available).toBe(99);
    expect(next[0]?.available).toBe(16);
  });
});
