import { describe, expect, it } from 'vitest';
import { at, DAY, debit, evaluate, find, HOUR, NOW, stateOf, steadyLedger } from '../fixtures.js';

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

  it('reports runway, the rate and the days it covers in the facts and summary', () => {
    // Act
    const { findings, summary } = evaluate(runway, { ledger, available: 25 });

    // Assess
    expect(summary.runwayDays).toBe(2.5);
    expect(find(findings, 'balance.runway')?.facts).toMatchObject({ runwayDays: 2.5, averageDailyUsed: 10, rateDays: 7, rateBasis: 'usual' });
  });

  it('does not page for a one-off batch job: 181 credits at half a credit a day last a year', () => {
    // Prepare: half a credit a day for a month, and a 900-credit job four days ago.
    const quiet = [...steadyLedger(at('2026-10-20T12:30:00Z'), NOW, HOUR, 0.5 / 24), debit(new Date(NOW.getTime() - 4 * DAY), 900)];

    // Act
    const { findings, summary } = evaluate(runway, { ledger: quiet, available: 181 });

    // Assess
    expect(find(findings, 'balance.runway')).toMatchObject({ state: 'off', value: 362 });
    expect(find(findings, 'balance.runway')?.facts).toMatchObject({ averageDailyUsed: 0.5, rateSetAside: 900 });
    expect(summary.runwayDays).toBe(362);
  });

  it('warns within three days of a sustained rise', () => {
    // Prepare: 5 a day for weeks, then 40 a day for the last three days; 200 credits left.
    const rise = new Date(NOW.getTime() - 3 * DAY);
    const risen = [...steadyLedger(at('2026-10-20T12:30:00Z'), rise, HOUR, 5 / 24), ...steadyLedger(new Date(rise.getTime() + HOUR), new Date(NOW.getTime() + 1), HOUR, 40 / 24)];

    // Act
    const { findings } = evaluate(runway, { ledger: risen, available: 200 });

    // Assess
    expect(find(findings, 'balance.runway')).toMatchObject({ state: 'on', severity: 'warning', value: 5 });
    expect(find(findings, 'balance.runway')?.facts).toMatchObject({ averageDailyUsed: 40, rateDays: 3, rateBasis: 'changed' });
  });

  it('does not extrapolate the first debit of a new account', () => {
    // Prepare: an account opened an hour ago with a 300-credit import.
    const opened = [debit(new Date(NOW.getTime() - HOUR), 300)];

    // Act
    const { findings } = evaluate(runway, { ledger: opened, available: 700 });

    // Assess
    expect(find(findings, 'balance.runway')?.state).toBe('off');
    expect(find(findings, 'balance.runway')?.facts).toMatchObject({ rateBasis: 'little-history', rateSetAside: 300 });
  });
});
