import { PRESET_PROVIDER_NAMES, type PresetProviderName } from '../model.js';

/** The credit APIs simulated for the `json` provider's presets: one per preset, so that each has a test. */
export const JSON_API_VENDORS: readonly PresetProviderName[] = PRESET_PROVIDER_NAMES;
export type JsonApiVendor = PresetProviderName;

/**
 * The vendors the sandbox simulates: ours, the credit APIs of the presets, and `json`, a generic
 * credit endpoint (any GET path; `Authorization: Bearer`, `X-Api-Key` or `?api_key=`) whose answer a
 * test replaces with faults.
 */
export type SandboxVendor = 'pictory' | 'account-api' | 'pixelcut' | 'json' | JsonApiVendor;

/** The vendors in a fixed order (one HTTP server each). */
export const SANDBOX_VENDORS: readonly SandboxVendor[] = ['pictory', 'account-api', 'pixelcut', 'json', ...JSON_API_VENDORS];

/** One simulated account: its vendor, credential and a recipe for its credit activity over time. */
export interface SandboxAccountSpec {
  /** Our account id. */
  id: string;
  vendor: SandboxVendor;
  /**
   * API key; default generated deterministically per id: pictory `pictai_<hex>`, pixelcut `sk<hex>`,
   * account-api an unsigned JWT (header.payload.signature, base64url) with `sub` and, if
   * `tokenExpiresAt` is set, `exp`.
   */
  key?: string;
  /** account-api only: the token's `exp`; requests at or after it get 401 token_expired. */
  tokenExpiresAt?: Date;
  /** The world begins here for this account (nothing before it exists). */
  start: Date;
  /** Balance at `start`. */
  openingBalance: number;
  /**
   * Consumption per hour. Debits are emitted at regular instants (the ends of `debitEveryMinutes`
   * slots on a UTC grid) splitting the hour's burn; a debit never takes the balance below 0: the last
   * one is cut to what is left, and consumption stops until credits arrive.
   */
  burnPerHour: number | ((hourStart: Date) => number);
  /** Minutes between debits; default 60 (10 → 6 debits per hour). */
  debitEveryMinutes?: number;
  /** Manual purchases: 'credit' entries. */
  topUps?: { at: Date; amount: number }[];
  /** account-api only: signed 'adjustment' entries. */
  adjustments?: { at: Date; amount: number }[];
  /**
   * account-api only: when enabled and a debit takes the balance below `threshold`, a reload credit of
   * `amount` follows 1 s later.
   */
  autoReload?: { enabled: boolean; threshold: number; amount: number };
  /**
   * pictory, elevenlabs, deepl: at 10:12:59.445Z on the 1st of each month (UTC) a 'Monthly Reset' of the
   * allowance restores the balance to it (credits do not roll over). Top-ups add to that month's limit.
   */
  monthlyAllowance?: number;
  /**
   * Parameters the vendor's URL or credential needs, by name: deepgram `projectId`, twilio `accountSid`.
   * Default derived from the id (see Sandbox.paramsOf).
   */
  params?: Record<string, string>;
  /** A key without permission to read the balance (fal, openrouter, deepgram …): default true; false → 403. */
  canReadBalance?: boolean;
  /** account-api only: request statistics served by /usage (errorRate 0..1). */
  usage?: { requestsPerHour: number; errorRate: number | ((hourStart: Date) => number) };
  /** account-api currency, default 'USD'. */
  currency?: string;
  /** account-api /ledger body shape, default 'data' (an object with total, limit, offset, has_more). */
  ledgerEnvelope?: 'array' | 'data' | 'entries' | 'items';
  /**
   * Send numeric fields as strings ("12.5"): account-api amounts and balances, pixelcut
   * credits_remaining (which is a string unless this is explicitly false, as the vendor's spec types it).
   */
  numbersAsStrings?: boolean;
}

/** A failure to inject into the sandbox's answers. */
export type Fault =
  /** Answer this status; `body` is sent as JSON (a string body is sent as is, text/plain); default: the vendor's own error body. */
  | { kind: 'status'; status: number; body?: unknown; retryAfter?: string }
  /** Delay the (otherwise normal) answer. */
  | { kind: 'latency'; ms: number }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** 200 with this JSON body instead of the real one (schema drift). */
  | { kind: 'drift'; body: unknown }
  /** An error (default 500) whose body and an `X-Debug-Key` header echo the caller's key verbatim. */
  | { kind: 'echo-key'; status?: number }
  /** Never answer (the client must time out); the socket is destroyed on close(). */
  | { kind: 'hang' }
  /**
   * Answer exactly this body (default status 200, content type application/json): HTML, `null`, a huge
   * or deeply nested document, bytes that are not UTF-8; with `gzip` it is sent compressed (a bomb).
   */
  | {
      kind: 'body';
      body: string | Uint8Array;
      status?: number;
      contentType?: string;
      headers?: Record<string, string>;
      gzip?: boolean;
    }
  /** Redirect (default 302) to `location`, e.g. another loopback port. */
  | { kind: 'redirect'; location: string; status?: number }
  /** 200 and a body that never ends: `chunk` (default 64 KiB of spaces) every `intervalMs` (default 0: as fast as read). */
  | { kind: 'endless'; chunk?: string; intervalMs?: number };

/** Which requests a fault affects, and how many times. */
export interface FaultRule {
  vendor: SandboxVendor;
  fault: Fault;
  /** Only requests whose pathname starts with this (default: all of that vendor). */
  path?: string;
  /** Only requests made with this account's key. */
  accountId?: string;
  /** How many matching requests it affects (default 1); Infinity for always. */
  times?: number;
}

/** One request the sandbox received, as answered. */
export interface RecordedRequest {
  vendor: SandboxVendor;
  accountId?: string;
  method: string;
  path: string;
  /** Credential parameters (the json vendor's `api_key`) replaced by '<redacted>'. */
  query: Record<string, string>;
  /** The status answered; 0 for a request that was never answered (a 'hang' fault). */
  status: number;
  /** Sandbox now when answered. */
  at: Date;
  /** Lower-cased names; credential header values replaced by '<redacted>'. */
  headers: Record<string, string>;
}

/** A running sandbox: one server per vendor on loopback over one simulated world. */
export interface Sandbox {
  /** Base URLs, e.g. http://127.0.0.1:PORT, one HTTP server per vendor (so each is its own origin). */
  readonly urls: Readonly<Record<SandboxVendor, string>>;
  now(): Date;
  /** Time travel: the world is evaluated lazily at `now` (forward and backward both work). */
  setNow(now: Date): void;
  keyOf(accountId: string): string;
  /** The account's vendor parameters (deepgram `projectId`, twilio `accountSid`), defaults included. */
  paramsOf(accountId: string): Readonly<Record<string, string>>;
  accounts(): readonly SandboxAccountSpec[];
  addAccount(spec: SandboxAccountSpec): void;
  /** A manual purchase at `at` (default now()). */
  topUp(accountId: string, amount: number, at?: Date): void;
  /** account-api: new auto-reload settings, in effect from now(). */
  setAutoReload(accountId: string, settings: { enabled: boolean; threshold: number; amount: number }): void;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  /** The true available balance at now() (for test assertions); 0 before the account's start. */
  balanceOf(accountId: string): number;
  close(): Promise<void>;
}

/** How to start a sandbox. */
export interface SandboxOptions {
  now: Date;
  accounts?: SandboxAccountSpec[];
  /** Default true: Pixelcut allows ≤ 5 requests per second per key (sliding window over real time). */
  enforceRateLimits?: boolean;
  /** Default 0: added to every response (benchmarks use 50). */
  latencyMs?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * Default true: a repeated request to an unchanged world is answered with the bytes given before (see
   * VendorSim.memoizable); false rebuilds every answer (benchmarks compare the two side by side).
   */
  memoize?: boolean;
}
