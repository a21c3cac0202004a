// The configurable adapter: any JSON endpoint that returns a balance, described by an account's `endpoint`
// block (DESIGN.md, "Contract additions"), and the presets (lib/json-presets.ts) that fill it in.
import { ProviderRequestError, ProviderResponseError } from '../errors.js';
import { fillTemplate, type EndpointAvailable, type JsonEndpoint } from '../json-endpoint.js';
import { parseJsonPath, readNumberAt, readStringAt, type JsonPath, type PathRead } from '../json-path.js';
import { presetOf, resolveJsonEndpoint } from '../json-presets.js';
import type { AccountSnapshot, Balance, ProviderName } from '../model.js';
import { redact } from '../redact.js';
import { buildUrl, urlPath, type HttpClient, type JsonRequest } from './http.js';
import { MAX_CREDITS, roundCredits } from './schema.js';
import type { Adapter, SnapshotRequest } from './types.js';
import { looksLikeError, vendorSays } from './vendor-text.js';

/** The adapter of `json` or of one of its presets. */
export function jsonAdapter(provider: ProviderName): Adapter {
  const preset = presetOf(provider);
  return {
    fetch: (req, http) => fetchJsonSnapshot(provider, req, http),
    ...(preset !== undefined && { defaultBaseUrl: preset.baseUrl }),
    hasLedger: false,
  };
}

/** Where an answer came from, for messages. */
interface Origin {
  readonly where: string;
  readonly secrets: readonly string[];
  readonly body: unknown;
}

/** Reads the balance at the account's endpoint; what a PATH finds that is not a number is an error, never 0. */
export async function fetchJsonSnapshot(provider: ProviderName, req: SnapshotRequest, http: HttpClient): Promise<AccountSnapshot> {
  const resolved = resolveJsonEndpoint(provider, req.baseUrl, req.endpoint);
  if (!resolved.ok) {
    const issues = resolved.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new ProviderRequestError(`${provider}: the account cannot be read as configured: ${issues}`, { code: 'request', attempts: 0 });
  }
  const { endpoint, baseUrl } = resolved;
  const request = jsonRequest(provider, baseUrl, endpoint, req.apiKey);
  const response = await http.getJson(request);
  const origin: Origin = { where: `${provider} GET ${urlPath(request.url)}`, secrets: request.secrets, body: response.body };
  const scale = endpoint.scale ?? 1;
  const figures = readAvailable(endpoint.available, origin, scale);
  const currency = readCurrency(endpoint, origin);
  const balance: Balance = {
    available: figures.available,
    ...(figures.total !== undefined && { total: figures.total }),
    ...(currency !== undefined && { currency }),
  };
  return { accountId: req.accountId, provider, fetchedAt: req.now, balance };
}

/** The GET for an endpoint: its URL (params filled in, the key as a query parameter if so), headers and secrets. */
export function jsonRequest(provider: ProviderName, baseUrl: string, endpoint: JsonEndpoint, apiKey: string): JsonRequest {
  const params = endpoint.params ?? {};
  const values = { ...params, key: apiKey };
  const auth = endpoint.auth;
  const query = 'query' in auth ? { [auth.query]: apiKey } : undefined;
  const url = buildUrl(baseUrl, fillTemplate(endpoint.path, params, encodeURIComponent), query);
  if (new URL(url).origin !== new URL(baseUrl).origin) {
    throw new ProviderRequestError(`${provider}: endpoint.path leads away from baseUrl's origin; not sent`, { code: 'request', attempts: 0 });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) headers[name] = fillTemplate(value, params);
  if ('header' in auth) headers[auth.header] = fillTemplate(auth.value, values);
  const secrets = [apiKey];
  if ('basic' in auth) {
    const pair = `${fillTemplate(auth.basic.username, values)}:${fillTemplate(auth.basic.password, values)}`;
    // The encoded pair carries the key too: a vendor echoing the header must not show it either.
    const token = Buffer.from(pair, 'utf8').toString('base64');
    headers['Authorization'] = `Basic ${token}`;
    secrets.push(token);
  }
  return { provider, url, headers, secrets };
}

function readAvailable(available: EndpointAvailable, origin: Origin, scale: number): { available: number; total?: number } {
  if (typeof available === 'string') return { available: credits(read(available, origin), scale, available, origin) };
  const limit = read(available.limit, origin);
  const used = read(available.used, origin);
  const label = `${available.limit} − ${available.used}`;
  return {
    available: credits(limit - used, scale, label, origin),
    total: credits(limit, scale, available.limit, origin),
  };
}

function read(text: string, origin: Origin): number {
  return unwrap(readNumberAt(origin.body, path(text, origin)), text, origin);
}

function readCurrency(endpoint: JsonEndpoint, origin: Origin): string | undefined {
  const currency = endpoint.currency;
  if (currency === undefined || typeof currency === 'string') return currency;
  const code = unwrap(readStringAt(origin.body, path(currency.path, origin)), currency.path, origin);
  // A vendor's text must never reach a message: a currency is three letters or it is not one.
  if (!/^[A-Za-z]{3}$/.test(code)) {
    throw responseError(origin, currency.path, `expected an ISO 4217 currency code (three letters), found text of ${code.length} characters`);
  }
  return code.toUpperCase();
}

/** Scaled, rounded and bounded: a figure beyond MAX_CREDITS would become ±Infinity (null in JSON) downstream. */
function credits(value: number, scale: number, label: string, origin: Origin): number {
  const scaled = roundCredits(value * scale);
  if (!Number.isFinite(scaled) || Math.abs(value * scale) > MAX_CREDITS) {
    throw responseError(origin, label, `the figure is beyond any real balance (more than ${MAX_CREDITS} in size)`);
  }
  return scaled;
}

function unwrap<T>(result: PathRead<T>, text: string, origin: Origin): T {
  if (result.ok) return result.value;
  const reading = result.at === text ? '' : ` (reading ${text})`;
  const hint = looksLikeError(origin.body) ? `; the body holds an error: ${vendorSays(origin.body, '', origin.secrets)}` : '';
  throw responseError(origin, result.at, `${result.problem}${reading}${hint}`);
}

function path(text: string, origin: Origin): JsonPath {
  const parsed = parseJsonPath(text);
  if (parsed.ok) return parsed.path;
  throw new ProviderRequestError(redact(`${origin.where}: PATH "${text}" ${parsed.error}`, origin.secrets), { code: 'request', attempts: 0 });
}

function responseError(origin: Origin, field: string, problem: string): ProviderResponseError {
  return new ProviderResponseError(redact(`${origin.where}: ${field}: ${problem}`, origin.secrets), field);
}
