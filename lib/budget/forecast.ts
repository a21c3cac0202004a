import type { LedgerEntry } from '../model.js';
import { consumptionThrough } from './consumption.js';
import { DAY_MS } from './period.js';
import { historyStart, trailingDailyAverage } from './runway.js';

/** Days of data a forecast needs, from the month itself or from the ledger's earlier history. */
export const FORECAST_MIN_DAYS = 3;

/** A projection of the period's consumption at its end. */
export interface Forecast {
  /** Projected consumption at the end of the period. */
  readonly value: number;
  /** Consumption so far in the period (`start ≤ at ≤ now`). */
  readonly used: number;
  /** The burn rate used, in credits per 24 h. */
  readonly ratePerDay: number;
  /** `month-to-date` once 3 days of the month have elapsed, `trailing-7-days` before that. */
  readonly basis: 'month-to-date' | 'trailing-7-days';
}

/**
 * Projects the period's consumption at its end: `used + rate × (end − now)`, where `used` is the
 * consumption since the period start and `rate` is
 * - the month-to-date rate `used ÷ (now − start)` once at least 3 × 24 h of the period have elapsed
 *   (so the forecast is `used × (end − start) ÷ (now − start)`);
 * - before that, the trailing 7-day daily average (as for runway) if the ledger holds at least 3 × 24 h
 *   of history before `now` (e.g. last month's final week);
 * - otherwise there is no forecast (undefined).
 * Under steady burn both rates equal the burn, so the forecast is the whole month's consumption from the
 * first moment it exists, and the forecast alert for T% fires no later than the actual one.
 */
export function forecastConsumption(input: {
  readonly ledger: readonly LedgerEntry[];
  readonly now: Date;
  readonly period: { readonly start: Date; readonly end: Date };
  /** Where the ledger's knowledge starts, if known better than its earliest entry. */
  readonly historyFrom?: Date;
}): Forecast | undefined {
  const { ledger, now, period } = input;
  const elapsed = now.getTime() - period.start.getTime();
  const remaining = Math.max(0, period.end.getTime() - now.getTime());
  if (elapsed < 0) return undefined;
  const used = consumptionThrough(ledger, period.start, now);
  const minimum = FORECAST_MIN_DAYS * DAY_MS;

  if (elapsed >= minimum) {
    const perMs = used / elapsed;
    return { value: used + perMs * remaining, used, ratePerDay: perMs * DAY_MS, basis: 'month-to-date' };
  }
  const start = historyStart(ledger, input.historyFrom);
  if (!start || now.getTime() - start.getTime() < minimum) return undefined;
  const ratePerDay = trailingDailyAverage(ledger, now, input.historyFrom);
  return { value: used + (ratePerDay / DAY_MS) * remaining, used, ratePerDay, basis: 'trailing-7-days' };
}
