import type { AlertRecord } from '../alerts/types.js';

/** One balance reading, kept for vendors that have no ledger (their consumption is derived from it). */
export interface BalanceSample {
  readonly at: string; // ISO
  readonly available: number;
}

/** What the store keeps per account between runs. */
export interface AccountState {
  readonly consecutiveFailures: number;
  readonly balanceHistory: readonly BalanceSample[];
  readonly lastCheckedAt?: string;
}

/** The state a run starts from. */
export interface StateView {
  readonly alerts: ReadonlyMap<string, AlertRecord>;
  readonly accounts: ReadonlyMap<string, AccountState>;
}

/** Where alert state lives between runs: a JSON file locally, DynamoDB on AWS. */
export interface AlertStateStore {
  /** Reads the alert records and account states of these accounts. */
  load(accountIds: readonly string[]): Promise<StateView>;
  /**
   * Conditional write: stores `next` only if the stored record is still `prior` (same version, or
   * absent when `prior` is undefined). False means another run got there first: do not publish.
   */
  claim(next: AlertRecord, prior: AlertRecord | undefined): Promise<boolean>;
  /** Marks a claimed alert as published (clears `pendingUntil`), if it is still ours. */
  confirm(claimed: AlertRecord): Promise<void>;
  /** Undoes a claim whose publication failed, restoring `prior`, so the next run retries it. */
  release(claimed: AlertRecord, prior: AlertRecord | undefined): Promise<void>;
  /** Replaces these accounts' states (failure count, balance history) in one write. */
  saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void>;
}

/** Account states are dropped this long after their last check, so accounts removed from the budgets file do not linger. */
export const ACCOUNT_STATE_RETENTION_DAYS = 90;

/** An empty account state. */
export function emptyAccountState(): AccountState {
  return { consecutiveFailures: 0, balanceHistory: [] };
}
