// Checks of N benchmark accounts in a fresh process running the code as the Lambda runs it: bundled by
// esbuild as the CDK bundles it (bench/lib/build.ts), plain node, no TypeScript loader (whose module hooks
// and kept function names cost the check about a tenth more CPU). Driven by bench/throughput.ts through
// the environment; prints one JSON line: each run's wall and CPU time, and the process's peak RSS.
//   BENCH_URLS (the sandbox's), BENCH_N, BENCH_RUNS (default 1), BENCH_WARMUP_N (accounts of one unreported
//   run first, for the JIT), BENCH_CONCURRENCY (accounts at once), BENCH_VENDOR_CONCURRENCY (requests in flight per
//   vendor), BENCH_SHARED_STATE=1 (every run after the first finds the state the one before left: a warm table)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseBundledBudgets } from '../../lib/bundled-budgets.js';
import { checkAccounts } from '../../lib/check.js';
import type { BudgetsConfig } from '../../lib/config-schema.js';
import { createHttpClient, type VendorLimits } from '../../lib/providers/http.js';
import { createMemoryStore, createNoopPublisher } from './memory-store.js';
import { BENCH_NOW, benchConfig, benchSpecs, keyResolver, type ProviderName } from './workload.js';

/** One measured run. */
export interface ChildRun {
  readonly wallMs: number;
  /** User + system CPU of the whole process (GC threads included) during the check. */
  readonly cpuMs: number;
  /** CPU of the main thread alone (JavaScript, and the GC work done on it); absent where Linux's schedstat is not. */
  readonly mainThreadCpuMs?: number;
  readonly errors: number;
  /** Alerts the run sent (a first run with empty state sends every alert that is due). */
  readonly sent: number;
  /** The run's peak RSS: the kernel's high-water mark, reset as the run starts (see `peakMeter`). */
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

/**
 * The budgets of `count` accounts, read once per size as the Lambda reads its budgets once per container (at
 * cold start), not once per invocation: a run before built 10,000 accounts' config first, and collecting that
 * garbage was charged to the check. Read as the Lambda reads them, too: validated, written as JSON (as `cdk
 * synth` writes `budgets.json`) and parsed back, so the check holds the same flat strings and plain objects;
 * built in place, each account's id and variable name were string concatenations (trees of V8 cons strings),
 * which the check then kept in every record it made.
 */
const workloads = new Map<number, { config: BudgetsConfig; resolveKey: (account: { id: string }) => Promise<string> }>();
function workloadOf(count: number) {
  let workload = workloads.get(count);
  if (workload === undefined) {
    const specs = benchSpecs(count);
    workload = { config: parseBundledBudgets(JSON.stringify(benchConfig(specs, urls)), 'budgets.json'), resolveKey: keyResolver(specs) };
    workloads.set(count, workload);
  }
  return workload;
}

/** Made once per process, as the Lambda makes its HTTP client and publisher once per container (functions/check-handler.ts). */
const http = createHttpClient({ limits });
const publisher = createNoopPublisher();

async function once(count: number): Promise<ChildRun> {
  const { config, resolveKey } = workloadOf(count);
  const deps = {
    http,
    store: sharedStore ?? createMemoryStore(),
    publisher,
    resolveKey,
    ...(concurrency !== undefined && { concurrency }),
  };
  const peak = peakMeter();
  const cpu = process.cpuUsage();
  const mainBefore = mainThreadCpuNs();
  const start = performance.now();
  const result = await checkAccounts(deps, config, BENCH_NOW);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const mainAfter = mainThreadCpuNs();
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1_000,
    ...(mainBefore !== undefined && mainAfter !== undefined && { mainThreadCpuMs: (mainAfter - mainBefore) / 1e6 }),
    errors: result.report.accounts.filter((a) => a.status === 'error').length,
    sent: result.sent.length,
    peakRssBytes: peak(),
  };
}

/**
 * The main thread's time on a CPU so far, in ns (Linux: the first field of its schedstat). The process's CPU
 * also counts V8's GC helper threads, which run in parallel when a CPU is free: their share depends on what
 * else the machine runs (here, the sandbox), so the two are reported apart.
 */
function mainThreadCpuNs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/**
 * Measures the peak RSS from now on: on Linux the kernel's own high-water mark (VmHWM), reset to the
 * current RSS first (`5` to /proc/self/clear_refs), so every page counts and nothing is polled. Polling
 * `process.memoryUsage.rss()` every 10 ms, as before, cost the measured process a few percent of its
 * main thread (it reads /proc/self/stat, which waits on the memory map the GC threads are changing) and
 * could miss a short peak. Elsewhere it still polls.
 */
function peakMeter(): () => number {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    const highWater = (): number => Number(/^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]) * 1_024;
    if (Number.isFinite(highWater())) return highWater;
  } catch {
    // Not Linux, or not allowed: poll.
  }
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  return () => {
    clearInterval(sampler);
    return Math.max(peak, process.memoryUsage.rss());
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
