import { describe, expect, it } from 'vitest';
import { at, DAY, evaluate, find, NOW, stateOf, steadyLedger } from '../fixtures.js';

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
