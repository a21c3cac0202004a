import { type BurnRate, RATE_MIN_DAYS } from './burn-rate.js';
import { DAY_MS } from './period.js';

/** A projection of the period's consumption at its end. */
export interface Forecast {
  /** Projected consumption at the end of the period. */
  readonly value: number;
  /** Consumption so far in the period (`start ≤ at ≤ now`). */
  readonly used: number;
  /** The burn rate the projection used (the one runway uses). */
  readonly rate: BurnRate;
}

/**
 * Projects the period's consumption at its end: `used + rate × (end − now)`, where `used` is the
 * consumption since the period start (one-off bursts included: they were spent) and `rate` is the
 * account's burn rate (one-off bursts left out: they do not recur). A forecast exists once 3 × 24 h of
 * the period have elapsed, or earlier when the ledger's history reaches 3 × 24 h back (last month's
 * final days); otherwise it is undefined. It is never below `used`, so under steady burn the forecast
 * alert for T% fires no later than the actual one, and with the rate exact it fires from the first check
 * at which a forecast exists.
 */
export function forecastConsumption(input: {
  /** Consumption so far in the period. */
  readonly used: number;
  readonly now: Date;
  readonly period: { readonly start: Date; readonly end: Date };
  readonly rate: BurnRate;
}): Forecast | undefined {
  const { used, now, period, rate } = input;
  const elapsed = now.getTime() - period.start.getTime();
  if (elapsed < 0) return undefined;
  const minimum = RATE_MIN_DAYS * DAY_MS;
  const known = rate.since ? now.getTime() - rate.since.getTime() : 0;
  if (elapsed < minimum && known < minimum) return undefined;
  const remainingDays = Math.max(0, period.end.getTime() - now.getTime()) / DAY_MS;
  return { value: used + rate.perDay * remainingDays, used, rate };
}
