import type { RulesConfig } from '../../../lib/budget/rules-config.js';
import type { AccountSnapshot, LedgerEntry, LedgerEntryType } from '../../../lib/model.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** An instant from an ISO string. */
export function at(iso: string): Date {
  return new Date(iso);
}

/** A ledger entry; `delta` is signed as the balance moves. */
export function entry(type: LedgerEntryType, when: Date | string, delta: number, id?: string): LedgerEntry {
  const instant = typeof when === 'string' ? new Date(when) : when;
  return { id: id ?? `${type}:${instant.toISOString()}:${delta}`, at: instant, type, delta };
}

/** A debit of `amount` credits (recorded with a negative delta, as vendors' mappings do). */
export function debit(when: Date | string, amount: number, id?: string): LedgerEntry {
  return entry('debit', when, -amount, id);
}

/** A debit of `amount` every `stepMs` in `[from, to)`. */
export function steadyLedger(from: Date, to: Date, stepMs: number, amount: number): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += stepMs) entries.push(debit(new Date(t), amount));
  return entries;
}

/** Rules with nothing switched on but what `overrides` sets. */
export function rules(overrides: Partial<RulesConfig> = {}): RulesConfig {
  return { id: 'video-prod', provider: 'pictory', timezone: 'UTC', authExpiryWarnDays: 3, ...overrides };
}

/** A snapshot of `available` credits fetched at `now`. */
export function snapshot(now: Date, available: number, overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    accountId: 'video-prod',
    provider: 'pictory',
    fetchedAt: now,
    balance: { available },
    ...overrides,
  };
}
