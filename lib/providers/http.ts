import { ProviderAuthError, ProviderRequestError, ProviderResponseError } from '../errors.js';
import type { ProviderName } from '../model.js';
import { redact } from '../redact.js';
import type { BodyRead, HeaderReader } from './body.js';
import { VendorGates, type VendorLimits } from './gates.js';
import { fetchTransport, nodeTransport, type Transport, type TransportResult } from './transport.js';
import { vendorSays, vendorText } from './vendor-text.js';

export { DEFAULT_LIMITS, type VendorLimits } from './gates.js';
export type { HeaderReader } from './body.js';

export interface HttpClientOptions {
  /** Sends the requests through this `fetch` instead of node:http(s) with keep-alive. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for the backoff jitter. */
  readonly random?: () => number;
  /** Monotonic milliseconds, for the rate limits. */
  readonly now?: () => number;
  /** Wall-clock epoch milliseconds, only to read an HTTP-date `Retry-After`. */
  readonly wallClock?: () => number;
  /** Per attempt, covering the response body too. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. */
  readonly retries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A longer `Retry-After` is shortened to this. */
  readonly maxRetryAfterMs?: number;
  readonly userAgent?: string;
  /** Overrides the vendors' own limits (their adapters'), per vendor. */
  readonly limits?: Partial<Record<ProviderName, VendorLimits>>;
}

export interface JsonRequest {
  readonly provider: ProviderName;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Values replaced by `[redacted]` in every error this request produces. */
  readonly secrets: readonly string[];
  /** Identifies the credential for per-key rate limits (a hash, never the key itself). */
  readonly rateKey?: string;
  /** Lets an adapter take a non-2xx answer as data (e.g. Pixelcut's 403 for an empty account). */
  readonly acceptStatus?: (status: number, body: unknown) => boolean;
  /** The vendor's own limits (its adapter's); `HttpClientOptions.limits` overrides them. */
  readonly limits?: VendorLimits;
  /** The largest decoded body accepted. @default DEFAULT_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** The account's overall deadline: when it aborts, waiting, retrying and reading stop (a `timeout` error). */
  readonly signal?: AbortSignal;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  /** A fetch `Headers`, or anything that reads a header the same way. */
  readonly headers: HeaderReader;
}

export interface HttpClient {
  /** GETs a JSON document with timeouts, retries, rate limits, a body cap and redacted errors. */
  getJson(request: JsonRequest): Promise<JsonResponse>;
}

export const DEFAULT_USER_AGENT = 'budget-alerts/0.1 (prepaid API-credit budget monitor)';
/** A balance fits in a few hundred bytes; a month of ledger needs more (those adapters say how much). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Deeper JSON is no vendor's answer, and walking it could exhaust the stack. */
export const MAX_JSON_DEPTH = 64;
/** Same-origin redirects followed before giving up (another origin is never followed). */
const MAX_REDIRECTS = 3;

/** Full-jitter backoff before retry number `retry` (0-based): uniform in [0, min(max, base·2^retry)). */
export function backoffDelayMs(
  retry: number,
  options: { readonly baseDelayMs: number; readonly maxDelayMs: number; readonly random: () => number },
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const r = Math.min(Math.max(options.random(), 0), 1);
  return Math.floor(ceiling * r);
}

/** Reads `Retry-After` (delta seconds or HTTP date) as milliseconds from `nowMs`; undefined if unusable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Base URL and path joined and normalized, when the result has no query or fragment of its own (so a query
 * is simply appended): every account of a vendor asks for the same few, thousands of times a run. A pure
 * cache, emptied when it fills.
 */
const joinedUrls = new Map<string, string | null>();
const MAX_JOINED_URLS = 256;

/** Joins a base URL (trailing slashes tolerated) with a path and query. */
export function buildUrl(baseUrl: string, path: string, query?: Readonly<Record<string, string | number>>): string {
  const joined = baseUrl.replace(/\/+$/, '') + path;
  let href = joinedUrls.get(joined);
  if (href === undefined) {
    const normalized = new URL(joined).toString();
    href = normalized.includes('?') || normalized.includes('#') ? null : normalized;
    if (joinedUrls.size >= MAX_JOINED_URLS) joinedUrls.clear();
    joinedUrls.set(joined, href);
  }
  if (href === null) {
    const url = new URL(joined);
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, String(value));
    return url.toString();
  }
  if (query === undefined) return href;
  // What URL.searchParams.set makes of an empty query: the same serializer, keys in the same order.
  const params = new URLSearchParams();
  for (const name of Object.keys(query)) params.set(name, String(query[name]));
  const search = params.toString();
  return search === '' ? href : `${href}?${search}`;
}

/** The path of a URL without its query, which may hold secrets. */
export function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

interface Settings {
  readonly transport: Transport;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly wallClock: () => number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly userAgent: string;
}

/** Creates a client whose limits are shared by every request sent through it. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const settings: Settings = {
    transport: options.fetch === undefined ? nodeTransport() : fetchTransport(options.fetch),
    sleep,
    random: options.random ?? Math.random,
    wallClock: options.wallClock ?? Date.now,
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 3,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  };
  const gates = new VendorGates(options.limits, options.now ?? (() => performance.now()), sleep);
  return { getJson: (request) => getJson(settings, gates, request) };
}

/** Resolves once the I/O callbacks already due have run (setImmediate: the event loop's check phase). */
function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What one attempt came to. */
type AttemptResult = TransportResult;

/** What to do after an attempt. */
type Next =
  | { readonly kind: 'done'; readonly response: JsonResponse }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'redirect'; readonly url: string };

/** Names the request in every message and redacts it. */
interface Context {
  readonly request: JsonRequest;
  readonly fail: (message: string) => string;
}

async function getJson(settings: Settings, gates: VendorGates, request: JsonRequest): Promise<JsonResponse> {
  const attempts = settings.retries + 1;
  let url = request.url;
  let redirects = 0;
  let last: AttemptResult | undefined;
  for (let n = 1; n <= attempts; n += 1) {
    const ctx = context(url === request.url ? request : { ...request, url });
    const result = await attempt(settings, gates, ctx.request);
    // The vendor's slot is free again; reading the answer waits until the other answers that arrived with it
    // have freed theirs too, so that their next requests go out before any of them is parsed.
    await afterPendingIo();
    last = result;
    if (result.kind === 'deadline') throw deadlineError(ctx, n);
    const next = decide(settings, ctx, result, n);
    if (next.kind === 'done') return next.response;
    if (next.kind === 'redirect') {
      redirects += 1;
      if (redirects > MAX_REDIRECTS) throw new ProviderRequestError(ctx.fail(`more than ${MAX_REDIRECTS} redirects`), { code: 'request', attempts: n });
      url = next.url;
      // A same-origin redirect is not a failed attempt: the next request does not use up a retry.
      n -= 1;
      continue;
    }
    if (n === attempts) break;
    if (!(await sleepUnlessAborted(settings.sleep, next.delayMs, request.signal))) throw deadlineError(ctx, n);
  }
  throw finalError(context({ ...request, url }), last, attempts, settings.timeoutMs);
}

function context(request: JsonRequest): Context {
  // Only a failure needs the words (and the URL parsed for its path): most requests never do.
  return { request, fail: (message) => redact(`${request.provider} GET ${urlPath(request.url)}: ${message}`, request.secrets) };
}

/** One attempt, inside the vendor's limits. */
async function attempt(settings: Settings, gates: VendorGates, request: JsonRequest): Promise<AttemptResult> {
  if (request.signal?.aborted) return { kind: 'deadline' };
  const release = await gates.enter(request);
  if (release === undefined) return { kind: 'deadline' };
  try {
    return await settings.transport({
      url: request.url,
      headers: { 'User-Agent': settings.userAgent, Accept: 'application/json', ...request.headers },
      timeoutMs: settings.timeoutMs,
      maxBodyBytes: request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(request.signal !== undefined && { signal: request.signal }),
    });
  } finally {
    release();
  }
}

/** Turns an attempt into a response, a retry, a redirect to follow, or an error. */
function decide(settings: Settings, ctx: Context, result: AttemptResult, n: number): Next {
  if (result.kind !== 'response') return { kind: 'retry', delayMs: backoffDelayMs(n - 1, settings) };
  const { status, headers, body } = result;
  if (status >= 300 && status < 400) return { kind: 'redirect', url: sameOriginRedirect(ctx, headers, status, n) };
  const text = body.kind === 'text' ? body.text : '';
  const parsed = body.kind === 'text' ? parseJson(text) : undefined;
  const value = parsed?.ok === true ? parsed.value : undefined;
  if (ctx.request.acceptStatus?.(status, value) === true) return { kind: 'done', response: { status, body: value, headers } };
  if (status >= 200 && status < 300) return { kind: 'done', response: { status, body: successBody(ctx, status, headers, body, parsed), headers } };
  if (isRetryableStatus(status)) {
    const retryAfter = parseRetryAfter(headers.get('retry-after'), settings.wallClock());
    const delayMs = retryAfter !== undefined ? Math.min(retryAfter, settings.maxRetryAfterMs) : backoffDelayMs(n - 1, settings);
    return { kind: 'retry', delayMs };
  }
  throw refusal(ctx, status, vendorSays(value, text, ctx.request.secrets), n, text);
}

/** The JSON of a 2xx answer, or a response error saying what was wrong with it. */
function successBody(ctx: Context, status: number, headers: HeaderReader, body: BodyRead, parsed: JsonParse | undefined): unknown {
  if (parsed?.ok === true) return parsed.value;
  const secrets = ctx.request.secrets;
  const problem =
    body.kind === 'too-large'
      ? `body is larger than ${formatBytes(body.limit)} (stopped reading there)`
      : body.kind === 'not-utf8'
        ? 'body is not UTF-8 text'
        : parsed?.deep === true
          ? `body nests JSON deeper than ${MAX_JSON_DEPTH} levels`
          : `body is not JSON (${contentType(headers)}): ${vendorText(body.text, secrets)}`;
  throw new ProviderResponseError(ctx.fail(`HTTP ${status} ${problem}`), '');
}

/** The error for a 4xx that no retry can fix. */
function refusal(ctx: Context, status: number, vendorSaid: string, n: number, text: string): Error {
  if (isEdgeBlock(status, text)) {
    // Not the key's fault: the vendor's edge refused this client (Cloudflare 1010).
    return new ProviderRequestError(ctx.fail(`HTTP ${status} blocked by the vendor's edge (User-Agent or client rejected): ${vendorSaid}`), {
      code: 'request',
      status,
      attempts: n,
    });
  }
  if (status === 401) return new ProviderAuthError(ctx.fail(`HTTP 401 credentials rejected (wrong, revoked or expired key): ${vendorSaid}`), status);
  if (status === 403) return new ProviderAuthError(ctx.fail(`HTTP 403 the key lacks permission to read the balance: ${vendorSaid}`), status);
  return new ProviderRequestError(ctx.fail(`HTTP ${status} request refused: ${vendorSaid}`), { code: 'request', status, attempts: n });
}

/** The URL of a redirect to the same origin; any other redirect is an error (the key never goes there). */
function sameOriginRedirect(ctx: Context, headers: HeaderReader, status: number, n: number): string {
  const from = new URL(ctx.request.url);
  const location = headers.get('location');
  let target: URL | undefined;
  try {
    target = location === null ? undefined : new URL(location, from);
  } catch {
    target = undefined;
  }
  if (target !== undefined && target.origin === from.origin) return target.toString();
  const shown = target === undefined ? '(no usable location)' : vendorText(`${target.origin}${target.pathname}`, ctx.request.secrets);
  throw new ProviderRequestError(
    ctx.fail(`HTTP ${status} redirect to ${shown} not followed: another origin never receives the key; check the base URL`),
    { code: 'request', status, attempts: n },
  );
}

function deadlineError(ctx: Context, attempts: number): ProviderRequestError {
  return new ProviderRequestError(
    ctx.fail(`the account's overall deadline passed (after ${attempts} attempt${attempts === 1 ? '' : 's'}); stopped`),
    { code: 'timeout', attempts },
  );
}

function finalError(ctx: Context, last: AttemptResult | undefined, attempts: number, timeoutMs: number): ProviderRequestError {
  const tries = `(after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
  if (last === undefined || last.kind === 'timeout' || last.kind === 'deadline') {
    return new ProviderRequestError(ctx.fail(`no response within ${timeoutMs} ms ${tries}`), { code: 'timeout', attempts });
  }
  if (last.kind === 'network') {
    return new ProviderRequestError(ctx.fail(`network error: ${describeNetworkError(last.error)} ${tries}`), { code: 'network', attempts });
  }
  const text = last.body.kind === 'text' ? last.body.text : '';
  const parsed = parseJson(text);
  const vendorSaid = vendorSays(parsed.ok ? parsed.value : undefined, text, ctx.request.secrets);
  const code = last.status === 429 ? 'rate-limited' : 'server';
  const what = code === 'rate-limited' ? 'rate limited' : 'server error';
  return new ProviderRequestError(ctx.fail(`HTTP ${last.status} ${what}: ${vendorSaid} ${tries}`), { code, status: last.status, attempts });
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
async function sleepUnlessAborted(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal === undefined) {
    await sleep(ms);
    return true;
  }
  if (signal.aborted) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const slept = await Promise.race([sleep(ms).then(() => true as const), aborted]);
  if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  return slept && !signal.aborted;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function isEdgeBlock(status: number, text: string): boolean {
  return status === 403 && /error(?: code)?[:\s]*1010\b/i.test(text);
}

/** Only the media type: the rest of a vendor's header is not ours to print. */
function contentType(headers: HeaderReader): string {
  return /^[\w.+-]+\/[\w.+-]+/.exec(headers.get('content-type') ?? '')?.[0] ?? 'no content type';
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly deep: boolean };

/**
 * Up to this many characters, text is parsed before its depth is checked: V8's parser is not recursive,
 * and what it holds for even the deepest text this long is a few MB. Longer text is scanned first,
 * so a hostile body of millions of `[` never reaches the parser (16 MiB of them took 650 MB to refuse).
 */
const PARSE_FIRST_MAX_CHARS = 256 * 1024;

function parseJson(text: string): JsonParse {
  if (text.length > PARSE_FIRST_MAX_CHARS) {
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { ok: false, deep: true };
    return parseOrFail(text);
  }
  // Checking the parsed value's depth costs a twentieth of scanning the text; the outcome is the same.
  const parsed = parseOrFail(text);
  if (parsed.ok) return valueDeeperThan(parsed.value, MAX_JSON_DEPTH) ? { ok: false, deep: true } : parsed;
  return { ok: false, deep: nestsDeeperThan(text, MAX_JSON_DEPTH) };
}

function parseOrFail(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, deep: false };
  }
}

/** Whether a parsed value nests arrays and objects more than `limit` deep (what the text's brackets say). */
function valueDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (valueDeeperThan(value[i], limit - 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (valueDeeperThan(record[key], limit - 1)) return true;
  return false;
}

/** Whether JSON text opens more than `limit` arrays and objects inside one another (strings skipped). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // To the closing quote: the next one not escaped by an odd run of backslashes.
      for (;;) {
        const quote = text.indexOf('"', i + 1);
        if (quote < 0) return false;
        i = quote;
        let slashes = 0;
        while (text.charCodeAt(quote - 1 - slashes) === 92) slashes += 1;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 123 || c === 91) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 125 || c === 93) depth -= 1;
  }
  return false;
}

/** `fetch failed` says nothing: the useful part (ECONNREFUSED, ENOTFOUND …) is in the cause. */
function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return vendorText(parts.length > 0 ? parts.join(': ') : String(error), []);
}
