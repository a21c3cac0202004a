// The presets of the `json` provider: each is the json adapter with a vendor's documented base URL, path,
// auth and mapping filled in; an account may override any field of `endpoint` (and `baseUrl`). Pure data,
// importable by the budgets-file validation (which must not import lib/providers/) and by the adapter.
// Each entry was confirmed against the vendor's public documentation named in its comment (2026-12).
import { isComplete, mergeEndpoint, paramsNeeded, type JsonEndpoint, type JsonEndpointOverrides } from './json-endpoint.js';
import type { PresetProviderName, ProviderName } from './model.js';

/** One preset: a vendor's credit endpoint as its documentation describes it. */
export interface JsonPreset {
  /** The vendor's name, for people. */
  readonly vendor: string;
  readonly baseUrl: string;
  readonly endpoint: JsonEndpoint;
  /** What the balance is, in words (for the README and the JSON Schema). */
  readonly reads: string;
  /** Which key the vendor wants, where it matters. */
  readonly key?: string;
  /** The public page the preset was confirmed against. */
  readonly doc: string;
}

const bearer = { header: 'Authorization', value: 'Bearer {key}' } as const;
/** A period's character allowance (ElevenLabs, DeepL): what is left of it is the balance. */
const characters = { limit: 'character_limit', used: 'character_count' } as const;
const charactersRead = 'character_limit − character_count (characters this period)';

/** Every preset, one entry each; adding a vendor is adding its name to model.ts and an entry here. */
export const JSON_PRESETS: Readonly<Record<PresetProviderName, JsonPreset>> = {
  // https://openrouter.ai/docs/api/api-reference/credits/get-credits — GET /api/v1/credits, Bearer
  // management key, `{data: {total_credits, total_usage}}` in USD; remaining = total_credits − total_usage.
  openrouter: {
    vendor: 'OpenRouter',
    baseUrl: 'https://openrouter.ai',
    endpoint: {
      path: '/api/v1/credits',
      auth: bearer,
      available: { limit: 'data.total_credits', used: 'data.total_usage' },
      currency: 'USD',
    },
    reads: 'data.total_credits − data.total_usage (USD)',
    key: 'a management key',
    doc: 'https://openrouter.ai/docs/api/api-reference/credits/get-credits',
  },
  // https://elevenlabs.io/docs/api-reference/user/subscription/get — GET /v1/user/subscription with
  // `xi-api-key`; `character_limit` and `character_count` of the current period (its `currency` is the
  // subscription's billing currency, not the unit of the characters, so it is not read).
  elevenlabs: {
    vendor: 'ElevenLabs',
    baseUrl: 'https://api.elevenlabs.io',
    endpoint: {
      path: '/v1/user/subscription',
      auth: { header: 'xi-api-key', value: '{key}' },
      available: characters,
    },
    reads: charactersRead,
    doc: 'https://elevenlabs.io/docs/api-reference/user/subscription/get',
  },
  // https://developers.deepl.com/api-reference/usage-and-quota — GET /v2/usage: `character_count` and
  // `character_limit` of the billing period; https://developers.deepl.com/docs/getting-started/auth —
  // `Authorization: DeepL-Auth-Key …`, and API Free keys (ending `:fx`) use https://api-free.deepl.com.
  deepl: {
    vendor: 'DeepL',
    baseUrl: 'https://api.deepl.com',
    endpoint: {
      path: '/v2/usage',
      auth: { header: 'Authorization', value: 'DeepL-Auth-Key {key}' },
      available: characters,
    },
    reads: charactersRead,
    key: 'for a Free key (ending :fx) set baseUrl: https://api-free.deepl.com',
    doc: 'https://developers.deepl.com/api-reference/usage-and-quota',
  },
  // https://developers.deepgram.com/reference/manage/billing/list — GET /v1/projects/{project_id}/balances,
  // `Authorization: Token …`; `balances[]` of `{balance_id, amount, units ("USD"), purchase_order_id}`.
  deepgram: {
    vendor: 'Deepgram',
    baseUrl: 'https://api.deepgram.com',
    endpoint: {
      path: '/v1/projects/{projectId}/balances',
      auth: { header: 'Authorization', value: 'Token {key}' },
      available: 'balances[*].amount',
      currency: { path: 'balances[0].units' },
    },
    reads: 'the sum of balances[*].amount, in balances[0].units; needs endpoint.params.projectId',
    doc: 'https://developers.deepgram.com/reference/manage/billing/list',
  },
  // https://github.com/Stability-AI/rest-api-support (examples/curl/code/v1/get_balance.sh and
  // generated/spec/merged.json) — GET https://api.stability.ai/v1/user/balance, `Authorization: Bearer`,
  // BalanceResponseBody `{credits: number}`.
  stability: {
    vendor: 'Stability AI',
    baseUrl: 'https://api.stability.ai',
    endpoint: { path: '/v1/user/balance', auth: bearer, available: 'credits' },
    reads: 'credits',
    doc: 'https://github.com/Stability-AI/rest-api-support/blob/main/examples/curl/code/v1/get_balance.sh',
  },
  // https://github.com/runwayml/sdk-node/blob/main/src/resources/organization/organization.ts (generated
  // from Runway's OpenAPI: GET /v1/organization → `creditBalance`, "credits remaining in the organization")
  // and https://github.com/runwayml/skills (rw-check-org-details: https://api.dev.runwayml.com, Bearer,
  // `X-Runway-Version: 2024-11-06`).
  runway: {
    vendor: 'Runway',
    baseUrl: 'https://api.dev.runwayml.com',
    endpoint: {
      path: '/v1/organization',
      auth: bearer,
      available: 'creditBalance',
      headers: { 'X-Runway-Version': '2024-11-06' },
    },
    reads: 'creditBalance (credits)',
    doc: 'https://github.com/runwayml/sdk-node/blob/main/src/resources/organization/organization.ts',
  },
  // https://fal.ai/docs/platform-apis/v1/account/billing — GET https://api.fal.ai/v1/account/billing with
  // `expand=credits`, `Authorization: Key …` (an admin key; others get 403): `credits.current_balance`,
  // `credits.currency`.
  fal: {
    vendor: 'fal',
    baseUrl: 'https://api.fal.ai',
    endpoint: {
      path: '/v1/account/billing?expand=credits',
      auth: { header: 'Authorization', value: 'Key {key}' },
      available: 'credits.current_balance',
      currency: { path: 'credits.currency' },
    },
    reads: 'credits.current_balance, in credits.currency',
    key: 'an admin key (billing read)',
    doc: 'https://fal.ai/docs/platform-apis/v1/account/billing',
  },
  // https://support.twilio.com/hc/en-us/articles/360025294494-Check-Your-Twilio-Account-Balance — GET
  // /2010-04-01/Accounts/{AccountSid}/Balance.json with HTTP Basic (Account SID : Auth Token) →
  // `{currency, balance: "12.29", account_sid}` (balance is a string).
  twilio: {
    vendor: 'Twilio',
    baseUrl: 'https://api.twilio.com',
    endpoint: {
      path: '/2010-04-01/Accounts/{accountSid}/Balance.json',
      auth: { basic: { username: '{accountSid}', password: '{key}' } },
      available: 'balance',
      currency: { path: 'currency' },
    },
    reads: 'balance, in currency; needs endpoint.params.accountSid (the key is the Auth Token)',
    doc: 'https://support.twilio.com/hc/en-us/articles/360025294494-Check-Your-Twilio-Account-Balance',
  },
  // https://developers.telnyx.com/api-reference/billing/get-user-balance-details — GET
  // https://api.telnyx.com/v2/balance, Bearer: `{data: {balance, pending, credit_limit, available_credit,
  // currency}}`, amounts as decimal strings.
  telnyx: {
    vendor: 'Telnyx',
    baseUrl: 'https://api.telnyx.com',
    endpoint: {
      path: '/v2/balance',
      auth: bearer,
      available: 'data.available_credit',
      currency: { path: 'data.currency' },
    },
    reads: 'data.available_credit, in data.currency',
    doc: 'https://developers.telnyx.com/api-reference/billing/get-user-balance-details',
  },
  // https://api-docs.deepseek.com/zh-cn/api/get-user-balance — GET https://api.deepseek.com/user/balance,
  // Bearer: `{is_available, balance_infos: [{currency: "CNY"|"USD", total_balance: "110.00", …}]}`.
  deepseek: {
    vendor: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com',
    endpoint: {
      path: '/user/balance',
      auth: bearer,
      available: 'balance_infos[currency=USD].total_balance',
      currency: 'USD',
    },
    reads: 'balance_infos[currency=USD].total_balance (for CNY: override available and currency)',
    doc: 'https://api-docs.deepseek.com/zh-cn/api/get-user-balance',
  },
  // https://docs.imagerouter.io/api-reference/credits — GET https://api.imagerouter.io/v1/credits, Bearer:
  // `{remaining_credits: "25.5000", credit_usage, total_deposits}` (strings).
  imagerouter: {
    vendor: 'ImageRouter',
    baseUrl: 'https://api.imagerouter.io',
    endpoint: { path: '/v1/credits', auth: bearer, available: 'remaining_credits' },
    reads: 'remaining_credits',
    doc: 'https://docs.imagerouter.io/api-reference/credits',
  },
};

/** The preset of a provider, if it is one. */
export function presetOf(provider: ProviderName): JsonPreset | undefined {
  return Object.hasOwn(JSON_PRESETS, provider) ? JSON_PRESETS[provider as PresetProviderName] : undefined;
}

/** Whether a provider is read by the json adapter (`json` itself or a preset). */
export function isJsonProvider(provider: ProviderName): boolean {
  return provider === 'json' || presetOf(provider) !== undefined;
}

/** What the json adapter reads for an account: its base URL and its complete endpoint. */
export type ResolvedJsonEndpoint =
  | { readonly ok: true; readonly baseUrl: string; readonly endpoint: JsonEndpoint }
  | { readonly ok: false; readonly issues: readonly EndpointIssue[] };

/** A mistake in an account's `endpoint` (or `baseUrl`), with its field path inside the account. */
export interface EndpointIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Mistakes in an account's `endpoint` and `baseUrl` for its provider (none for a complete account). */
export function jsonEndpointIssues(
  provider: ProviderName,
  baseUrl: string | undefined,
  overrides: JsonEndpointOverrides | undefined,
): readonly EndpointIssue[] {
  if (isJsonProvider(provider)) {
    const resolved = resolveJsonEndpoint(provider, baseUrl, overrides);
    return resolved.ok ? [] : resolved.issues;
  }
  return overrides === undefined ? [] : [{ path: ['endpoint'], message: `is only for provider json and its presets, not ${provider}` }];
}

/** The preset (if any) merged with the account's `endpoint`, or what is missing for it to be read. */
export function resolveJsonEndpoint(
  provider: ProviderName,
  baseUrl: string | undefined,
  overrides: JsonEndpointOverrides | undefined,
): ResolvedJsonEndpoint {
  const preset = presetOf(provider);
  const issues: EndpointIssue[] = [];
  const url = baseUrl ?? preset?.baseUrl;
  if (url === undefined) issues.push({ path: ['baseUrl'], message: `is required for provider ${provider}` });
  const endpoint = mergeEndpoint(preset?.endpoint, overrides);
  for (const field of ['path', 'auth', 'available'] as const) {
    if (endpoint[field] === undefined) issues.push({ path: ['endpoint', field], message: `is required for provider ${provider}` });
  }
  for (const name of paramsNeeded(endpoint)) {
    if (endpoint.params?.[name] === undefined) {
      issues.push({ path: ['endpoint', 'params', name], message: `is required: the endpoint of provider ${provider} uses {${name}}` });
    }
  }
  if (issues.length > 0 || url === undefined || !isComplete(endpoint)) return { ok: false, issues };
  return { ok: true, baseUrl: url, endpoint };
}

/**
 * The parts of the budgets file's JSON Schema that the zod schema cannot say: what each preset reads
 * (in the provider's description), that `json` needs baseUrl and a complete endpoint, which presets need
 * which `endpoint.params`, and that the other providers take no endpoint.
 */
export function presetsJsonSchema(account: Record<string, unknown>): Record<string, unknown> {
  const properties = (account['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const described = Object.entries(JSON_PRESETS).map(([name, p]) => `${name}: ${p.vendor}, ${p.reads} (${p.doc})`);
  const whenProvider = (names: readonly string[]) => ({ properties: { provider: { enum: [...names] } }, required: ['provider'] });
  const withParams = Object.entries(JSON_PRESETS).flatMap(([name, preset]) => {
    const params = paramsNeeded(preset.endpoint);
    if (params.length === 0) return [];
    const then = { required: ['endpoint'], properties: { endpoint: { required: ['params'], properties: { params: { required: params } } } } };
    return [{ if: whenProvider([name]), then }];
  });
  const native = ['pictory', 'account-api', 'pixelcut'].filter((name) => !isJsonProvider(name as ProviderName));
  return {
    properties: {
      ...properties,
      provider: {
        ...properties['provider'],
        description: `json: any JSON credit API (set baseUrl and endpoint). Presets (endpoint fields override theirs): ${described.join('; ')}`,
      },
    },
    allOf: [
      {
        if: whenProvider(['json']),
        then: { required: ['baseUrl', 'endpoint'], properties: { endpoint: { required: ['path', 'auth', 'available'] } } },
      },
      ...withParams,
      { if: whenProvider(native), then: { not: { required: ['endpoint'] } } },
    ],
  };
}
