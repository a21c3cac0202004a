import type { BurnRate } from './burn-rate.js';
import { DAY_MS } from './period.js';

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
 * - before that, the account's burn rate (as for runway) if its history reaches at least 3 × 24 h
 *   before `now` (e.g. last month's final week);
 * - otherwise there is no forecast (undefined).
 * Under steady burn both rates equal the burn, so the forecast is the whole month's consumption from the
 * first moment it exists, and the forecast alert for T% fires no later than the actual one.
 */
export function forecastConsumption(input: {
  /** Consumption so far in the period. */
  readonly used: number;
  readonly now: Date;
  readonly period: { readonly start: Date; readonly end: Date };
  readonly burn: BurnRate;
}): Forecast | undefined {
  const { used, now, period, burn } = input;
  const elapsed = now.getTime() - period.start.getTime();
  const remaining = Math.max(0, period.end.getTime() - now.getTime());
  if (elapsed < 0) return undefined;
  const minimum = FORECAST_MIN_DAYS * DAY_MS;

  if (elapsed >= minimum) {
    const perMs = used / elapsed;
    return { value: used + perMs * remaining, used, ratePerDay: perMs * DAY_MS, basis: 'month-to-date' };
  }
  if (!burn.since || now.getTime() - burn.since.getTime() < minimum) return undefined;
  const ratePerDay = burn.perDay;
  return { value: used + (ratePerDay / DAY_MS) * remaining, used, ratePerDay, basis: 'trailing-7-days' };
}
