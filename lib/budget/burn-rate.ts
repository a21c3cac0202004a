import type { LedgerEntry } from '../model.js';
import { consumptionThrough } from './consumption.js';
import { DAY_MS, TRAILING_DAYS } from './period.js';

/**
 * How fast an account spends: the one estimate that runway, the forecast's early-month basis and the
 * report share. Replacing the estimator means changing `estimateBurnRate` (and, if it needs more, its
 * input), nothing else.
 */
export interface BurnRate {
  /** Credits consumed per 24 h; 0 when nothing was consumed recently. */
  readonly perDay: number;
  /** Where the ledger's knowledge starts (undefined for an empty ledger without `historyFrom`). */
  readonly since?: Date;
}

/**
 * The burn rate at `now`: average consumption per 24 h over the trailing 7 × 24 h `(now − 7d, now]`.
 * When the history is shorter, the average is over the covered span, but never over less than one day,
 * so that one early burst is not extrapolated from minutes to a daily rate. `historyFrom` tells where
 * the ledger's knowledge starts when that is earlier than its first entry (a derived ledger's first
 * balance sample).
 */
export function estimateBurnRate(input: {
  readonly ledger: readonly LedgerEntry[];
  readonly now: Date;
  readonly historyFrom?: Date;
}): BurnRate {
  const { ledger, now } = input;
  const since = historyStart(ledger, input.historyFrom);
  const known = since ? { since } : {};
  const windowStart = now.getTime() - TRAILING_DAYS * DAY_MS;
  const used = consumptionThrough(ledger, new Date(windowStart + 1), now);
  if (used <= 0) return { perDay: 0, ...known };
  const covered = since ? now.getTime() - Math.max(since.getTime(), windowStart) : 0;
  const spanDays = Math.min(TRAILING_DAYS, Math.max(1, covered / DAY_MS));
  return { perDay: used / spanDays, ...known };
}

/** Days until `available` is spent at `burn`; undefined when nothing was consumed recently. */
export function runwayDays(available: number, burn: BurnRate): number | undefined {
  return burn.perDay > 0 ? Math.max(0, available) / burn.perDay : undefined;
}

/**
 * Where the ledger's knowledge starts: `historyFrom` when the caller knows it (the first balance sample
 * of a derived ledger), else the earliest entry. Undefined for an empty ledger.
 */
function historyStart(ledger: readonly LedgerEntry[], historyFrom?: Date): Date | undefined {
  if (historyFrom) return historyFrom;
  let earliest: Date | undefined;
  for (const entry of ledger) if (!earliest || entry.at < earliest) earliest = entry.at;
  return earliest;
}
