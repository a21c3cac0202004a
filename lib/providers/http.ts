import { ProviderAuthError, ProviderRequestError, ProviderResponseError } from '../errors.js';
import type { ProviderName } from '../model.js';
import { redact } from '../redact.js';

/** Limits shared by every request one client sends to one vendor. */
export interface VendorLimits {
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Requests started per second per `rateKey` (per vendor when there is none); unlimited if absent. */
  readonly perSecond?: number;
}

export interface HttpClientOptions {
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
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface HttpClient {
  /** GETs a JSON document with timeouts, retries, rate limits and redacted errors. */
  getJson(request: JsonRequest): Promise<JsonResponse>;
}

export const DEFAULT_USER_AGENT = 'budget-alerts/0.1 (prepaid API-credit budget monitor)';

/**
 * Pixelcut allows about 5 requests per second per account (key); the others publish no limit. The
 * concurrency caps are ours, to stay a polite client of one vendor: with 32 in flight a check of 1,000
 * accounts runs at its CPU's pace against 50 ms vendors, where 8 made it take 3.7 times as long (see
 * the README's Performance section).
 */
export const DEFAULT_VENDOR_LIMITS: Readonly<Record<ProviderName, VendorLimits>> = Object.freeze({
  pictory: Object.freeze({ concurrency: 32 }),
  'account-api': Object.freeze({ concurrency: 32 }),
  pixelcut: Object.freeze({ concurrency: 32, perSecond: 5 }),
});

const MAX_BODY_EXCERPT = 200;
const RATE_WINDOW_MS = 1_000;


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

/** Joins a base URL (trailing slashes tolerated) with a path and query. */
export function buildUrl(baseUrl: string, path: string, query?: Readonly<Record<string, string | number>>): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, String(value));
  return url.toString();
}

/** The path of a URL without its query, which may hold secrets. */
export function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

/** Creates a client whose limits are shared by every request sent through it. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const wallClock = options.wallClock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;

  const semaphores = new Map<ProviderName, Semaphore>();
  const rateWindows = new Map<string, RateWindow>();
  const limitsOf = (provider: ProviderName): VendorLimits => ({
    ...DEFAULT_VENDOR_LIMITS[provider],
    ...options.limits?.[provider],
  });
  const semaphoreOf = (provider: ProviderName): Semaphore => {
    let semaphore = semaphores.get(provider);
    if (semaphore === undefined) {
      semaphore = new Semaphore(Math.max(1, limitsOf(provider).concurrency ?? Infinity));
      semaphores.set(provider, semaphore);
    }
    return semaphore;
  };
  const rateWindowOf = (provider: ProviderName, rateKey: string | undefined): RateWindow | undefined => {
    const perSecond = limitsOf(provider).perSecond;
    if (perSecond === undefined || !(perSecond > 0)) return undefined;
    const key = `${provider}\u0000${rateKey ?? ''}`;
    let window = rateWindows.get(key);
    if (window === undefined) {
      window = new RateWindow(Math.max(1, Math.floor(perSecond)), now, sleep);
      rateWindows.set(key, window);
    }
    return window;
  };

  /** One attempt, inside the vendor's limits. */
  async function attempt(request: JsonRequest): Promise<AttemptResult> {
    const releaseRate = await rateWindowOf(request.provider, request.rateKey)?.acquire();
    const semaphore = semaphoreOf(request.provider);
    await semaphore.acquire();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await fetchFn(request.url, {
        method: 'GET',
        headers: { 'User-Agent': userAgent, Accept: 'application/json', ...request.headers },
        signal: controller.signal,
        // Following a redirect could carry a key header (X-API-KEY survives cross-origin hops) elsewhere.
        redirect: 'manual',
      });
      const text = await response.text();
      return { kind: 'response', status: response.status, headers: response.headers, text };
    } catch (error) {
      if (timedOut) return { kind: 'timeout' };
      return { kind: 'network', detail: describeNetworkError(error) };
    } finally {
      clearTimeout(timer);
      semaphore.release();
      releaseRate?.();
    }
  }

  return {
    async getJson(request) {
      const where = `${request.provider} GET ${urlPath(request.url)}`;
      const fail = (message: string): string => redact(`${where}: ${message}`, request.secrets);
      const attempts = retries + 1;
      let last: AttemptResult | undefined;
      for (let n = 1; n <= attempts; n += 1) {
        const result = await attempt(request);
        last = result;
        if (result.kind === 'response') {
          const body = parseJson(result.text);
          const status = result.status;
          if (request.acceptStatus?.(status, body.ok ? body.value : undefined) === true) {
            return { status, body: body.ok ? body.value : undefined, headers: result.headers };
          }
          if (status >= 200 && status < 300) {
            if (body.ok) return { status, body: body.value, headers: result.headers };
            const contentType = result.headers.get('content-type') ?? 'no content type';
            throw new ProviderResponseError(
              fail(`HTTP ${status} body is not JSON (${contentType}): ${excerpt(result.text, request.secrets)}`),
              '',
              { cause: new Error(redact(body.error, request.secrets)) },
            );
          }
          if (!isRetryableStatus(status)) {
            const vendorSays = describeErrorBody(body.ok ? body.value : undefined, result.text, request.secrets);
            if (isEdgeBlock(status, result.text)) {
              // Not the key's fault: the vendor's edge refused this client (Cloudflare 1010).
              throw new ProviderRequestError(
                fail(`HTTP ${status} blocked by the vendor's edge (User-Agent or client rejected): ${vendorSays}`),
                { code: 'request', status, attempts: n },
              );
            }
            if (status >= 300 && status < 400) {
              throw new ProviderRequestError(
                fail(`HTTP ${status} redirect to ${redirectTarget(result.headers, request.url)} not followed; check the base URL`),
                { code: 'request', status, attempts: n },
              );
            }
            if (status === 401 || status === 403) {
              throw new ProviderAuthError(fail(`HTTP ${status} credentials rejected: ${vendorSays}`), status);
            }
            throw new ProviderRequestError(fail(`HTTP ${status} request refused: ${vendorSays}`), {
              code: 'request',
              status,
              attempts: n,
            });
          }
        }
        if (n === attempts) break;
        const retryAfter =
          result.kind === 'response' ? parseRetryAfter(result.headers.get('retry-after'), wallClock()) : undefined;
        const delay =
          retryAfter !== undefined
            ? Math.min(retryAfter, maxRetryAfterMs)
            : backoffDelayMs(n - 1, { baseDelayMs, maxDelayMs, random });
        await sleep(delay);
      }
      throw finalError(last, attempts, fail, request.secrets, timeoutMs);
    },
  };
}

type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly text: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly detail: string };

function finalError(
  last: AttemptResult | undefined,
  attempts: number,
  fail: (message: string) => string,
  secrets: readonly string[],
  timeoutMs: number,
): ProviderRequestError {
  const tries = `(after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
  if (last === undefined || last.kind === 'timeout') {
    return new ProviderRequestError(fail(`no response within ${timeoutMs} ms ${tries}`), {
      code: 'timeout',
      attempts,
    });
  }
  if (last.kind === 'network') {
    return new ProviderRequestError(fail(`network error: ${last.detail} ${tries}`), { code: 'network', attempts });
  }
  const parsed = parseJson(last.text);
  const vendorSays = describeErrorBody(parsed.ok ? parsed.value : undefined, last.text, secrets);
  const code = last.status === 429 ? 'rate-limited' : 'server';
  const what = code === 'rate-limited' ? 'rate limited' : 'server error';
  return new ProviderRequestError(fail(`HTTP ${last.status} ${what}: ${vendorSays} ${tries}`), {
    code,
    status: last.status,
    attempts,
  });
}

/** Origin and path of a redirect, without its query. */
function redirectTarget(headers: Headers, from: string): string {
  const location = headers.get('location');
  if (location === null) return '(no location)';
  try {
    const url = new URL(location, from);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(invalid location)';
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function isEdgeBlock(status: number, text: string): boolean {
  return status === 403 && /error(?: code)?[:\s]*1010\b/i.test(text);
}

type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The vendor's own words about a failure: its code and message fields, else the start of the body. */
function describeErrorBody(body: unknown, text: string, secrets: readonly string[]): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const parts = ['error_code', 'code', 'error', 'message', 'detail', 'title']
      .map((name) => record[name])
      .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
      .map(String);
    const unique = [...new Set(parts)];
    if (unique.length > 0) return excerpt(unique.join(': '), secrets);
  }
  return excerpt(text, secrets);
}

/** Redacts first, so a secret is never cut in two and left half visible; an HTML page loses its tags. */
function excerpt(text: string, secrets: readonly string[]): string {
  const redacted = redact(text, secrets);
  const readable = /^\s*</.test(redacted) ? redacted.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ') : redacted;
  const clean = readable.replace(/\s+/g, ' ').trim();
  if (clean === '') return '(empty body)';
  return clean.length > MAX_BODY_EXCERPT ? `${clean.slice(0, MAX_BODY_EXCERPT)}…` : clean;
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
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/** Counting semaphore with FIFO hand-off. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.capacity) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next !== undefined) next();
    else this.active -= 1;
  }
}

/**
 * At most `limit` requests per sliding second. A slot counts from when it is taken until one second
 * after its response ends: the server sees the request somewhere in between, so this can never
 * exceed the vendor's window whatever the latency.
 */
class RateWindow {
  private slots: Array<{ end?: number }> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly released: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Waits for a slot; call the returned function when the response has ended. */
  acquire(): Promise<() => void> {
    // One taker at a time keeps the order fair and the bookkeeping simple.
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<() => void> {
    for (;;) {
      const t = this.now();
      this.slots = this.slots.filter((slot) => slot.end === undefined || slot.end > t - RATE_WINDOW_MS);
      if (this.slots.length < this.limit) {
        const slot: { end?: number } = {};
        this.slots.push(slot);
        return () => {
          slot.end = this.now();
          for (const wake of this.released.splice(0)) wake();
        };
      }
      const ends = this.slots.flatMap((slot) => (slot.end === undefined ? [] : [slot.end]));
      if (ends.length > 0) await this.sleep(Math.max(1, Math.min(...ends) + RATE_WINDOW_MS - t));
      else await new Promise<void>((resolve) => this.released.push(resolve));
    }
  }
}
