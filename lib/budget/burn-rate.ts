import type { LedgerEntry } from '../model.js';
import { entryConsumption, roundCredits } from './consumption.js';
import { DAY_MS, RATE_LOOKBACK_DAYS } from './period.js';
import { mean, median, sum } from './stats.js';

/** How a burn rate was measured; the alert texts say it. */
export type RateBasis =
  /** The mean of the last 7 days (fewer with less history), a one-off burst left out. */
  | 'usual'
  /** Use rose or fell and has held for at least 3 days: the mean of the days since the change. */
  | 'changed'
  /** Less than 3 days of history: the mean so far (over at least a day), a dominating single debit left out. */
  | 'little-history';

/**
 * How fast an account spends: the one estimate that runway, the forecast and the report share.
 * Replacing the estimator means changing `estimateBurnRate` (and, if it needs more, its input), nothing else.
 */
export interface BurnRate {
  /** Credits consumed per 24 h; 0 when nothing was consumed recently. */
  readonly perDay: number;
  /** Where the ledger's knowledge starts (undefined for an empty ledger without `historyFrom`). */
  readonly since?: Date;
  /** The days the rate was measured over: whole 24-hour days back from now, or the span so far with little history. */
  readonly days: number;
  readonly basis: RateBasis;
  /** Credits of a one-off burst left out of the rate (they are consumption, not a rate). */
  readonly setAside: number;
}

/** Days of the usual rate's window: a whole week, so weekday and weekend use weigh as they do in a month. */
export const RATE_DAYS = 7;
/** Days of history a settled rate needs; a rise or fall that held this long is the new rate. */
export const RATE_MIN_DAYS = 3;
/** A day above this multiple of the window's median day is a burst; a change is this multiple of the level before. */
export const BURST_FACTOR = 3;
/** The longest change window: from a week on, the usual window holds only the new level anyway. */
const CHANGE_MAX_DAYS = RATE_DAYS - 1;

/**
 * The burn rate at `now`, from whole 24-hour days counted back from `now` (chosen by measurement:
 * `bench/forecast-quality.ts`):
 * - with fewer than 3 days of history: consumption so far over the span (at least one day), leaving out a
 *   single debit that outweighs all the others three times over (a first import is an event, not a rate);
 * - when the last 3–6 days all lie above 3 × the level of the week before them, or all below a third of
 *   it (a rise or fall that held): their mean;
 * - otherwise the mean of the last 7 days, where a burst (days above 3 × the median day) seen only once in
 *   the last 14 days is replaced by a median day (a one-off job), and bursts seen twice or more count.
 * `historyFrom` tells where the ledger's knowledge starts when that is earlier than its first entry (a
 * derived ledger's first balance sample); `ledgerFrom`, where a vendor's ledger window starts.
 */
export function estimateBurnRate(input: {
  readonly ledger: readonly LedgerEntry[];
  readonly now: Date;
  readonly historyFrom?: Date;
  /** Start of the window a vendor's ledger covers (`AccountSnapshot.ledgerFrom`). */
  readonly ledgerFrom?: Date;
}): BurnRate {
  const { ledger, now } = input;
  const since = historyStart(ledger, input.historyFrom, input.ledgerFrom);
  if (!since) return { perDay: 0, days: 0, basis: 'little-history', setAside: 0 };
  const spanDays = Math.max(0, (now.getTime() - since.getTime()) / DAY_MS);
  const wholeDays = Math.min(RATE_LOOKBACK_DAYS, Math.floor(spanDays));
  if (wholeDays < RATE_MIN_DAYS) return { ...littleHistoryRate(ledger, since, now, spanDays), since };
  const days = dailyTotals(ledger, now, wholeDays);
  return { ...(changedRate(days) ?? usualRate(days)), since };
}

/** Days until `available` is spent at `burn`; undefined when nothing was consumed recently. */
export function runwayDays(available: number, burn: BurnRate): number | undefined {
  return burn.perDay > 0 ? Math.max(0, available) / burn.perDay : undefined;
}

type Rate = Omit<BurnRate, 'since'>;

/** Consumption per 24 hours back from `now`: `[0]` is `(now − 24 h, now]`, `[1]` the day before, … */
function dailyTotals(ledger: readonly LedgerEntry[], now: Date, count: number): number[] {
  const totals = new Array<number>(count).fill(0);
  for (const entry of ledger) {
    const back = now.getTime() - entry.at.getTime();
    const day = Math.floor(back / DAY_MS);
    if (back >= 0 && day < count) totals[day] = (totals[day] ?? 0) + entryConsumption(entry);
  }
  // Refunds cannot make a day negative.
  return totals.map((total) => Math.max(0, roundCredits(total)));
}

/** Consumption so far over the span (at least a day), a single dominating debit set aside as an event. */
function littleHistoryRate(ledger: readonly LedgerEntry[], since: Date, now: Date, spanDays: number): Rate {
  let total = 0;
  let largest = 0;
  for (const entry of ledger) {
    if (entry.at < since || entry.at > now) continue;
    const used = entryConsumption(entry);
    total += used;
    largest = Math.max(largest, used);
  }
  total = Math.max(0, roundCredits(total));
  const setAside = largest > BURST_FACTOR * (total - largest) ? largest : 0;
  return { perDay: (total - setAside) / Math.max(1, spanDays), days: spanDays, basis: 'little-history', setAside };
}

/** The mean of the most recent 3–6 days when all of them lie beyond the level of the week before; else undefined. */
function changedRate(days: readonly number[]): Rate | undefined {
  for (let count = Math.min(CHANGE_MAX_DAYS, days.length - RATE_MIN_DAYS); count >= RATE_MIN_DAYS; count--) {
    const recent = days.slice(0, count);
    const before = levelOf(days.slice(count, count + RATE_DAYS));
    const rose = Math.min(...recent) > BURST_FACTOR * before;
    const fell = BURST_FACTOR * Math.max(...recent) < before;
    if (rose || fell) return { perDay: mean(recent), days: count, basis: 'changed', setAside: 0 };
  }
  return undefined;
}

/** The usual rate: the window's mean, a burst seen only once in the lookback replaced by median days. */
function usualRate(days: readonly number[]): Rate {
  const window = days.slice(0, RATE_DAYS);
  const typical = median(window);
  const bursts = burstsIn(days, typical);
  // Seen twice or more in the lookback, bursts recur (a weekly batch): they are part of the rate.
  const setAside = bursts.length === 1 ? sum(window.map((day, i) => (bursts[0]?.has(i) ? day - typical : 0))) : 0;
  return { perDay: (sum(window) - setAside) / window.length, days: window.length, basis: 'usual', setAside: roundCredits(setAside) };
}

/**
 * The bursts among `days`: runs of days above the typical day that reach `BURST_FACTOR` × it, each as the
 * set of its day indexes. A run, not a day: a burst straddling the boundary of two days is one burst.
 */
function burstsIn(days: readonly number[], typical: number): Set<number>[] {
  const bursts: Set<number>[] = [];
  let run: number[] = [];
  for (let i = 0; i <= days.length; i++) {
    const day = days[i];
    if (day !== undefined && day > typical) {
      run.push(i);
      continue;
    }
    if (run.some((j) => (days[j] ?? 0) > BURST_FACTOR * typical)) bursts.push(new Set(run));
    run = [];
  }
  return bursts;
}

/** A level that one burst does not raise: the mean without the largest value. */
function levelOf(values: readonly number[]): number {
  if (values.length < 2) return mean(values);
  return (sum(values) - Math.max(...values)) / (values.length - 1);
}

/**
 * Where the ledger's knowledge starts: `historyFrom` when the caller knows it (the first balance sample
 * of a derived ledger); the start of the vendor's ledger window when the first entry follows it within a
 * day (the account was in use then: the gap is the window's edge, not a new account); else the earliest
 * entry. Undefined for an empty ledger.
 */
function historyStart(ledger: readonly LedgerEntry[], historyFrom?: Date, ledgerFrom?: Date): Date | undefined {
  if (historyFrom) return historyFrom;
  let earliest: Date | undefined;
  for (const entry of ledger) if (!earliest || entry.at.getTime() < earliest.getTime()) earliest = entry.at;
  if (earliest && ledgerFrom && ledgerFrom <= earliest && earliest.getTime() - ledgerFrom.getTime() < DAY_MS) return ledgerFrom;
  return earliest;
}
