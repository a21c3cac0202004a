import type { LedgerEntry } from '../model.js';
import { roundCredits } from './consumption.js';
import { DAY_MS } from './period.js';

/** One observed balance, kept between runs for vendors that have no ledger (Pixelcut). */
export interface BalanceSample {
  readonly at: Date;
  readonly available: number;
}

/** Samples kept at most, newest first, so a state record stays far below store item limits. */
export const MAX_BALANCE_SAMPLES = 3000;

/**
 * A synthetic ledger from consecutive balance samples: a drop is a `debit`, a rise a `credit` (a top-up
 * is never consumption), an unchanged balance nothing. Ids are `bh:<ISO instant>` of the later sample,
 * so the same history always yields the same entries.
 */
export function ledgerFromBalanceHistory(samples: readonly BalanceSample[]): LedgerEntry[] {
  const sorted = [...samples].sort((a, b) => a.at.getTime() - b.at.getTime());
  const entries: LedgerEntry[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (!previous || !current) continue;
    const delta = roundCredits(current.available - previous.available);
    if (delta === 0 || current.at.getTime() === previous.at.getTime()) continue;
    entries.push({
      id: `bh:${current.at.toISOString()}`,
      at: current.at,
      type: delta < 0 ? 'debit' : 'credit',
      delta,
      balanceAfter: current.available,
      description: delta < 0 ? 'Derived from a balance drop' : 'Derived from a balance rise (top-up)',
    });
  }
  return entries;
}

/**
 * The history with `sample` added: sorted by instant, one sample per instant (the new one wins), samples
 * older than `keepDays` before `now` dropped, runs of an unchanged balance thinned to their first and
 * last sample (they carry no consumption), and at most `maxSamples` (newest) kept.
 */
export function appendBalanceSample(
  history: readonly BalanceSample[],
  sample: BalanceSample,
  now: Date,
  keepDays = 40,
  maxSamples = MAX_BALANCE_SAMPLES,
): BalanceSample[] {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  const byInstant = new Map<number, BalanceSample>();
  for (const s of history) byInstant.set(s.at.getTime(), s);
  byInstant.set(sample.at.getTime(), sample);
  const sorted = [...byInstant.values()]
    .filter((s) => s.at.getTime() >= cutoff)
    .sort((a, b) => a.at.getTime() - b.at.getTime());

  const thinned = sorted.filter((s, i) => {
    const before = sorted[i - 1];
    const after = sorted[i + 1];
    return !(before && after && before.available === s.available && after.available === s.available);
  });
  return thinned.length > maxSamples ? thinned.slice(thinned.length - maxSamples) : thinned;
}
