// Check throughput against the sandbox with 50 ms per request and Pixelcut's 5 requests/s per key.
// Run alone: npx tsx bench/throughput.ts [--sizes 10,100,1000 | --sizes none] [--quick] [--sweep]
import { checkAccounts, DEFAULT_CHECK_CONCURRENCY } from '../lib/check.js';
import { createHttpClient, type VendorLimits } from '../lib/providers/http.js';
import { DEFAULT_VENDOR_LIMITS } from '../lib/providers/index.js';
import type { ProviderName } from './lib/workload.js';
import { throughputBound, type CheckLimits, type ThroughputBound } from './lib/bound.js';
import { flag, isMain, runMain } from './lib/main.js';
import { createMemoryStore, createNoopPublisher } from './lib/memory-store.js';
import { startRemoteSandbox, type RemoteSandbox } from './lib/sandbox-process.js';
import { formatMs, formatRatio, median, printTable, verdict } from './lib/stats.js';
import { accountNeeds, BENCH_NOW, benchConfig, benchSpecs, keyResolver, type SpecJson } from './lib/workload.js';

export const LATENCY_MS = 50;
/** Debits in the window Nov 1 00:00Z → BENCH_NOW at one per 84 minutes: 3 pages. */
const LEDGER_ENTRIES = Math.floor((BENCH_NOW.getTime() - Date.UTC(2026, 10, 1)) / (84 * 60_000));
const PROVIDERS: readonly ProviderName[] = ['pictory', 'account-api', 'pixelcut'];

/** A configuration of the check's limits; undefined fields keep the defaults. */
export interface LimitsOverride {
  readonly label: string;
  readonly accountConcurrency?: number;
  readonly vendorConcurrency?: number;
}

export interface ThroughputRow {
  readonly n: number;
  readonly label: string;
  readonly bound: ThroughputBound;
  readonly wallMs: readonly number[];
  readonly cpuMs: readonly number[];
  readonly sequentialMs: readonly number[];
  readonly sequentialEstimated: boolean;
  readonly errors: number;
  readonly retried: number;
}

/** The limits a run uses: the defaults of lib/check.ts and lib/providers/http.ts, or an override. */
export function limitsFor(override?: LimitsOverride): CheckLimits & { http: Partial<Record<ProviderName, VendorLimits>> } {
  const vendorConcurrency = {} as Record<ProviderName, number>;
  const perSecondPerKey = {} as Record<ProviderName, number>;
  const http: Partial<Record<ProviderName, VendorLimits>> = {};
  for (const p of PROVIDERS) {
    const c = override?.vendorConcurrency ?? DEFAULT_VENDOR_LIMITS[p].concurrency ?? Infinity;
    vendorConcurrency[p] = c;
    perSecondPerKey[p] = DEFAULT_VENDOR_LIMITS[p].perSecond ?? Infinity;
    if (override?.vendorConcurrency !== undefined) http[p] = { concurrency: override.vendorConcurrency };
  }
  return { accountConcurrency: override?.accountConcurrency ?? DEFAULT_CHECK_CONCURRENCY, vendorConcurrency, perSecondPerKey, http };
}

/** One check of `specs` against the sandbox; wall and CPU milliseconds, and what the sandbox saw. */
async function timedCheck(
  sandbox: RemoteSandbox,
  specs: readonly SpecJson[],
  concurrency: number | undefined,
  httpLimits: Partial<Record<ProviderName, VendorLimits>>,
): Promise<{ wallMs: number; cpuMs: number; errors: number; requests: number; retried: number }> {
  const config = benchConfig(specs, sandbox.urls);
  const deps = {
    http: createHttpClient({ limits: httpLimits }),
    store: createMemoryStore(),
    publisher: createNoopPublisher(),
    resolveKey: keyResolver(specs),
    ...(concurrency !== undefined && { concurrency }),
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await checkAccounts(deps, config, BENCH_NOW);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const summary = await sandbox.takeSummary();
  const ok = summary.byStatus['200'] ?? 0;
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1_000,
    errors: result.report.accounts.filter((a) => a.status === 'error').length,
    requests: summary.total,
    retried: summary.total - ok,
  };
}

/** Measures each size: `repeats` concurrent runs with the given limits, and the sequential baseline beside them. */
export async function measureThroughput(options: {
  sizes: readonly number[];
  configs: readonly (LimitsOverride | undefined)[];
  repeats: (n: number) => number;
  sequential: 'full' | 'quick' | 'none';
  log?: (line: string) => void;
}): Promise<ThroughputRow[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const maxN = Math.max(...options.sizes);
  const specs = benchSpecs(maxN);
  const sandbox = await startRemoteSandbox({ now: BENCH_NOW, latencyMs: LATENCY_MS, enforceRateLimits: true, accounts: specs });
  const rows: ThroughputRow[] = [];
  try {
    // Warm-up: the sandbox simulates each account's month on first use, and the JIT warms up.
    const warm = await timedCheck(sandbox, specs, 64, { pictory: { concurrency: 64 }, 'account-api': { concurrency: 64 }, pixelcut: { concurrency: 64 } });
    const expected = specs.reduce((sum, s) => sum + accountNeeds(s, LEDGER_ENTRIES, 1).requests, 0);
    log(`warm-up: ${maxN} accounts, ${warm.requests} requests (expected ${expected}), ${warm.errors} errors, ${formatMs(warm.wallMs)}`);
    if (warm.requests !== expected || warm.errors > 0) throw new Error('the workload does not make the requests the bound assumes');

    const sequentialOf = new Map<number, { ms: number[]; estimated: boolean }>();
    for (const n of options.sizes) {
      const subset = specs.slice(0, n);
      const needs = subset.map((s) => accountNeeds(s, LEDGER_ENTRIES, 1));
      for (const override of options.configs) {
        const limits = limitsFor(override);
        const bound = throughputBound(needs, LATENCY_MS, limits);
        const wallMs: number[] = [];
        const cpuMs: number[] = [];
        let errors = 0;
        let retried = 0;
        for (let r = 0; r < options.repeats(n); r++) {
          const run = await timedCheck(sandbox, subset, limits.accountConcurrency, limits.http);
          wallMs.push(run.wallMs);
          cpuMs.push(run.cpuMs);
          errors += run.errors;
          retried += run.retried;
          log(`  N=${n} ${override?.label ?? 'defaults'} run ${r + 1}: ${formatMs(run.wallMs)} (CPU ${formatMs(run.cpuMs)})`);
        }
        // The sequential baseline (one account after another) does not depend on the limits: measure it once per size.
        let sequential = sequentialOf.get(n);
        if (sequential === undefined && options.sequential !== 'none') {
          const sampleN = options.sequential === 'quick' ? Math.min(n, 100) : n;
          const runs = n <= 10 ? 3 : 1;
          const ms: number[] = [];
          for (let r = 0; r < runs; r++) {
            const run = await timedCheck(sandbox, specs.slice(0, sampleN), 1, {});
            ms.push((run.wallMs * n) / sampleN);
            log(`  N=${n} sequential${sampleN < n ? ` (${sampleN} accounts, scaled)` : ''}: ${formatMs(run.wallMs)}`);
          }
          sequential = { ms, estimated: sampleN < n };
          sequentialOf.set(n, sequential);
        }
        rows.push({
          n,
          label: override?.label ?? 'defaults',
          bound,
          wallMs,
          cpuMs,
          sequentialMs: sequential?.ms ?? [],
          sequentialEstimated: sequential?.estimated ?? false,
          errors,
          retried,
        });
      }
    }
  } finally {
    await sandbox.close();
  }
  return rows;
}

/** Prints the throughput table. */
export function printThroughput(rows: readonly ThroughputRow[], title: string): void {
  printTable(
    title,
    ['N', 'limits', 'requests', 'lower bound', 'binding term', 'wall (median)', 'wall/bound', 'CPU', 'sequential', 'speedup', 'target'],
    rows.map((row) => {
      const wall = median(row.wallMs);
      const seq = median(row.sequentialMs);
      const ratio = wall / row.bound.boundMs;
      const speedup = seq / wall;
      const requests = Object.values(row.bound.requests).reduce((a, b) => a + b, 0);
      const atTarget = row.n >= 1_000;
      return [
        String(row.n),
        row.label,
        String(requests),
        formatMs(row.bound.boundMs),
        row.bound.binding,
        `${formatMs(wall)} (${row.wallMs.length}×)`,
        formatRatio(ratio),
        formatMs(median(row.cpuMs)),
        row.sequentialMs.length === 0 ? '—' : `${row.sequentialEstimated ? '~' : ''}${formatMs(seq)}`,
        row.sequentialMs.length === 0 ? '—' : formatRatio(speedup),
        atTarget ? `≤1.3×: ${verdict(ratio <= 1.3)}; ≥20×: ${row.sequentialMs.length === 0 ? '—' : verdict(speedup >= 20)}` : '',
      ];
    }),
  );
  const extra = rows.filter((r) => r.errors > 0 || r.retried > 0);
  for (const r of extra) console.log(`  note: N=${r.n} ${r.label}: ${r.errors} failed account checks, ${r.retried} non-200 answers over all runs`);
}

/** The throughput part of `npm run bench`. */
export async function runThroughput(argv: { quick?: boolean; sweep?: boolean; sizes?: readonly number[] } = {}): Promise<ThroughputRow[]> {
  const sizes = argv.sizes ?? [10, 100, 1_000];
  const rows =
    sizes.length === 0
      ? []
      : await measureThroughput({
          sizes,
          configs: [undefined],
          repeats: () => 5,
          sequential: argv.quick ? 'quick' : 'full',
        });
  if (rows.length > 0) {
    printThroughput(rows, `Check throughput: sandbox latency ${LATENCY_MS} ms/request, Pixelcut 5 req/s per key, in-memory state, no-op publisher`);
  }
  if (argv.sweep) {
    const sweep = await measureThroughput({
      sizes: [1_000],
      configs: [
        { label: 'C=16 v=8', accountConcurrency: 16, vendorConcurrency: 8 },
        { label: 'C=32 v=16', accountConcurrency: 32, vendorConcurrency: 16 },
        { label: 'C=64 v=32', accountConcurrency: 64, vendorConcurrency: 32 },
        { label: 'C=128 v=64', accountConcurrency: 128, vendorConcurrency: 64 },
        { label: 'C=256 v=128', accountConcurrency: 256, vendorConcurrency: 128 },
      ],
      repeats: () => 3,
      sequential: 'none',
    });
    printThroughput(sweep, 'Sweep at N = 1,000: account concurrency C, per-vendor concurrency v');
  }
  return rows;
}

if (isMain(import.meta.url)) {
  runMain(() =>
    runThroughput({
      quick: flag('quick') !== undefined,
      sweep: flag('sweep') !== undefined,
      ...(flag('sizes') !== undefined && { sizes: flag('sizes') === 'none' ? [] : flag('sizes')!.split(',').map(Number) }),
    }),
  );
}
