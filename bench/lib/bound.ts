import type { AccountNeeds, ProviderName } from './workload.js';

/** The limits a check runs under. */
export interface CheckLimits {
  /** Accounts checked at once (CheckDeps.concurrency). */
  readonly accountConcurrency: number;
  /** Requests in flight per vendor (the HTTP client's per-vendor semaphore); Infinity for none. */
  readonly vendorConcurrency: Readonly<Record<ProviderName, number>>;
  /** Requests started per second per rate key (Pixelcut's per-key limit); Infinity for none. */
  readonly perSecondPerKey: Readonly<Record<ProviderName, number>>;
}

/** The terms of the lower bound; `boundMs` is the largest, `binding` names it. */
export interface ThroughputBound {
  readonly criticalPathMs: number;
  readonly vendorMs: Readonly<Record<ProviderName, number>>;
  readonly accountSlotsMs: number;
  readonly rateLimitMs: number;
  readonly boundMs: number;
  readonly binding: string;
  /** One account after another: the sum of the accounts' critical paths. */
  readonly sequentialBoundMs: number;
  readonly requests: Readonly<Record<ProviderName, number>>;
}

/**
 * A lower bound on the wall time of one check, with latency L per request:
 *
 *   T ≥ max( L·max_a d_a,                 critical path: the longest chain of dependent requests
 *            max_v ⌈R_v / c_v⌉·L,         each vendor: R_v requests, at most c_v in flight
 *            L·Σ_a d_a / C,               account slots: C accounts at once, each busy ≥ L·d_a
 *            max_k (⌈r_k / p⌉ − 1)·1 s + L )   per-key rate limit: r_k requests at p per second
 *
 * Every term is a bound on its own, so their maximum is too. CPU time is not in it: what the bound
 * leaves over is our overhead (parsing, evaluating, scheduling, HTTP).
 */
export function throughputBound(accounts: readonly AccountNeeds[], latencyMs: number, limits: CheckLimits): ThroughputBound {
  const requests: Record<ProviderName, number> = { pictory: 0, 'account-api': 0, pixelcut: 0 };
  const perKey = new Map<string, { provider: ProviderName; count: number }>();
  let maxDepth = 0;
  let depthSum = 0;
  for (const a of accounts) {
    requests[a.provider] += a.requests;
    maxDepth = Math.max(maxDepth, a.depth);
    depthSum += a.depth;
    if (a.rateKey !== undefined) {
      const entry = perKey.get(a.rateKey) ?? { provider: a.provider, count: 0 };
      entry.count += a.requests;
      perKey.set(a.rateKey, entry);
    }
  }
  const vendorMs = Object.fromEntries(
    (Object.keys(requests) as ProviderName[]).map((v) => {
      const c = limits.vendorConcurrency[v];
      return [v, requests[v] === 0 ? 0 : Number.isFinite(c) ? Math.ceil(requests[v] / c) * latencyMs : latencyMs];
    }),
  ) as Record<ProviderName, number>;
  let rateLimitMs = 0;
  for (const { provider, count } of perKey.values()) {
    const p = limits.perSecondPerKey[provider];
    if (Number.isFinite(p) && p > 0) rateLimitMs = Math.max(rateLimitMs, (Math.ceil(count / p) - 1) * 1_000 + latencyMs);
  }
  const criticalPathMs = maxDepth * latencyMs;
  const accountSlotsMs = (depthSum * latencyMs) / Math.max(1, limits.accountConcurrency);
  const terms: [string, number][] = [
    ['critical path', criticalPathMs],
    ...(Object.entries(vendorMs) as [string, number][]).map(([v, ms]): [string, number] => [`${v} concurrency`, ms]),
    ['account slots', accountSlotsMs],
    ['rate limit', rateLimitMs],
  ];
  const [binding, boundMs] = terms.reduce((best, term) => (term[1] > best[1] ? term : best));
  return { criticalPathMs, vendorMs, accountSlotsMs, rateLimitMs, boundMs, binding, sequentialBoundMs: depthSum * latencyMs, requests };
}
