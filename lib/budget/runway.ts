import type { LedgerEntry } from '../model.js';
import { consumptionThrough } from './consumption.js';
import { DAY_MS, TRAILING_DAYS } from './period.js';

/**
 * Where the ledger's knowledge starts: `historyFrom` when the caller knows it (the first balance sample
 * of a derived ledger), else the earliest entry. Undefined for an empty ledger.
 */
export function historyStart(ledger: readonly LedgerEntry[], historyFrom?: Date): Date | undefined {
  if (historyFrom) return historyFrom;
  let earliest: Date | undefined;
  for (const entry of ledger) if (!earliest || entry.at < earliest) earliest = entry.at;
  return earliest;
}

/**
 * Average consumption per 24 h over the trailing 7 × 24 h `(now − 7d, now]`. When the history is
 * shorter, the average is over the covered span, but never over less than one day, so that one early
 * burst is not extrapolated from minutes to a daily rate.
 */
export function trailingDailyAverage(ledger: readonly LedgerEntry[], now: Date, historyFrom?: Date): number {
  const windowStart = now.getTime() - TRAILING_DAYS * DAY_MS;
  const used = consumptionThrough(ledger, new Date(windowStart + 1), now);
  if (used <= 0) return 0;
  const start = historyStart(ledger, historyFrom);
  const covered = start ? now.getTime() - Math.max(start.getTime(), windowStart) : 0;
  const spanDays = Math.min(TRAILING_DAYS, Math.max(1, covered / DAY_MS));
  return used / spanDays;
}

/** Days until `available` is spent at the trailing 7-day average; undefined when nothing was consumed. */
export function runwayDays(
  available: number,
  ledger: readonly LedgerEntry[],
  now: Date,
  historyFrom?: Date,
): number | undefined {
  const perDay = trailingDailyAverage(ledger, now, historyFrom);
  if (perDay <= 0) return undefined;
  return Math.max(0, available) / perDay;
}
