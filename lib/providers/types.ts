import type { JsonEndpointOverrides } from '../json-endpoint.js';
import type { AccountSnapshot } from '../model.js';
import type { HttpClient, VendorLimits } from './http.js';

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
  /** Provider `json` and its presets: the account's `endpoint` block (a preset fills in what it leaves out). */
  readonly endpoint?: JsonEndpointOverrides;
  /**
   * The account's overall deadline: when it aborts, waiting, retries, Retry-After sleeps, paging and
   * reading all stop, and the account fails with a `timeout` error.
   * @default AbortSignal.timeout(DEFAULT_ACCOUNT_DEADLINE_MS)
   */
  readonly signal?: AbortSignal;
}

/** One vendor, as the registry (lib/providers/index.ts) knows it. */
export interface Adapter {
  /** Fetches one account's snapshot; every request goes through `http`. */
  readonly fetch: (req: SnapshotRequest, http: HttpClient) => Promise<AccountSnapshot>;
  /** The vendor's public base URL; none when each account must name its own. */
  readonly defaultBaseUrl?: string;
  /** Whether the vendor reports a ledger (otherwise the check derives consumption from balance history). */
  readonly hasLedger: boolean;
  /** The vendor's request limits. @default DEFAULT_LIMITS */
  readonly limits?: VendorLimits;
  /** The largest decoded response body accepted. @default DEFAULT_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
}
