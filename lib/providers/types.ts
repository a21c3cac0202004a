/** The vendors we can watch. */
export const PROVIDER_NAMES = ['pictory', 'account-api', 'pixelcut'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * Direction of one ledger entry, vendor-neutral.
 * - `debit`: credits consumed (always consumption).
 * - `adjustment`: a manual correction; consumption by sign (negative `delta` = consumed).
 * - `credit`: credits added by a purchase or top-up (never consumption).
 * - `reload`: credits added by the vendor's auto-reload (never consumption).
 * - `reset`: the monthly allowance restored (never consumption).
 */
export type LedgerEntryType = 'debit' | 'credit' | 'adjustment' | 'reload' | 'reset';

/** One movement of credits. */
export interface LedgerEntry {
  /** The vendor's id for the entry (unique per account). */
  readonly id: string;
  readonly at: Date;
  readonly type: LedgerEntryType;
  /** Signed change to the balance: negative for debits, positive for credits, reloads, resets. */
  readonly delta: number;
  /** Balance after the entry, where the vendor says. */
  readonly balanceAfter?: number;
  readonly description?: string;
}

/** The balance of an account at one instant. */
export interface Balance {
  /** Credits that can be spent now. */
  readonly available: number;
  readonly total?: number;
  readonly reserved?: number;
  /** Currency code where the vendor gives one; credits are the unit otherwise. */
  readonly currency?: string;
}

/** Everything a check learned about one account from its vendor, vendor-neutral. */
export interface AccountSnapshot {
  readonly accountId: string;
  readonly provider: ProviderName;
  readonly fetchedAt: Date;
  readonly balance: Balance;
  /**
   * Ledger entries with `at` in [ledgerFrom, fetchedAt], oldest first, de-duplicated by id.
   * Absent for vendors with no ledger (Pixelcut): the check derives one from balance history.
   */
  readonly ledger?: readonly LedgerEntry[];
  /** Start of the window the ledger covers (the earlier of the period start and 7 days back). */
  readonly ledgerFrom?: Date;
  /** The vendor's auto-reload settings, where it has any. */
  readonly autoReload?: { readonly enabled: boolean; readonly threshold?: number; readonly amount?: number };
  /** Request statistics for the current period, where the vendor reports them. */
  readonly usage?: { readonly totalRequests: number; readonly failedRequests: number };
  /** When the credential stops working (a JWT's `exp`), where known. */
  readonly tokenExpiresAt?: Date;
}

/** What an adapter needs to fetch one account's snapshot. */
export interface SnapshotRequest {
  readonly accountId: string;
  /** The account's configured base URL, or undefined for the vendor's default. */
  readonly baseUrl?: string;
  /** The API key or token. Never logged, never put into an error message. */
  readonly apiKey: string;
  /** Ledger window to fetch: from the earlier of period start and 7 days back, to now. */
  readonly window: { readonly from: Date; readonly to: Date };
  readonly now: Date;
}
