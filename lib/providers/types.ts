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
