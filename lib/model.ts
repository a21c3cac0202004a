// The vocabulary every layer shares. Imports nothing: budget/, alerts/, state/, config and infra read
// the vendors, severities and alert kinds from here, never from the adapters' folder.

/** The presets of the `json` provider: a vendor's credit endpoint with its documented mapping (lib/json-presets.ts). */
export const PRESET_PROVIDER_NAMES = [
  'openrouter',
  'elevenlabs',
  'deepl',
  'deepgram',
  'stability',
  'runway',
  'fal',
  'twilio',
  'telnyx',
  'deepseek',
  'imagerouter',
] as const;
export type PresetProviderName = (typeof PRESET_PROVIDER_NAMES)[number];

/** The vendors we can watch: our own adapters, `json` (any JSON credit API) and its presets. */
export const PROVIDER_NAMES = ['pictory', 'account-api', 'pixelcut', 'json', ...PRESET_PROVIDER_NAMES] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Alert severities, least severe first; a target with minimum S receives every alert at or above S. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The order of severities: 0 for info, 1 for warning, 2 for critical. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The more severe of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** Every kind of alert; the public contract lists exactly these. */
export const ALERT_KINDS = [
  'budget.actual',
  'budget.forecast',
  'balance.low',
  'balance.runway',
  'autoreload.near',
  'autoreload.triggered',
  'autoreload.off',
  'usage.spike',
  'usage.errors',
  'check.failed',
  'auth.expiring',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Whether an alert announces a condition (`firing`) or its end (`resolved`). */
export type AlertStatus = 'firing' | 'resolved';

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
  /** Start of the window the ledger covers (the earlier of the period start and 14 days back). */
  readonly ledgerFrom?: Date;
  /** The vendor's auto-reload settings, where it has any. */
  readonly autoReload?: { readonly enabled: boolean; readonly threshold?: number; readonly amount?: number };
  /** Request statistics for the current period, where the vendor reports them. */
  readonly usage?: { readonly totalRequests: number; readonly failedRequests: number };
  /** When the credential stops working (a JWT's `exp`), where known. */
  readonly tokenExpiresAt?: Date;
}

/** An account's figures at one successful check: what the report shows and the store keeps as the last good. */
export interface AccountFigures {
  readonly balance: Balance;
  readonly consumption?: {
    readonly period: string;
    readonly used: number;
    readonly budget?: number;
    readonly forecast?: number;
  };
  readonly runwayDays?: number;
}
