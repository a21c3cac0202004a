// The registry of vendors: one entry per provider name, checked by the compiler. A new vendor is one
// adapter file listed here; a new preset of the json adapter is one entry in lib/json-presets.ts.
import { KeyUnavailableError, ProviderResponseError } from '../errors.js';
import { PRESET_PROVIDER_NAMES, type AccountSnapshot, type PresetProviderName, type ProviderName } from '../model.js';
import { accountApiAdapter } from './account-api.js';
import { DEFAULT_LIMITS, type HttpClient, type JsonRequest, type VendorLimits } from './http.js';
import { jsonAdapter } from './json.js';
import { pictoryAdapter } from './pictory.js';
import { pixelcutAdapter } from './pixelcut.js';
import type { Adapter, SnapshotRequest } from './types.js';

/** How long one account's fetch may take, retries and paging included, unless the caller passes a signal. */
export const DEFAULT_ACCOUNT_DEADLINE_MS = 30_000;
/** Longer is no API key but a mistake (a file's content in the variable): refused before anything is sent. */
export const MAX_KEY_LENGTH = 4096;

const presetAdapters = Object.fromEntries(PRESET_PROVIDER_NAMES.map((name) => [name, jsonAdapter(name)])) as Record<
  PresetProviderName,
  Adapter
>;

/** Every vendor: how to fetch it, its default base URL, whether it has a ledger, its limits. */
export const ADAPTERS: Readonly<Record<ProviderName, Adapter>> = {
  pictory: pictoryAdapter,
  'account-api': accountApiAdapter,
  pixelcut: pixelcutAdapter,
  json: jsonAdapter('json'),
  ...presetAdapters,
};

const providers = Object.keys(ADAPTERS) as ProviderName[];

/** The vendors' public base URLs; undefined where each account names its own (account-api, json). */
export const PROVIDER_DEFAULT_BASE_URLS: Readonly<Record<ProviderName, string | undefined>> = Object.fromEntries(
  providers.map((name) => [name, ADAPTERS[name].defaultBaseUrl]),
) as Record<ProviderName, string | undefined>;

/** Each vendor's request limits as a client applies them unless its options override them. */
export const DEFAULT_VENDOR_LIMITS: Readonly<Record<ProviderName, VendorLimits>> = Object.fromEntries(
  providers.map((name) => [name, { ...DEFAULT_LIMITS, ...ADAPTERS[name].limits }]),
) as Record<ProviderName, VendorLimits>;

/** Whether the vendor reports a ledger (otherwise the check derives consumption from balance history). */
export function providerHasLedger(provider: ProviderName): boolean {
  return ADAPTERS[provider].hasLedger;
}

/**
 * Fetches one account's snapshot from its vendor, within the account's deadline (`req.signal`, else
 * DEFAULT_ACCOUNT_DEADLINE_MS). A key that cannot be sent is a `key` error before any request.
 */
export async function fetchSnapshot(provider: ProviderName, req: SnapshotRequest, http: HttpClient): Promise<AccountSnapshot> {
  const adapter = ADAPTERS[provider];
  checkApiKey(req.accountId, req.apiKey);
  const signal = req.signal ?? AbortSignal.timeout(DEFAULT_ACCOUNT_DEADLINE_MS);
  const scoped: HttpClient = { getJson: (request) => http.getJson(withVendorDefaults(request, adapter, signal)) };
  return checkFigures(await adapter.fetch({ ...req, signal }, scoped));
}

function withVendorDefaults(request: JsonRequest, adapter: Adapter, signal: AbortSignal): JsonRequest {
  return {
    ...request,
    signal: request.signal ?? signal,
    ...(request.limits === undefined && adapter.limits !== undefined && { limits: adapter.limits }),
    ...(request.maxBodyBytes === undefined && adapter.maxBodyBytes !== undefined && { maxBodyBytes: adapter.maxBodyBytes }),
  };
}

/** Refuses a key no vendor could accept (a line break, a non-Latin-1 character, a whole file), naming the account. */
function checkApiKey(accountId: string, apiKey: string): void {
  const problem =
    apiKey === ''
      ? 'is empty'
      : apiKey.length > MAX_KEY_LENGTH
        ? `is ${apiKey.length} characters long (an API key has at most ${MAX_KEY_LENGTH})`
        : /[\u0000-\u001f\u007f]/.test(apiKey)
          ? 'holds a line break or another control character'
          : /[^\u0020-\u00ff]/.test(apiKey)
            ? 'holds a character that cannot be sent in an HTTP header (outside Latin-1)'
            : undefined;
  if (problem !== undefined) {
    throw new KeyUnavailableError(`the API key of account ${accountId} ${problem}; check what its variable or parameter holds`);
  }
}

/** A figure that is not finite would print as null or -Infinity downstream: the answer is unusable. */
function checkFigures(snapshot: AccountSnapshot): AccountSnapshot {
  const { available, total, reserved } = snapshot.balance;
  for (const [field, value] of [['available', available], ['total', total], ['reserved', reserved]] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw new ProviderResponseError(`${snapshot.provider}: the balance's ${field} is not a finite number`, `balance.${field}`);
    }
  }
  return snapshot;
}

export { createHttpClient, type HttpClient, type HttpClientOptions, type JsonRequest, type JsonResponse } from './http.js';
export type { Adapter, SnapshotRequest } from './types.js';
