import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { AccountApiSim } from './account-api.js';
import { FaultBook, faultResponse } from './faults.js';
import { JsonApiSim } from './json-apis.js';
import { AnswerMemo } from './memo.js';
import { PictorySim } from './pictory.js';
import { PixelcutSim } from './pixelcut.js';
import { jsonResponse, type SandboxResponse, type VendorSim } from './response.js';
import {
  SANDBOX_VENDORS,
  type FaultRule,
  type RecordedRequest,
  type Sandbox,
  type SandboxAccountSpec,
  type SandboxOptions,
  type SandboxVendor,
} from './types.js';
import { World } from './world.js';

/** Answer bodies the sandbox keeps for repeated requests to an unchanged world (a month of ledger is ~60 KB). */
const MEMO_BYTES = 768 * 1024 * 1024;

/** Headers that may carry a credential on any vendor: never recorded verbatim. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie']);

function flattenHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function redact(headers: Readonly<Record<string, string>>, credentialHeaders: readonly string[]): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    safe[name] = SECRET_HEADERS.has(name) || credentialHeaders.includes(name) ? '<redacted>' : value;
  }
  return safe;
}

function redactQuery(query: URLSearchParams, credentialQuery: readonly string[]): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of query) safe[name] = credentialQuery.includes(name) ? '<redacted>' : value;
  return safe;
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

class RunningSandbox implements Sandbox {
  readonly urls: Readonly<Record<SandboxVendor, string>>;
  private readonly faults = new FaultBook();
  private log: RecordedRequest[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly world: World,
    private readonly servers: readonly Server[],
    urls: Record<SandboxVendor, string>,
    private readonly latencyMs: number,
    private readonly memo: AnswerMemo | undefined,
  ) {
    this.urls = Object.freeze({ ...urls });
  }

  now(): Date {
    return new Date(this.world.now);
  }

  setNow(now: Date): void {
    this.world.setNow(now);
    this.memo?.clear();
  }

  keyOf(accountId: string): string {
    return this.world.get(accountId).key;
  }

  paramsOf(accountId: string): Readonly<Record<string, string>> {
    return this.world.get(accountId).params;
  }

  accounts(): readonly SandboxAccountSpec[] {
    return this.world.all().map((account) => account.spec);
  }

  addAccount(spec: SandboxAccountSpec): void {
    this.world.add(spec);
    this.memo?.clear();
  }

  topUp(accountId: string, amount: number, at?: Date): void {
    this.world.get(accountId).addTopUp(amount, (at ?? this.now()).getTime());
    this.memo?.clear();
  }

  setAutoReload(accountId: string, settings: { enabled: boolean; threshold: number; amount: number }): void {
    this.world.get(accountId).setAutoReload(settings, this.world.now);
    this.memo?.clear();
  }

  inject(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requests(): readonly RecordedRequest[] {
    return [...this.log];
  }

  clearRequests(): void {
    this.log = [];
  }

  balanceOf(accountId: string): number {
    return this.world.get(accountId).balanceAt(this.world.now);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      await Promise.all(
        this.servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              // Keep-alive sockets and hung requests would otherwise hold close() open.
              server.closeAllConnections();
            }),
        ),
      );
    })();
    return this.closing;
  }

  /** Answers one request: faults first, then latency, then the vendor simulation. */
  async serve(sim: VendorSim, req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const headers = flattenHeaders(req.headers);
    const caller = sim.identify(headers, url.searchParams);
    const fault = this.faults.take(sim.vendor, url.pathname, caller.accountId);
    const method = req.method ?? 'GET';
    const record = (status: number): void => {
      this.log.push({
        vendor: sim.vendor,
        ...(caller.accountId === undefined ? {} : { accountId: caller.accountId }),
        method,
        path: url.pathname,
        query: redactQuery(url.searchParams, sim.credentialQuery ?? []),
        status,
        at: this.now(),
        headers: redact(headers, sim.credentialHeaders),
      });
    };
    if (fault?.kind === 'hang') {
      // Never answered: the client's timeout fires, and close() destroys the socket.
      record(0);
      return;
    }
    const delay = this.latencyMs + (fault?.kind === 'latency' ? fault.ms : 0);
    if (delay > 0 && !(await this.sleep(delay))) return;
    const answer = (): SandboxResponse =>
      (fault === undefined ? undefined : faultResponse(fault, sim, caller, headers)) ??
      sim.handle({ method, path: url.pathname, query: url.searchParams, headers, now: this.world.now }, caller);
    // Memoized only without a fault: a fault's answer (or its latency) belongs to this one request.
    const memo = fault === undefined && sim.memoizable ? this.memo : undefined;
    let response: SandboxResponse;
    try {
      response = memo === undefined ? answer() : memo.answer(AnswerMemo.keyOf(method, req.url ?? '/', headers), answer);
    } catch (error) {
      // A throwing spec (e.g. a burn function returning NaN) is a test bug: say so in the answer.
      response = jsonResponse(500, { error: 'sandbox_error', message: error instanceof Error ? error.message : String(error) });
    }
    record(response.status);
    if (res.destroyed) return;
    res.writeHead(response.status, response.headers);
    if (response.endless === undefined) res.end(response.body);
    else this.pump(res, response.body, response.endless);
  }

  /** Writes `first`, then `chunk` for ever: whenever the socket drains, or every `intervalMs`. */
  private pump(res: ServerResponse, first: string | Uint8Array, endless: { chunk: string; intervalMs: number }): void {
    res.write(first);
    const next = (): void => {
      if (res.destroyed || this.closing !== undefined) return;
      if (endless.intervalMs > 0) {
        res.write(endless.chunk);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          next();
        }, endless.intervalMs);
        this.timers.add(timer);
        return;
      }
      while (res.write(endless.chunk)) if (res.destroyed) return;
      res.once('drain', next);
    };
    res.once('close', () => res.removeAllListeners('drain'));
    next();
  }

  /** Resolves true after `ms`, or never when the sandbox closes first. */
  private sleep(ms: number): Promise<boolean> {
    if (this.closing !== undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(this.closing === undefined);
      }, ms);
      this.timers.add(timer);
    });
  }
}

function simOf(vendor: SandboxVendor, world: World, options: SandboxOptions): VendorSim {
  switch (vendor) {
    case 'pictory':
      return new PictorySim(world);
    case 'account-api':
      return new AccountApiSim(world);
    case 'pixelcut':
      return new PixelcutSim(world, { enforceRateLimits: options.enforceRateLimits ?? true, realTime: () => performance.now() });
    default:
      return new JsonApiSim(vendor, world);
  }
}

/** Starts the simulated vendors, each on its own ephemeral port on loopback (so each is its own origin). */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const latencyMs = options.latencyMs ?? 0;
  if (!(Number.isFinite(latencyMs) && latencyMs >= 0)) throw new TypeError('sandbox latencyMs must be a finite number ≥ 0');
  const host = options.host ?? '127.0.0.1';
  const world = new World(options.now);
  for (const spec of options.accounts ?? []) world.add(spec);
  let sandbox: RunningSandbox | undefined;
  const servers = SANDBOX_VENDORS.map((vendor) => {
    const sim = simOf(vendor, world, options);
    return createServer((req, res) => {
      sandbox?.serve(sim, req, res).catch(() => res.destroy());
    });
  });
  const urls = {} as Record<SandboxVendor, string>;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  try {
    for (const [i, vendor] of SANDBOX_VENDORS.entries()) {
      const server = servers[i];
      if (server === undefined) continue;
      urls[vendor] = `http://${hostInUrl}:${await listen(server, host)}`;
    }
  } catch (error) {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    throw error;
  }
  sandbox = new RunningSandbox(world, servers, urls, latencyMs, options.memoize === false ? undefined : new AnswerMemo(MEMO_BYTES));
  return sandbox;
}
