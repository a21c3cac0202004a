// The limits one HTTP client keeps per vendor: requests in flight at once, and requests started per
// second per credential. A request waiting at a gate gives up when its account's deadline passes.
import type { ProviderName } from '../model.js';

/** Limits shared by every request one client sends to one vendor. */
export interface VendorLimits {
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Requests started per second per `rateKey` (per vendor when there is none); unlimited if absent. */
  readonly perSecond?: number;
}

/**
 * Every vendor's limits unless its adapter (lib/providers/index.ts) says otherwise: the cap is ours, to
 * stay a polite client of one vendor. With 32 in flight a check of 1,000 accounts runs at its CPU's
 * pace against 50 ms vendors, where 8 made it take 3.7 times as long (see the README's Performance).
 */
export const DEFAULT_LIMITS: VendorLimits = Object.freeze({ concurrency: 32 });

const RATE_WINDOW_MS = 1_000;

/** Where a request waits for its turn. */
export interface GateRequest {
  readonly provider: ProviderName;
  readonly rateKey?: string;
  /** The vendor's own limits (its adapter's); the client's options override them. */
  readonly limits?: VendorLimits;
  readonly signal?: AbortSignal;
}

/** The semaphores and rate windows of one client. */
export class VendorGates {
  private readonly semaphores = new Map<ProviderName, Semaphore>();
  private readonly rateWindows = new Map<string, RateWindow>();

  constructor(
    private readonly overrides: Partial<Record<ProviderName, VendorLimits>> | undefined,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Waits for a rate slot and a concurrency slot; the release function frees both. Undefined if aborted first. */
  async enter(request: GateRequest): Promise<(() => void) | undefined> {
    const limits = { ...DEFAULT_LIMITS, ...request.limits, ...this.overrides?.[request.provider] };
    const window = this.rateWindowOf(request, limits);
    const releaseRate = window === undefined ? undefined : await untilAborted(window.acquire(), request.signal, (release) => release());
    if (window !== undefined && releaseRate === undefined) return undefined;
    const semaphore = this.semaphoreOf(request.provider, limits);
    // A free slot (the usual case) is taken at once: nothing to wait for, so no abort listener either.
    if (!semaphore.tryAcquire()) {
      const turn = await untilAborted(semaphore.acquire().then(() => true), request.signal, () => semaphore.release());
      if (turn === undefined) {
        releaseRate?.();
        return undefined;
      }
    }
    return () => {
      semaphore.release();
      releaseRate?.();
    };
  }

  private semaphoreOf(provider: ProviderName, limits: VendorLimits): Semaphore {
    let semaphore = this.semaphores.get(provider);
    if (semaphore === undefined) {
      semaphore = new Semaphore(Math.max(1, limits.concurrency ?? Infinity));
      this.semaphores.set(provider, semaphore);
    }
    return semaphore;
  }

  private rateWindowOf(request: GateRequest, limits: VendorLimits): RateWindow | undefined {
    const perSecond = limits.perSecond;
    if (perSecond === undefined || !(perSecond > 0) || perSecond === Infinity) return undefined;
    const key = `${request.provider}\u0000${request.rateKey ?? ''}`;
    let window = this.rateWindows.get(key);
    if (window === undefined) {
      window = new RateWindow(Math.max(1, Math.floor(perSecond)), this.now, this.sleep);
      this.rateWindows.set(key, window);
    }
    return window;
  }
}

/**
 * What `turn` resolves to, or undefined when `signal` aborts first; a turn that comes after the abort
 * is released at once, so no slot is ever lost.
 */
async function untilAborted<T>(turn: Promise<T>, signal: AbortSignal | undefined, release: (taken: T) => void): Promise<T | undefined> {
  if (signal === undefined) return turn;
  if (signal.aborted) {
    void turn.then(release);
    return undefined;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const won = await Promise.race([turn, aborted]);
  if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  if (won === undefined) void turn.then(release);
  return won;
}

/** Counting semaphore with FIFO hand-off. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  /** Takes a slot if one is free (then nobody is waiting either). */
  tryAcquire(): boolean {
    if (this.active >= this.capacity) return false;
    this.active += 1;
    return true;
  }

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
