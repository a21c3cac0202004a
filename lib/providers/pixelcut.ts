import * as crypto from 'node:crypto';
import * as z from 'zod/mini';
import { buildUrl, urlPath, type HttpClient } from './http.js';
import { numeric, parseResponse } from './schema.js';
import type { AccountSnapshot } from '../model.js';
import type { Adapter, SnapshotRequest } from './types.js';

export const PIXELCUT_DEFAULT_BASE_URL = 'https://api.developer.pixelcut.ai';

const CREDITS_PATH = '/v1/credits';
/** About 5 requests per second per account (key), the vendor says; the concurrency cap is ours. */
const PIXELCUT_LIMITS = { concurrency: 32, perSecond: 5 } as const;

/** `GET /v1/credits`: `credits_remaining` is typed string in the spec and shown as a number; both are read. */
export const pixelcutCreditsSchema = z.object({ credits_remaining: numeric });

/** Pixelcut's error body (401 `invalid_auth_token`, 403 `insufficient_api_credits`, 429 `rate_limit_exceeded`). */
export const pixelcutErrorSchema = z.object({
  error: z.optional(z.string()),
  error_code: z.optional(z.string()),
});

/** Fetches a Pixelcut account's remaining credits; Pixelcut has no ledger. */
export async function fetchPixelcutSnapshot(req: SnapshotRequest, http: HttpClient): Promise<AccountSnapshot> {
  const url = buildUrl(req.baseUrl ?? PIXELCUT_DEFAULT_BASE_URL, CREDITS_PATH);
  const secrets = [req.apiKey];
  const response = await http.getJson({
    provider: 'pixelcut',
    url,
    headers: { 'X-API-KEY': req.apiKey },
    secrets,
    // The vendor's limit is per account, so requests for one key share a budget.
    rateKey: keyFingerprint(req.apiKey),
    limits: PIXELCUT_LIMITS,
    acceptStatus: (status, body) => status === 403 && isOutOfCredits(body),
  });
  // An account that is out of credits is a balance of 0 (an alert), not a failed check.
  const available =
    response.status === 403
      ? 0
      : parseResponse(pixelcutCreditsSchema, response.body, {
          provider: 'pixelcut',
          // Only an error message needs the path (and the URL parsed for it).
          get path() {
            return urlPath(url);
          },
          secrets,
        }).credits_remaining;
  return {
    accountId: req.accountId,
    provider: 'pixelcut',
    fetchedAt: req.now,
    balance: { available },
  };
}

/** Pixelcut: a balance, no ledger; about 5 requests per second per key (the vendor's limit). */
export const pixelcutAdapter: Adapter = {
  fetch: fetchPixelcutSnapshot,
  defaultBaseUrl: PIXELCUT_DEFAULT_BASE_URL,
  hasLedger: false,
  limits: PIXELCUT_LIMITS,
};

function isOutOfCredits(body: unknown): boolean {
  const parsed = pixelcutErrorSchema.safeParse(body);
  return parsed.success && parsed.data.error_code === 'insufficient_api_credits';
}

/** A stable, non-reversible tag for a key, safe to hold in memory maps and to log. */
export function keyFingerprint(apiKey: string): string {
  // The one-shot hash where Node has it (20.12 on): the same digest for a third of createHash's cost.
  const digest = typeof crypto.hash === 'function' ? crypto.hash('sha256', apiKey, 'hex') : crypto.createHash('sha256').update(apiKey).digest('hex');
  return digest.slice(0, 16);
}
