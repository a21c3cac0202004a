import { evaluateAccount } from '../../../lib/budget/evaluate.js';
import type { RulesConfig } from '../../../lib/budget/rules-config.js';
import type { Finding } from '../../../lib/budget/types.js';
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

/** The instant the rule tests evaluate at unless they say otherwise. */
export const NOW = at('2026-11-20T12:00:00Z');

/** Evaluates `rules(account)` at `options.now` (default NOW) with `available` credits (default 1000). */
export function evaluate(
  account: Partial<RulesConfig>,
  options: { available?: number; ledger?: readonly LedgerEntry[]; snapshot?: Partial<AccountSnapshot>; now?: Date } = {},
) {
  const now = options.now ?? NOW;
  return evaluateAccount({
    account: rules(account),
    snapshot: snapshot(now, options.available ?? 1000, options.snapshot),
    ledger: options.ledger ?? [],
    now,
  });
}

/** The finding with `id`, if any. */
export function find(findings: readonly Finding[], id: string): Finding | undefined {
  return findings.find((f) => f.id === id);
}

/** The state of the finding with `id`, if any. */
export function stateOf(findings: readonly Finding[], id: string): string | undefined {
  return find(findings, id)?.state;
}
