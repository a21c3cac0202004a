// Checks of N benchmark accounts in a fresh process running the code as the Lambda runs it: bundled by
// esbuild as the CDK bundles it (bench/lib/build.ts), plain node, no TypeScript loader (whose module hooks
// and kept function names cost the check about a tenth more CPU). Driven by bench/throughput.ts through
// the environment; prints one JSON line: each run's wall and CPU time, and the process's peak RSS.
//   BENCH_URLS (the sandbox's), BENCH_N, BENCH_RUNS (default 1), BENCH_WARMUP_N (accounts of one unreported
//   run first, for the JIT), BENCH_CONCURRENCY (accounts at once), BENCH_VENDOR_CONCURRENCY (requests in flight per
//   vendor), BENCH_SHARED_STATE=1 (every run after the first finds the state the one before left: a warm table)
import { checkAccounts } from '../../lib/check.js';
import { createHttpClient, type VendorLimits } from '../../lib/providers/http.js';
import { createMemoryStore, createNoopPublisher } from './memory-store.js';
import { BENCH_NOW, benchConfig, benchSpecs, keyResolver, type ProviderName } from './workload.js';

/** One measured run. */
export interface ChildRun {
  readonly wallMs: number;
  /** User + system CPU of the whole process (GC threads included) during the check. */
  readonly cpuMs: number;
  readonly errors: number;
  /** Alerts the run sent (a first run with empty state sends every alert that is due). */
  readonly sent: number;
  /** The largest RSS seen during the run (sampled every 10 ms). */
  readonly peakRssBytes: number;
}

/** What the child prints. */
export interface ChildReport {
  readonly n: number;
  readonly runs: readonly ChildRun[];
  readonly rssBeforeBytes: number;
  /** The process's peak resident set over its whole life (`process.resourceUsage().maxRSS`). */
  readonly peakRssBytes: number;
  readonly heapUsedAfterBytes: number;
}

const env = process.env;
const n = Number(env.BENCH_N ?? 1_000);
const runs = Number(env.BENCH_RUNS ?? 1);
const warmupN = env.BENCH_WARMUP_N === undefined ? undefined : Number(env.BENCH_WARMUP_N);
const concurrency = env.BENCH_CONCURRENCY === undefined ? undefined : Number(env.BENCH_CONCURRENCY);
const vendorConcurrency = env.BENCH_VENDOR_CONCURRENCY === undefined ? undefined : Number(env.BENCH_VENDOR_CONCURRENCY);
const urls = JSON.parse(env.BENCH_URLS ?? '{}');
const sharedStore = env.BENCH_SHARED_STATE === '1' ? createMemoryStore() : undefined;
const limits: Partial<Record<ProviderName, VendorLimits>> =
  vendorConcurrency === undefined
    ? {}
    : { pictory: { concurrency: vendorConcurrency }, 'account-api': { concurrency: vendorConcurrency }, pixelcut: { concurrency: vendorConcurrency } };

async function once(count: number): Promise<ChildRun> {
  const specs = benchSpecs(count);
  const config = benchConfig(specs, urls);
  const deps = {
    http: createHttpClient({ limits }),
    store: sharedStore ?? createMemoryStore(),
    publisher: createNoopPublisher(),
    resolveKey: keyResolver(specs),
    ...(concurrency !== undefined && { concurrency }),
  };
  let peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 10);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await checkAccounts(deps, config, BENCH_NOW);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1_000,
    errors: result.report.accounts.filter((a) => a.status === 'error').length,
    sent: result.sent.length,
    peakRssBytes,
  };
}

const rssBeforeBytes = process.resourceUsage().maxRSS * 1_024;
if (warmupN !== undefined) await once(warmupN);
const measured: ChildRun[] = [];
for (let i = 0; i < runs; i++) measured.push(await once(n));
const report: ChildReport = {
  n,
  runs: measured,
  rssBeforeBytes,
  peakRssBytes: process.resourceUsage().maxRSS * 1_024,
  heapUsedAfterBytes: process.memoryUsage().heapUsed,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
