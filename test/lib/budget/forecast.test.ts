import { describe, expect, it } from 'vitest';
import { buildContext } from '../../../lib/budget/context.js';
import { evaluateAccount } from '../../../lib/budget/evaluate.js';
import { periodIn, zonedCalendar } from '../../../lib/budget/period.js';
import type { LedgerEntry } from '../../../lib/model.js';
import { at, DAY, debit, HOUR, rules, snapshot, steadyLedger } from './fixtures.js';

/** The forecast an evaluation of a UTC account at `now` works with. */
function forecastAt(ledger: readonly LedgerEntry[], now: Date, historyFrom?: Date) {
  return buildContext({ account: rules(), snapshot: snapshot(now, 1000), ledger, now, historyFrom }).forecast;
}

describe('forecastConsumption', () => {
  it('is absent before 3 days of the month when the ledger has no earlier history', () => {
    // Prepare: consumption starts with the month.
    const period = periodIn(zonedCalendar('UTC'), at('2026-11-10T00:00:00Z'));
    const ledger = steadyLedger(period.start, at('2026-11-05T00:00:00Z'), HOUR, 1);

    // Act
    const early = forecastAt(ledger, new Date(period.start.getTime() + 3 * DAY - 1));
    const onTime = forecastAt(ledger, new Date(period.start.getTime() + 3 * DAY));

    // Assess
    expect(early).toBeUndefined();
    expect(onTime?.rate).toMatchObject({ perDay: 24, days: 3 });
    expect(onTime?.value).toBeCloseTo(73 + 24 * 27, 9);
  });

  it('is what was used so far plus the rate times the days left, with the rate it used', () => {
    // Prepare: 10 credits a day since October, and one 200-credit batch job on Nov 2.
    const ledger = [...steadyLedger(at('2026-10-01T12:00:00Z'), at('2026-12-01T00:00:00Z'), DAY, 10), debit('2026-11-02T03:00:00Z', 200)];
    const now = at('2026-11-11T00:00:00Z');

    // Act
    const forecast = forecastAt(ledger, now);

    // Assess: 100 + 200 used; the batch is spent, not a rate: 20 days left at 10 a day.
    expect(forecast?.used).toBe(300);
    expect(forecast?.rate).toMatchObject({ perDay: 10, days: 7, basis: 'usual' });
    expect(forecast?.value).toBeCloseTo(300 + 10 * 20, 9);
  });

  it('counts the days left in the account zone', () => {
    // Prepare: 24 a day; at noon UTC on Nov 30 the UTC month has 12 hours left, Los Angeles' month 20.
    const ledger = steadyLedger(at('2026-11-01T00:30:00Z'), at('2026-12-02T00:00:00Z'), HOUR, 1);
    const now = at('2026-11-30T12:00:00Z');
    const inZone = (timezone: string) =>
      buildContext({ account: rules({ timezone }), snapshot: snapshot(now, 1000), ledger, now }).forecast;

    // Act
    const utc = inZone('UTC');
    const losAngeles = inZone('America/Los_Angeles');

    // Assess
    expect((utc?.value ?? 0) - (utc?.used ?? 0)).toBeCloseTo(12, 9);
    expect((losAngeles?.value ?? 0) - (losAngeles?.used ?? 0)).toBeCloseTo(20, 9);
  });

  it('uses the rate from last month early in the month when the ledger reaches back', () => {
    // Prepare: 24 credits a day since mid-October, now 12 h into November.
    const now = at('2026-11-01T12:00:00Z');
    const ledger = steadyLedger(at('2026-10-15T00:30:00Z'), now, HOUR, 1);

    // Act
    const forecast = forecastAt(ledger, now);

    // Assess
    expect(forecast?.used).toBe(12);
    expect(forecast?.rate.perDay).toBe(24);
    expect(forecast?.value).toBeCloseTo(12 + 24 * 29.5, 9);
  });

  it('needs 3 days of history, not just any earlier entry', () => {
    // Prepare: history starts 2 days before now.
    const now = at('2026-11-01T12:00:00Z');
    const ledger = steadyLedger(new Date(now.getTime() - 2 * DAY), now, HOUR, 1);

    // Act & Assess
    expect(forecastAt(ledger, now)).toBeUndefined();
    expect(forecastAt(ledger, now, new Date(now.getTime() - 3 * DAY))).toBeDefined();
  });

  it('is never below what was used (a fall to no use projects what was used)', () => {
    // Prepare: 50 a day until Nov 5, nothing since.
    const ledger = steadyLedger(at('2026-10-20T00:30:00Z'), at('2026-11-05T00:00:00Z'), HOUR, 50 / 24);

    // Act
    const forecast = forecastAt(ledger, at('2026-11-10T00:00:00Z'));

    // Assess
    expect(forecast?.rate.perDay).toBe(0);
    expect(forecast?.value).toBe(forecast?.used);
    expect(forecast?.used).toBeCloseTo(200, 6);
  });
});

describe('forecast alerts under steady burn', () => {
  /** The first hourly instant of the period at which each finding id was `on`. */
  function firstOn(input: {
    timezone: string;
    monthly: number;
    thresholds: number[];
    ledger: readonly LedgerEntry[];
    month: string;
  }): Map<string, Date> {
    const account = rules({
      timezone: input.timezone,
      budget: { monthly: input.monthly, alertAt: input.thresholds, forecastAt: input.thresholds },
    });
    const period = periodIn(zonedCalendar(input.timezone), at(`${input.month}-15T12:00:00Z`));
    const first = new Map<string, Date>();
    for (let t = period.start.getTime(); t < period.end.getTime(); t += HOUR) {
      const now = new Date(t);
      const { findings } = evaluateAccount({ account, snapshot: snapshot(now, 1000), ledger: input.ledger, now });
      for (const f of findings) if (f.state === 'on' && !first.has(f.id)) first.set(f.id, now);
    }
    return first;
  }

  // Thresholds a month at 2 credits an hour reaches (50, 80, 100 among them) and ones it never reaches.
  const thresholds = [30, 50, 69, 80, 100, 117, 140, 200];

  for (const timezone of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata']) {
    it(`fires forecast:T no later than actual:T, hourly over a whole month (${timezone}, history from last month)`, () => {
      // Prepare: 2 credits an hour since late October; November burns about 1440 credits, 130% of budget.
      const ledger = steadyLedger(at('2026-10-23T00:00:00Z'), at('2026-12-02T00:00:00Z'), HOUR, 2);
      const monthly = 1440 / 1.3;

      // Act
      const first = firstOn({ timezone, monthly, thresholds, ledger, month: '2026-11' });

      // Assess
      for (const threshold of thresholds) {
        const actual = first.get(`budget.actual:${threshold}`);
        const forecast = first.get(`budget.forecast:${threshold}`);
        if (threshold < 130) {
          expect(actual, `actual ${threshold}%`).toBeDefined();
          expect(forecast, `forecast ${threshold}%`).toBeDefined();
          expect(forecast!.getTime()).toBeLessThanOrEqual(actual!.getTime());
          // With last month's history the forecast knows from the first hour.
          expect(forecast!.getTime()).toBeLessThan(actual!.getTime());
        } else {
          expect(actual, `actual ${threshold}%`).toBeUndefined();
          expect(forecast, `forecast ${threshold}% (the burn never reaches it)`).toBeUndefined();
        }
      }
    });
  }

  it('fires forecast:T no later than actual:T when the burn starts with the month (no history)', () => {
    // Prepare
    const ledger = steadyLedger(at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z'), HOUR, 2);

    // Act
    const first = firstOn({ timezone: 'UTC', monthly: 1200, thresholds: [50, 80, 100], ledger, month: '2026-11' });

    // Assess
    for (const threshold of [50, 80, 100]) {
      const actual = first.get(`budget.actual:${threshold}`);
      const forecast = first.get(`budget.forecast:${threshold}`);
      expect(actual).toBeDefined();
      expect(forecast!.getTime()).toBeLessThanOrEqual(actual!.getTime());
    }
    expect(first.get('budget.forecast:100')?.toISOString()).toBe('2026-11-04T00:00:00.000Z');
  });
});
