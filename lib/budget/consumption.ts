import type { LedgerEntry } from '../model.js';
import { type ZonedCalendar, dayKeyIn, startOfDayIn } from './period.js';

/**
 * Credits one entry consumed. Debits always consume (the type gives the direction, so the magnitude is
 * used even if a vendor mapping got the sign wrong); adjustments consume by sign (a negative correction
 * is consumption, a positive one gives consumption back); credits, reloads and resets never consume.
 */
export function entryConsumption(entry: LedgerEntry): number {
  switch (entry.type) {
    case 'debit':
      return Math.abs(entry.delta);
    case 'adjustment':
      return -entry.delta;
    case 'credit':
    case 'reload':
    case 'reset':
      return 0;
  }
}

/** Consumption of the entries with `from ≤ at < to`, clamped at 0 (refunds cannot make it negative). */
export function consumptionBetween(ledger: readonly LedgerEntry[], from: Date, to: Date): number {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  let sum = 0;
  for (const entry of ledger) {
    const at = entry.at.getTime();
    if (at >= fromMs && at < toMs) sum += entryConsumption(entry);
  }
  return Math.max(0, roundCredits(sum));
}

/** Consumption of the entries with `from ≤ at ≤ through`: "so far", including an entry at `now`. */
export function consumptionThrough(ledger: readonly LedgerEntry[], from: Date, through: Date): number {
  return consumptionBetween(ledger, from, new Date(through.getTime() + 1));
}

/** One local day's consumption. */
export interface DailyConsumption {
  /** `YYYY-MM-DD` in the account's zone. */
  readonly day: string;
  readonly start: Date;
  readonly end: Date;
  readonly used: number;
}

/** Consumption per local day for every day that intersects `[from, to)`; each day clamped at 0. */
export function dailyConsumption(
  ledger: readonly LedgerEntry[],
  from: Date,
  to: Date,
  calendar: ZonedCalendar,
): DailyConsumption[] {
  const days: DailyConsumption[] = [];
  let start = startOfDayIn(calendar, from);
  while (start < to) {
    const end = startOfDayIn(calendar, start, 1);
    const clippedFrom = start < from ? from : start;
    const clippedTo = end > to ? to : end;
    days.push({
      day: dayKeyIn(calendar, start),
      start,
      end,
      used: consumptionBetween(ledger, clippedFrom, clippedTo),
    });
    start = end;
  }
  return days;
}

/**
 * Rounds to a millionth of a credit: sums of fractional amounts (0.6 + 0.3 …) otherwise land a hair
 * below a threshold they exactly reach.
 */
export function roundCredits(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
