import type { Silence } from '../alerts/silences.js';
import type { AlertRecord, HeldAlert, HistoryEntry } from '../alerts/types.js';
import type { AccountFigures } from '../model.js';

/** One balance reading, kept for vendors that have no ledger (their consumption is derived from it). */
export interface BalanceSample {
  readonly at: string; // ISO
  readonly available: number;
}

/** What the store keeps per account between runs. */
export interface AccountState {
  readonly consecutiveFailures: number;
  readonly balanceHistory: readonly BalanceSample[];
  /** The last check, successful or not (ISO). */
  readonly lastCheckedAt?: string;
  /** The figures of the last successful check, for stale reports and the digest. */
  readonly lastGood?: { readonly at: string; readonly figures: AccountFigures };
}

/** The state a run starts from. Alert records are keyed by `recordId(target, key)`. */
export interface StateView {
  readonly alerts: ReadonlyMap<string, AlertRecord>;
  readonly accounts: ReadonlyMap<string, AccountState>;
  /** Every silence the store still knows (active, future, removed), whatever its accounts. */
  readonly silences: readonly Silence[];
  /** What quiet hours hold back for these accounts. */
  readonly held: readonly HeldAlert[];
}

/** Where alert state lives between runs: a JSON file locally, DynamoDB on AWS. */
export interface AlertStateStore {
  /** Reads the alert records and account states of these accounts. */
  load(accountIds: readonly string[]): Promise<StateView>;
  /**
   * Conditional write: stores `next` only if the stored record (same target and key) is still
   * `prior` (same version, or absent when `prior` is undefined). False means another run got there
   * first: do not publish.
   */
  claim(next: AlertRecord, prior: AlertRecord | undefined): Promise<boolean>;
  /** Marks a claimed alert as published (its pending notification becomes the notified one), if the claim is still ours. */
  confirm(claimed: AlertRecord): Promise<void>;
  /** Undoes a claim whose publication failed (what was confirmed before stays), so the next run retries it. */
  release(claimed: AlertRecord, prior: AlertRecord | undefined): Promise<void>;
  /** Replaces these accounts' states (failure count, balance history, last good figures). */
  saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void>;
  /** Keeps alerts held back by quiet hours (one per target and key; a newer one replaces an older). */
  hold(held: readonly HeldAlert[]): Promise<void>;
  /** Forgets held alerts once delivered or no longer due. */
  dropHeld(held: readonly Pick<HeldAlert, 'target' | 'key' | 'account'>[]): Promise<void>;
  /** Remembers what a run sent, for the digest (kept HISTORY_RETENTION_DAYS, at most HISTORY_MAX_PER_ACCOUNT an account). */
  appendHistory(entries: readonly HistoryEntry[]): Promise<void>;
  /** What was sent to these accounts since `from`, oldest first. */
  loadHistory(accountIds: readonly string[], from: Date): Promise<HistoryEntry[]>;
  /** Every silence the store still knows (not yet past its `expiresAt`). */
  listSilences(): Promise<Silence[]>;
  /** Stores a new silence; false (and nothing changed) when one with its id exists already. */
  addSilence(silence: Silence): Promise<boolean>;
  /** Ends a silence now (it stays known, removed, until its `expiresAt`); the silence, or undefined if unknown. */
  removeSilence(id: string, at: Date): Promise<Silence | undefined>;
}

/** How long sent alerts are remembered for the digest: a weekly digest and a month-to-date look back. */
export const HISTORY_RETENTION_DAYS = 35;
/** Sent alerts remembered per account at most (the newest), so a flapping account cannot grow the store without bound. */
export const HISTORY_MAX_PER_ACCOUNT = 500;
/** Held alerts are forgotten after this long even if their target's quiet hours never end (misconfigured). */
export const HELD_RETENTION_DAYS = 7;

/** Account states are dropped this long after their last check, so accounts removed from the budgets file do not linger. */
export const ACCOUNT_STATE_RETENTION_DAYS = 90;

/**
 * Balance samples are kept this long (the check prunes older ones), which covers the month-to-date,
 * the burn rate's 14-day look-back and a margin. The DynamoDB store lets its history items expire
 * this long after their newest sample.
 */
export const BALANCE_HISTORY_RETENTION_DAYS = 40;

/** An empty account state. */
export function emptyAccountState(): AccountState {
  return { consecutiveFailures: 0, balanceHistory: [] };
}
