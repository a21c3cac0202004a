import { STATUS_CODES } from 'node:http';
import type { SimAccount } from './account.js';
import { hashHex } from './ids.js';
import { credits, jsonResponse, type Caller, type SandboxResponse, type VendorRequest, type VendorSim } from './response.js';
import { monthStartUtc } from './time.js';
import { MONTHLY_RESET_OFFSET_MS, fromMicro } from './timeline.js';
import type { JsonApiVendor } from './types.js';
import type { World } from './world.js';

/** An account's figures at the sandbox's now, for building an answer. */
export interface BalanceView {
  readonly account: SimAccount;
  readonly now: number;
  readonly balance: number;
  /** The period's allowance plus what was bought (OpenRouter's total_credits, DeepL's character_limit). */
  readonly limit: number;
  /** What was consumed of `limit`. */
  readonly used: number;
  /** A number, or a numeric string when the account sends numbers as strings. */
  readonly num: (value: number) => number | string;
  readonly query: URLSearchParams;
}

type Headers = Readonly<Record<string, string>>;

/** One simulated credit API, as its documentation describes it. */
interface JsonApi {
  /** The path; a `{name}` segment must equal the account's parameter of that name. Undefined: any path. */
  readonly path?: string;
  /** The credential a request carries, as the vendor reads it. */
  readonly key: (headers: Headers, query: URLSearchParams) => string | undefined;
  readonly credentialHeaders: readonly string[];
  readonly credentialQuery?: readonly string[];
  /** Whether the rest of the credential fits the account (Twilio's Basic user is the account SID). */
  readonly fits?: (headers: Headers, account: SimAccount) => boolean;
  /** An answer that comes before the balance (Runway refuses a request without its version header). */
  readonly precondition?: (request: VendorRequest) => SandboxResponse | undefined;
  readonly body: (view: BalanceView) => unknown;
  readonly error: (status: number) => unknown;
}

const scheme =
  (name: string) =>
  (headers: Headers): string | undefined =>
    new RegExp(`^${name}\\s+(\\S+)\\s*$`, 'i').exec(headers['authorization'] ?? '')?.[1];
const bearer = scheme('Bearer');
const plainError = (status: number): string => STATUS_CODES[status] ?? 'Error';

function basicPair(headers: Headers): { user: string; password: string } | undefined {
  const token = scheme('Basic')(headers);
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Two balances summing to `total` (Deepgram lists one per purchase; the generic endpoint one per currency). */
function split(total: number): [number, number] {
  const first = Math.round(total * 0.75 * 1e6) / 1e6;
  return [first, Math.round((total - first) * 1e6) / 1e6];
}

/** The first monthly reset after `now` (ElevenLabs says when the character count resets). */
function nextReset(now: number): number {
  const thisMonth = monthStartUtc(now) + MONTHLY_RESET_OFFSET_MS;
  return thisMonth > now ? thisMonth : monthStartUtc(now, 1) + MONTHLY_RESET_OFFSET_MS;
}

/** The simulated APIs, each from the page its preset was confirmed against (see lib/json-presets.ts). */
export const JSON_APIS: Readonly<Record<JsonApiVendor | 'json', JsonApi>> = {
  json: {
    key: (headers, query) => bearer(headers) ?? headers['x-api-key'] ?? query.get('api_key') ?? undefined,
    credentialHeaders: ['authorization', 'x-api-key'],
    credentialQuery: ['api_key'],
    body: ({ balance, limit, used, num, account }) => {
      const [eur, usd] = split(balance);
      return {
        data: { remaining: String(balance), limit: num(limit), used: num(used), cents: Math.round(balance * 100), currency: 'EUR' },
        balances: [
          { currency: 'EUR', amount: num(eur) },
          { currency: 'USD', amount: num(usd) },
        ],
        accounts: [{ id: account.id, credits: num(balance) }],
      };
    },
    error: (status) => ({ error: { code: status, message: plainError(status) } }),
  },
  openrouter: {
    path: '/api/v1/credits',
    key: bearer,
    credentialHeaders: ['authorization'],
    body: ({ limit, used, num }) => ({ data: { total_credits: num(limit), total_usage: num(used) } }),
    error: (status) => ({
      error: { code: status, message: status === 403 ? 'Only management keys can perform this operation' : plainError(status) },
    }),
  },
  elevenlabs: {
    path: '/v1/user/subscription',
    key: (headers) => headers['xi-api-key'],
    credentialHeaders: ['xi-api-key'],
    body: ({ limit, used, num, now }) => ({
      tier: 'creator',
      character_count: num(used),
      character_limit: num(limit),
      can_extend_character_limit: false,
      allowed_to_extend_character_limit: false,
      next_character_count_reset_unix: Math.floor(nextReset(now) / 1000),
      voice_limit: 30,
      professional_voice_limit: 1,
      can_use_instant_voice_cloning: true,
      currency: 'usd',
      status: 'active',
      billing_period: 'monthly_period',
      character_refresh_period: 'monthly_period',
    }),
    error: (status) => ({ detail: { status: status === 401 ? 'invalid_api_key' : 'error', message: plainError(status) } }),
  },
  deepl: {
    path: '/v2/usage',
    key: scheme('DeepL-Auth-Key'),
    credentialHeaders: ['authorization'],
    body: ({ limit, used, num }) => ({ character_count: num(used), character_limit: num(limit) }),
    error: (status) => ({ message: status === 403 ? 'Wrong authentication key' : plainError(status) }),
  },
  deepgram: {
    path: '/v1/projects/{projectId}/balances',
    key: scheme('Token'),
    credentialHeaders: ['authorization'],
    body: ({ balance, num, account }) => ({
      balances: split(balance).map((amount, i) => ({
        balance_id: hashHex(`balance:${account.id}:${i}`).slice(0, 12),
        amount: num(amount),
        units: 'USD',
        purchase_order_id: `po-${i + 1}`,
      })),
    }),
    error: (status) => ({
      err_code: status === 401 ? 'INVALID_AUTH' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'ERROR',
      err_msg: plainError(status),
      request_id: '00000000-0000-4000-8000-000000000000',
    }),
  },
  stability: {
    path: '/v1/user/balance',
    key: bearer,
    credentialHeaders: ['authorization'],
    body: ({ balance, num }) => ({ credits: num(balance) }),
    error: (status) => ({ id: hashHex(`stability:${status}`), name: status === 401 ? 'unauthorized' : 'error', message: plainError(status) }),
  },
  runway: {
    path: '/v1/organization',
    key: bearer,
    credentialHeaders: ['authorization'],
    precondition: (request) =>
      request.headers['x-runway-version'] === '2024-11-06'
        ? undefined
        : jsonResponse(400, { error: 'The X-Runway-Version header is missing or not a supported version' }),
    body: ({ balance, num }) => ({ tier: { maxMonthlyCreditSpend: 10000, models: {} }, creditBalance: num(balance), usage: { models: {} } }),
    error: (status) => ({ error: plainError(status) }),
  },
  fal: {
    path: '/v1/account/billing',
    key: scheme('Key'),
    credentialHeaders: ['authorization'],
    body: ({ balance, num, account, query }) => ({
      username: account.id,
      ...(query.getAll('expand').some((value) => value.split(',').includes('credits')) && {
        credits: { current_balance: num(balance), currency: 'USD' },
      }),
    }),
    error: (status) => ({ detail: status === 403 ? 'Admin API key required' : plainError(status) }),
  },
  twilio: {
    path: '/2010-04-01/Accounts/{accountSid}/Balance.json',
    key: (headers) => basicPair(headers)?.password,
    fits: (headers, account) => basicPair(headers)?.user === account.params['accountSid'],
    credentialHeaders: ['authorization'],
    body: ({ balance, account }) => ({ currency: 'USD', balance: String(balance), account_sid: account.params['accountSid'] }),
    error: (status) => ({ code: 20003, message: plainError(status), more_info: 'https://www.twilio.com/docs/errors/20003', status }),
  },
  telnyx: {
    path: '/v2/balance',
    key: bearer,
    credentialHeaders: ['authorization'],
    body: ({ balance }) => ({
      data: { record_type: 'balance', pending: '0.00', balance: String(balance), credit_limit: '0.00', available_credit: String(balance), currency: 'USD' },
    }),
    error: (status) => ({ errors: [{ code: String(10000 + status), title: plainError(status), detail: plainError(status) }] }),
  },
  deepseek: {
    path: '/user/balance',
    key: bearer,
    credentialHeaders: ['authorization'],
    body: ({ balance }) => ({
      is_available: balance > 0,
      balance_infos: [
        { currency: 'CNY', total_balance: (balance * 7.2).toFixed(2), granted_balance: '0.00', topped_up_balance: (balance * 7.2).toFixed(2) },
        { currency: 'USD', total_balance: String(balance), granted_balance: '0.00', topped_up_balance: String(balance) },
      ],
    }),
    error: (status) => ({ error: { message: plainError(status), type: 'authentication_error', param: null, code: 'invalid_request_error' } }),
  },
  imagerouter: {
    path: '/v1/credits',
    key: bearer,
    credentialHeaders: ['authorization'],
    body: ({ balance, limit, used }) => ({ remaining_credits: String(balance), credit_usage: String(used), total_deposits: String(limit) }),
    error: (status) => ({ error: { message: plainError(status), type: 'error' } }),
  },
};

/** A credit API: GET its one path with its credential, get the balance in its documented shape. */
export class JsonApiSim implements VendorSim {
  readonly memoizable = true;
  readonly credentialHeaders: readonly string[];
  readonly credentialQuery: readonly string[];
  private readonly api: JsonApi;

  constructor(
    readonly vendor: JsonApiVendor | 'json',
    private readonly world: World,
  ) {
    this.api = JSON_APIS[vendor];
    this.credentialHeaders = this.api.credentialHeaders;
    this.credentialQuery = this.api.credentialQuery ?? [];
  }

  identify(headers: Headers, query: URLSearchParams): Caller {
    const key = this.api.key(headers, query);
    const account = this.world.byCredential(this.vendor, key);
    const fits = account !== undefined && (this.api.fits?.(headers, account) ?? true);
    return { ...(key === undefined ? {} : { key }), ...(fits && { accountId: account.id }) };
  }

  handle(request: VendorRequest, caller: Caller): SandboxResponse {
    if (request.method !== 'GET') return { ...this.errorResponse(405), headers: { 'content-type': 'application/json; charset=utf-8', allow: 'GET' } };
    const account = caller.accountId === undefined ? undefined : this.world.get(caller.accountId);
    if (account === undefined || !account.existsAt(request.now)) return this.errorResponse(401);
    if (!this.pathFits(request.path, account)) return this.errorResponse(404);
    if (account.spec.canReadBalance === false) return this.errorResponse(403);
    const early = this.api.precondition?.(request);
    if (early !== undefined) return early;
    const quota = account.timeline.quotaAt(request.now);
    const asString = account.spec.numbersAsStrings === true;
    const view: BalanceView = {
      account,
      now: request.now,
      balance: account.balanceAt(request.now),
      limit: fromMicro(quota.limit),
      used: fromMicro(quota.used),
      num: (value) => credits(value, asString),
      query: request.query,
    };
    return jsonResponse(200, this.api.body(view));
  }

  errorResponse(status: number): SandboxResponse {
    return jsonResponse(status, this.api.error(status));
  }

  private pathFits(path: string, account: SimAccount): boolean {
    const pattern = this.api.path;
    if (pattern === undefined) return true;
    const expected = pattern.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(account.params[name] ?? '\u0000'));
    return path === expected;
  }
}
