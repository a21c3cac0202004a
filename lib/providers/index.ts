import { fetchAccountApiSnapshot } from './account-api.js';
import type { HttpClient } from './http.js';
import { fetchPictorySnapshot, PICTORY_DEFAULT_BASE_URL } from './pictory.js';
import { fetchPixelcutSnapshot, PIXELCUT_DEFAULT_BASE_URL } from './pixelcut.js';
import type { AccountSnapshot, ProviderName } from '../model.js';
import type { SnapshotRequest } from './types.js';

/** The vendors' public base URLs; the Account API has none (each account names its own). */
export const PROVIDER_DEFAULT_BASE_URLS: Readonly<Record<ProviderName, string | undefined>> = {
  pictory: PICTORY_DEFAULT_BASE_URL,
  'account-api': undefined,
  pixelcut: PIXELCUT_DEFAULT_BASE_URL,
};

/** Fetches one account's snapshot from its vendor. */
export function fetchSnapshot(provider: ProviderName, req: SnapshotRequest, http: HttpClient): Promise<AccountSnapshot> {
  switch (provider) {
    case 'pictory':
      return fetchPictorySnapshot(req, http);
    case 'account-api':
      return fetchAccountApiSnapshot(req, http);
    case 'pixelcut':
      return fetchPixelcutSnapshot(req, http);
  }
}

/** Whether the vendor reports a ledger (otherwise the check derives consumption from balance history). */
export function providerHasLedger(provider: ProviderName): boolean {
  return provider !== 'pixelcut';
}

export { createHttpClient, type HttpClient, type HttpClientOptions, type JsonRequest, type JsonResponse } from './http.js';
