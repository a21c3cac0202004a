// One GET and its body, as the HTTP client's attempts need it: node:http(s) with keep-alive by default,
// or an injected `fetch` (tests, the CLI's I/O). Node's own client costs about a third of fetch's CPU per
// request (no web streams, Request, Headers or AbortSignal.any per request), and the check sends
// thousands of them. Both answer alike: same headers sent, bodies decoded as fetch decodes them
// (gzip, deflate, br), counted against the cap as they arrive, and the same outcomes.
import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw, type ZlibOptions } from 'node:zlib';
import { http, https } from '../node-builtins.js';
import { BodyCollector, declaredTooLarge, readBody, type BodyRead, type HeaderReader } from './body.js';

/** One GET as an attempt sends it. */
export interface TransportRequest {
  readonly url: string;
  /** Header names as the adapters spell them; sent lower-cased, later ones winning. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per attempt, covering the body too. */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** The account's deadline. */
  readonly signal?: AbortSignal;
}

/** What one attempt came to. */
export type TransportResult =
  | { readonly kind: 'response'; readonly status: number; readonly headers: HeaderReader; readonly body: BodyRead }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'deadline' }
  | { readonly kind: 'network'; readonly error: unknown };

/** Sends one GET; never rejects. */
export type Transport = (request: TransportRequest) => Promise<TransportResult>;

const TIMEOUT: TransportResult = { kind: 'timeout' };
const DEADLINE: TransportResult = { kind: 'deadline' };
/** Statuses whose body fetch never reads (and so never decodes). */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
/** More codings than this is no real server: fetch refuses the answer. */
const MAX_CONTENT_ENCODINGS = 5;

/** The transport over an injected `fetch`, redirects never followed (a key header must not travel). */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (request) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    const signal = request.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, request.signal]);
    try {
      const response = await fetchImpl(request.url, { method: 'GET', headers: request.headers, signal, redirect: 'manual' });
      const ok = response.status >= 200 && response.status < 300;
      const body = await readBody(response, request.maxBodyBytes, !ok);
      return { kind: 'response', status: response.status, headers: response.headers, body };
    } catch (error) {
      if (request.signal?.aborted) return DEADLINE;
      if (timedOut) return TIMEOUT;
      return { kind: 'network', error };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The transport over node:http and node:https, each with one keep-alive connection pool. */
export function nodeTransport(): Transport {
  const plain = new http.Agent({ keepAlive: true });
  const secure = new https.Agent({ keepAlive: true });
  const targets = new Map<string, RequestOptions>();
  // What http.request makes of a URL string, made once per URL: the accounts of a vendor ask for the same
  // few URLs (their keys travel in headers), and parsing each again cost more than the rest of the request's setup.
  const targetOf = (url: string): RequestOptions => {
    let target = targets.get(url);
    if (target === undefined) {
      target = urlToHttpOptions(new URL(url));
      if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
      targets.set(url, target);
    }
    return target;
  };
  return (request) => nodeGet(request, isHttps(request.url) ? secure : plain, targetOf);
}

/** Distinct URLs whose parsed form is kept; the cache is emptied when it fills. */
const MAX_CACHED_TARGETS = 256;

function isHttps(url: string): boolean {
  return /^https:/i.test(url);
}

/** fetch's default Accept-Encoding, which vendors may answer compressed (decoded below). */
function acceptEncoding(url: string): string {
  return isHttps(url) ? 'br, gzip, deflate' : 'gzip, deflate';
}

function lowerCased(url: string, headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name]!;
  if (out['accept-encoding'] === undefined) out['accept-encoding'] = acceptEncoding(url);
  return out;
}

function nodeGet(request: TransportRequest, agent: HttpAgent, targetOf: (url: string) => RequestOptions): Promise<TransportResult> {
  return new Promise<TransportResult>((resolve) => {
    const signal = request.signal;
    if (signal?.aborted) return resolve(DEADLINE);
    let outgoing: ReturnType<typeof http.request> | undefined;
    let settled = false;
    let timedOut = false;
    const settle = (result: TransportResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const failed = (error: unknown): void => settle(signal?.aborted ? DEADLINE : timedOut ? TIMEOUT : { kind: 'network', error });
    const onAbort = (): void => {
      settle(DEADLINE);
      outgoing?.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      settle(TIMEOUT);
      outgoing?.destroy();
    }, request.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const send = isHttps(request.url) ? https.request : http.request;
      // As http.request(url, options) merges them, without parsing the URL again.
      const options: RequestOptions = { ...targetOf(request.url), method: 'GET', agent, headers: lowerCased(request.url, request.headers) };
      outgoing = send(options, (response) => readResponse(response, request.maxBodyBytes, settle, failed));
    } catch (error) {
      // An invalid header value or URL is refused before anything is sent.
      return failed(error);
    }
    outgoing.on('error', failed);
    outgoing.end();
  });
}

/** Reads one response within the cap, decoding it as fetch would, and settles the attempt. */
function readResponse(
  response: IncomingMessage,
  maxBytes: number,
  settle: (result: TransportResult) => void,
  failed: (error: unknown) => void,
): void {
  const status = response.statusCode ?? 0;
  const headers = new NodeHeaders(response.headers);
  const truncate = !(status >= 200 && status < 300);
  response.on('error', failed);
  if (!truncate && declaredTooLarge(headers, maxBytes)) {
    settle({ kind: 'response', status, headers, body: { kind: 'too-large', limit: maxBytes } });
    response.destroy();
    return;
  }
  const decoders = NULL_BODY_STATUS.has(status) ? [] : decodersFor(headers.get('content-encoding'));
  if (decoders === 'too-many') {
    failed(new Error(`too many content-encodings in response, maximum allowed is ${MAX_CONTENT_ENCODINGS}`));
    response.destroy();
    return;
  }
  const source =
    decoders.length === 0 ? response : (pipeline([response, ...decoders], (error) => error && failed(error)) as unknown as Readable);
  const collector = new BodyCollector(maxBytes, truncate);
  let ended = false;
  source.on('data', (chunk: Buffer) => {
    if (ended || collector.add(chunk)) return;
    ended = true;
    settle({ kind: 'response', status, headers, body: collector.finish() });
    response.destroy();
  });
  source.on('end', () => {
    ended = true;
    settle({ kind: 'response', status, headers, body: collector.finish() });
  });
  source.on('error', failed);
  source.on('close', () => {
    if (!ended) failed(new Error('the connection closed before the body ended'));
  });
}

/** Decoders for a Content-Encoding, last coding first; none for an unknown coding (fetch passes it through). */
function decodersFor(contentEncoding: string | null): Transform[] | 'too-many' {
  if (contentEncoding === null || contentEncoding === '') return [];
  const codings = contentEncoding.toLowerCase().split(',');
  if (codings.length > MAX_CONTENT_ENCODINGS) return 'too-many';
  // Lenient like fetch (and cURL): a body cut short at a flush point still yields what it holds.
  const zlib: ZlibOptions = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
  const decoders: Transform[] = [];
  for (let i = codings.length - 1; i >= 0; i -= 1) {
    const coding = codings[i]!.trim();
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(createGunzip(zlib));
    else if (coding === 'deflate') decoders.push(new InflateAuto(zlib));
    else if (coding === 'br') {
      decoders.push(createBrotliDecompress({ flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH }));
    } else return [];
  }
  return decoders;
}

/** `deflate` as servers send it: zlib-wrapped, or raw (as fetch tells them apart, by the first byte). */
class InflateAuto extends Transform {
  private inflate: Transform | undefined;

  constructor(private readonly options: ZlibOptions) {
    super();
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inflate === undefined) {
      if (chunk.length === 0) return callback();
      this.inflate = (chunk[0]! & 0x0f) === 8 ? createInflate(this.options) : createInflateRaw(this.options);
      this.inflate.on('data', (data: Buffer) => this.push(data));
      this.inflate.on('end', () => this.push(null));
      this.inflate.on('error', (error) => this.destroy(error));
    }
    this.inflate.write(chunk, encoding, callback);
  }

  override _final(callback: TransformCallback): void {
    // The inner stream's end ends this one; with no body at all there is none, so end here.
    if (this.inflate === undefined) this.push(null);
    else this.inflate.end();
    callback();
  }
}

/** Response headers read the way a fetch `Headers` reads them (repeated values joined). */
class NodeHeaders implements HeaderReader {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
}
