import { STATUS_CODES } from 'node:http';
import { credits, jsonResponse, type Caller, type SandboxResponse, type VendorRequest, type VendorSim } from './response.js';
import type { World } from './world.js';

const CREDITS_PATH = '/v1/credits';
const RATE_LIMIT = 5;
const RATE_WINDOW_MS = 1000;

/** Options of the Pixelcut simulation. */
export interface PixelcutOptions {
  readonly enforceRateLimits: boolean;
  /** Monotonic real-time clock in ms: the vendor's rate limit counts real requests per real second. */
  readonly realTime: () => number;
}

/** The Pixelcut API: remaining credits behind an X-API-KEY, at most 5 requests per second per key. */
export class PixelcutSim implements VendorSim {
  readonly vendor = 'pixelcut' as const;
  readonly memoizable = false;
  readonly credentialHeaders = ['x-api-key'] as const;
  /** Per key, the real instants of the requests admitted within the last window. */
  private readonly admitted = new Map<string, number[]>();

  constructor(
    private readonly world: World,
    private readonly options: PixelcutOptions,
  ) {}

  identify(headers: Readonly<Record<string, string>>): Caller {
    const key = headers['x-api-key'];
    const account = this.world.byCredential('pixelcut', key);
    return { ...(key === undefined ? {} : { key }), ...(account === undefined ? {} : { accountId: account.id }) };
  }

  handle(request: VendorRequest, caller: Caller): SandboxResponse {
    if (request.path !== CREDITS_PATH) return this.errorResponse(404);
    if (request.method !== 'GET') return this.errorResponse(405);
    const account = caller.accountId === undefined ? undefined : this.world.get(caller.accountId);
    if (account === undefined || !account.existsAt(request.now)) return this.errorResponse(401);
    if (this.options.enforceRateLimits && !this.admit(account.key)) return this.errorResponse(429);
    const balance = account.balanceAt(request.now);
    if (balance <= 0) return this.errorResponse(403);
    // The vendor's spec types credits_remaining as a string (its example shows a number).
    return jsonResponse(200, { credits_remaining: credits(balance, account.spec.numbersAsStrings !== false) });
  }

  errorResponse(status: number): SandboxResponse {
    switch (status) {
      case 401:
        return jsonResponse(401, { error: 'API Token not found', error_code: 'invalid_auth_token' });
      case 403:
        return jsonResponse(403, { error: 'Insufficient API credits', error_code: 'insufficient_api_credits' });
      case 404:
        return jsonResponse(404, { error: 'Not found', error_code: 'not_found' });
      case 405:
        return jsonResponse(405, { error: 'Method not allowed', error_code: 'method_not_allowed' }, { allow: 'GET' });
      case 429:
        return jsonResponse(429, { error: 'Too many requests', error_code: 'rate_limit_exceeded' });
      default:
        return jsonResponse(status, {
          error: status >= 500 ? 'Internal service error' : (STATUS_CODES[status] ?? 'Error'),
          error_code: status >= 500 ? 'internal_error' : 'request_failed',
        });
    }
  }

  /** Sliding window: admits the request unless the key already made the limit's worth within the window. */
  private admit(key: string): boolean {
    const now = this.options.realTime();
    const recent = (this.admitted.get(key) ?? []).filter((at) => at > now - RATE_WINDOW_MS);
    const admitted = recent.length < RATE_LIMIT;
    if (admitted) recent.push(now);
    this.admitted.set(key, recent);
    return admitted;
  }
}
