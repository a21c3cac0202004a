// Check throughput against the sandbox with 50 ms per request and Pixelcut's 5 requests/s per key. Each
// configuration runs in a fresh process on the bundled check (bench/lib/check-child.ts), as the Lambda runs it.
// Run alone: npx tsx bench/throughput.ts [--sizes 10,100,1000,10000 | --sizes none] [--quick] [--sweep] [--child FILE]
// (--child runs an already bundled check-child, e.g. a copy of an earlier build, for before/after side by side;
// --sandbox-rebuilds makes the sandbox rebuild every answer, as it did before it memoized them)
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CHECK_CONCURRENCY } from '../lib/check.js';
import { DEFAULT_VENDOR_LIMITS } from '../lib/providers/index.js';
import { throughputBound, type CheckLimits, type ThroughputBound } from './lib/bound.js';
import { bundleLikeLambda, scratchDir } from './lib/build.js';
import type { ChildReport } from './lib/check-child.js';
import type { RequestSummary } from './lib/sandbox-child.js';
import { flag, isMain, runMain } from './lib/main.js';
import { ROOT, startRemoteSandbox, type RemoteSandbox } from './lib/sandbox-process.js';
import { formatMb, formatMs, formatRatio, median, printTable, verdict } from './lib/stats.js';
import { accountNeeds, BENCH_NOW, benchSpecs, type ProviderName } from './lib/workload.js';

export const LATENCY_MS = 50;
/** Debits in the window Nov 1 00:00Z → BENCH_NOW at one per 84 minutes: 3 pages. */
const LEDGER_ENTRIES = Math.floor((BENCH_NOW.getTime() - Date.UTC(2026, 10, 1)) / (84 * 60_000));
const PROVIDERS: readonly ProviderName[] = ['pictory', 'account-api', 'pixelcut'];
/** From this size on a run is one Lambda invocation's worth: Lambda's heap sizing, 3 runs, the sequential baseline extrapolated. */
export const LARGE_N = 10_000;
/** The accounts a warm-up checks before the measured runs of a smaller size (the JIT warms up on a realistic mix). */
const WARMUP_N = 1_000;

/** How Node's heap is sized for a run: V8's defaults, or as the Lambda runtime sizes it for a function's memory. */
export interface HeapSizing {
  readonly label: string;
  readonly flags: readonly string[];
}

export const V8_DEFAULT_HEAP: HeapSizing = { label: 'V8 defaults', flags: [] };

/** The Lambda Node.js bootstrap: new space = memory / 10 (half of it one semi-space), old space = the rest. */
export function lambdaHeap(memoryMb: number): HeapSizing {
  const newSpace = Math.floor(memoryMb / 10);
  return {
    label: `Lambda ${memoryMb} MB heap`,
    flags: [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`],
  };
}

/** A configuration of the check's limits; undefined fields keep the defaults. */
export interface LimitsOverride {
  readonly label: string;
  readonly accountConcurrency?: number;
  readonly vendorConcurrency?: number;
}

export interface ThroughputRow {
  readonly n: number;
  readonly label: string;
  readonly heap: string;
  readonly bound: ThroughputBound;
  readonly wallMs: readonly number[];
  readonly cpuMs: readonly number[];
  /** The main thread's share of cpuMs (empty when not measured: not Linux, or an older child). */
  readonly mainThreadCpuMs: readonly number[];
  readonly sequentialMs: readonly number[];
  readonly sequentialEstimated: boolean;
  /** Each run's peak RSS (the kernel's high-water mark over the run). */
  readonly peakRssBytes: readonly number[];
  /** Alerts each run sent. */
  readonly sent: readonly number[];
  readonly errors: number;
  readonly retried: number;
  /** How long the sandbox took per answer over the row's process (warm-up included): its 50 ms, its own work, CPU waits. */
  readonly vendorAnswerMs: RequestSummary['answerMs'];
  /** The sandbox process's CPU per account checked over the row's process (warm-up included): work on the CPUs the check shares. */
  readonly vendorCpuPerAccountMs: number;
}

/** The limits a run uses: the defaults of lib/check.ts and lib/providers/http.ts, or an override. */
export function limitsFor(override?: LimitsOverride): CheckLimits {
  const vendorConcurrency = {} as Record<ProviderName, number>;
  const perSecondPerKey = {} as Record<ProviderName, number>;
  for (const p of PROVIDERS) {
    vendorConcurrency[p] = override?.vendorConcurrency ?? DEFAULT_VENDOR_LIMITS[p].concurrency ?? Infinity;
    perSecondPerKey[p] = DEFAULT_VENDOR_LIMITS[p].perSecond ?? Infinity;
  }
  return { accountConcurrency: override?.accountConcurrency ?? DEFAULT_CHECK_CONCURRENCY, vendorConcurrency, perSecondPerKey };
}

/** Requests `n` benchmark accounts make (the sandbox must see exactly these). */
function requestsOf(n: number): number {
  return benchSpecs(n).reduce((sum, s) => sum + accountNeeds(s, LEDGER_ENTRIES, 1).requests, 0);
}

interface ChildOptions {
  readonly n: number;
  readonly runs: number;
  readonly warmupN?: number;
  readonly accountConcurrency?: number;
  readonly vendorConcurrency?: number;
  readonly sharedState?: boolean;
  readonly heap: HeapSizing;
}

/** Runs the bundled check child against the sandbox, and checks that the sandbox saw the requests the bound assumes. */
async function runChild(
  child: string,
  sandbox: RemoteSandbox,
  options: ChildOptions,
): Promise<ChildReport & { retried: number; answerMs: RequestSummary['answerMs']; vendorCpuPerAccountMs: number }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    BENCH_URLS: JSON.stringify(sandbox.urls),
    BENCH_N: String(options.n),
    BENCH_RUNS: String(options.runs),
  };
  if (options.warmupN !== undefined) env.BENCH_WARMUP_N = String(options.warmupN);
  if (options.accountConcurrency !== undefined) env.BENCH_CONCURRENCY = String(options.accountConcurrency);
  if (options.vendorConcurrency !== undefined) env.BENCH_VENDOR_CONCURRENCY = String(options.vendorConcurrency);
  if (options.sharedState === true) env.BENCH_SHARED_STATE = '1';
  const { stdout } = await promisify(execFile)(process.execPath, [...options.heap.flags, child], { cwd: ROOT, env, maxBuffer: 1 << 20 });
  const report = JSON.parse(stdout) as ChildReport;
  const summary = await sandbox.takeSummary();
  const expected = (options.warmupN === undefined ? 0 : requestsOf(options.warmupN)) + options.runs * requestsOf(options.n);
  const retried = summary.total - (summary.byStatus['200'] ?? 0);
  if (summary.total - retried !== expected) {
    throw new Error(`N=${options.n}: the sandbox answered ${summary.total - retried} requests with 200, the bound assumes ${expected}`);
  }
  const accounts = (options.warmupN ?? 0) + options.runs * options.n;
  return { ...report, retried, answerMs: summary.answerMs, vendorCpuPerAccountMs: summary.cpuMs / accounts };
}

/** Measures each size: runs with the given limits in a fresh process each, and the sequential baseline beside them. */
export async function measureThroughput(options: {
  sizes: readonly number[];
  configs: readonly (LimitsOverride | undefined)[];
  repeats: (n: number) => number;
  /**
   * Fresh processes per size below LARGE_N, each running `repeats(n)` runs after its own warm-up: a process's
   * runs share its heap's history (how much its scavenges promote falls into two modes per process, whatever
   * the code), so runs from several processes give a median less at the mercy of one. @default 1
   */
  processes?: number;
  sequential: 'full' | 'quick' | 'none';
  log?: (line: string) => void;
  /** A check-child bundled earlier, instead of bundling today's code. */
  child?: string;
  /** False: the sandbox rebuilds every answer, as it did before it memoized them. @default true */
  sandboxMemo?: boolean;
}): Promise<ThroughputRow[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const maxN = Math.max(...options.sizes);
  const child = options.child ?? join(await scratchDir('throughput'), 'check-child.mjs');
  if (options.child === undefined) await bundleLikeLambda(join(ROOT, 'bench/lib/check-child.ts'), child);
  const sandbox = await startRemoteSandbox({
    now: BENCH_NOW,
    latencyMs: LATENCY_MS,
    enforceRateLimits: true,
    memoize: options.sandboxMemo ?? true,
    accounts: benchSpecs(maxN),
  });
  const rows: ThroughputRow[] = [];
  try {
    // The sandbox simulates each account's month on first use: once for every account, before anything is measured.
    const warm = await runChild(child, sandbox, { n: maxN, runs: 1, accountConcurrency: 256, vendorConcurrency: 128, heap: V8_DEFAULT_HEAP });
    log(`sandbox warm-up: ${maxN} accounts, ${requestsOf(maxN)} requests, ${warm.runs[0]?.errors ?? 0} errors, ${formatMs(warm.runs[0]?.wallMs ?? Number.NaN)}`);
    const sequentialOf = new Map<number, number[]>();
    for (const n of options.sizes) {
      for (const override of options.configs) rows.push(...(await measureOne(child, sandbox, { n, maxN }, override, options, sequentialOf, log)));
    }
  } finally {
    await sandbox.close();
  }
  return rows;
}

/**
 * One size with one configuration. A large size is one Lambda invocation's worth, measured twice in one
 * process on Lambda's heap sizing: the first invocation (empty state: every alert that is due is sent)
 * and the steady state after it (the state the run before left; nothing new is due at the same instant).
 */
async function measureOne(
  child: string,
  sandbox: RemoteSandbox,
  { n, maxN }: { n: number; maxN: number },
  override: LimitsOverride | undefined,
  options: { repeats: (n: number) => number; processes?: number; sequential: 'full' | 'quick' | 'none' },
  sequentialOf: Map<number, number[]>,
  log: (line: string) => void,
): Promise<ThroughputRow[]> {
  const large = n >= LARGE_N;
  const heap = large ? lambdaHeap(512) : V8_DEFAULT_HEAP;
  const bound = throughputBound(benchSpecs(n).map((s) => accountNeeds(s, LEDGER_ENTRIES, 1)), LATENCY_MS, limitsFor(override));
  const processes = large ? 1 : (options.processes ?? 1);
  const perProcess: ChildOptions = {
    n,
    runs: large ? 1 + options.repeats(n) : options.repeats(n),
    // Smaller sizes run after a warm-up on the usual mix, each with empty state, as they always have.
    ...(large ? { sharedState: true } : { warmupN: Math.min(maxN, Math.max(n, WARMUP_N)) }),
    ...(override?.accountConcurrency !== undefined && { accountConcurrency: override.accountConcurrency }),
    ...(override?.vendorConcurrency !== undefined && { vendorConcurrency: override.vendorConcurrency }),
    heap,
  };
  const reports = [];
  for (let p = 0; p < processes; p++) reports.push(await runChild(child, sandbox, perProcess));
  const report = {
    runs: reports.flatMap((r) => r.runs),
    retried: reports.reduce((sum, r) => sum + r.retried, 0),
    answerMs: answeredIn(reports.map((r) => r.answerMs)),
    vendorCpuPerAccountMs: median(reports.map((r) => r.vendorCpuPerAccountMs)),
  };
  const label = override?.label ?? 'defaults';
  report.runs.forEach((run, r) =>
    log(
      `  N=${n} ${label} ${processes > 1 ? `process ${Math.floor(r / perProcess.runs) + 1} ` : ''}run ${(r % perProcess.runs) + 1}: ${formatMs(run.wallMs)} (CPU ${formatMs(run.cpuMs)}${run.mainThreadCpuMs === undefined ? '' : `, main thread ${formatMs(run.mainThreadCpuMs)}`}, ${run.sent} alerts sent)`,
    ),
  );
  // The sequential baseline (one account after another) does not depend on the limits: measured once per sample size.
  const sampleN = options.sequential === 'quick' || large ? Math.min(n, 100) : n;
  let sequential = sequentialOf.get(sampleN);
  if (sequential === undefined && options.sequential !== 'none') {
    const seq = await runChild(child, sandbox, { n: sampleN, runs: sampleN <= 10 ? 3 : 1, accountConcurrency: 1, heap: V8_DEFAULT_HEAP });
    sequential = seq.runs.map((run) => run.wallMs);
    sequentialOf.set(sampleN, sequential);
    log(`  sequential, ${sampleN} accounts: ${sequential.map(formatMs).join(', ')}`);
  }
  const row = (runs: ChildReport['runs'], rowLabel: string): ThroughputRow => ({
    n,
    label: rowLabel,
    heap: heap.label,
    bound,
    wallMs: runs.map((r) => r.wallMs),
    cpuMs: runs.map((r) => r.cpuMs),
    mainThreadCpuMs: runs.flatMap((r) => (r.mainThreadCpuMs === undefined ? [] : [r.mainThreadCpuMs])),
    sequentialMs: (sequential ?? []).map((ms) => (ms * n) / sampleN),
    sequentialEstimated: sampleN < n,
    peakRssBytes: runs.map((r) => r.peakRssBytes),
    sent: runs.map((r) => r.sent),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    retried: report.retried,
    vendorAnswerMs: report.answerMs,
    vendorCpuPerAccountMs: report.vendorCpuPerAccountMs,
  });
  if (!large) return [row(report.runs, label)];
  return [row(report.runs.slice(0, 1), `${label}, first run`), row(report.runs.slice(1), `${label}, steady state`)];
}

/** The vendors' answer times over several processes: the median of each figure; undefined when none was timed. */
function answeredIn(figures: readonly RequestSummary['answerMs'][]): RequestSummary['answerMs'] {
  const timed = figures.filter((f) => f !== undefined);
  return timed.length === 0 ? undefined : { median: median(timed.map((f) => f.median)), p90: median(timed.map((f) => f.p90)) };
}

/** CPU per account of a row, median over its runs. */
export function cpuPerAccountMs(row: ThroughputRow): number {
  return median(row.cpuMs) / row.n;
}

/** Prints the throughput table. */
export function printThroughput(rows: readonly ThroughputRow[], title: string): void {
  printTable(
    title,
    ['N', 'limits', 'heap', 'requests', 'alerts sent', 'lower bound', 'binding term', 'wall (median)', 'wall/bound', 'CPU', 'CPU/account', 'main thread/account', 'peak RSS', 'sequential', 'speedup', 'vendor answer (median / p90)', 'sandbox CPU/account'],
    rows.map((row) => {
      const wall = median(row.wallMs);
      const seq = median(row.sequentialMs);
      const requests = Object.values(row.bound.requests).reduce((a, b) => a + b, 0);
      return [
        row.n.toLocaleString('en-US'),
        row.label,
        row.heap,
        requests.toLocaleString('en-US'),
        median(row.sent).toLocaleString('en-US'),
        formatMs(row.bound.boundMs),
        row.bound.binding,
        `${formatMs(wall)} (${row.wallMs.length}×)`,
        formatRatio(wall / row.bound.boundMs),
        formatMs(median(row.cpuMs)),
        formatMs(cpuPerAccountMs(row)),
        row.mainThreadCpuMs.length === 0 ? '—' : formatMs(median(row.mainThreadCpuMs) / row.n),
        formatMb(Math.max(...row.peakRssBytes)),
        row.sequentialMs.length === 0 ? '—' : `${row.sequentialEstimated ? '~' : ''}${formatMs(seq)}`,
        row.sequentialMs.length === 0 ? '—' : formatRatio(seq / wall),
        row.vendorAnswerMs === undefined ? '—' : `${row.vendorAnswerMs.median.toFixed(1)} / ${row.vendorAnswerMs.p90.toFixed(1)} ms`,
        formatMs(row.vendorCpuPerAccountMs),
      ];
    }),
  );
  const extra = rows.filter((r) => r.errors > 0 || r.retried > 0);
  for (const r of extra) console.log(`  note: N=${r.n} ${r.label}: ${r.errors} failed account checks, ${r.retried} non-200 answers over all runs`);
}

/** The throughput targets of issue 13 (CPU per account and wall at 1,000; wall and peak RSS at 10,000), met or missed. */
export function throughputTargets(rows: readonly ThroughputRow[]): { target: string; measured: string; met: boolean }[] {
  const at = (n: number) => rows.find((r) => r.n === n && r.label === 'defaults');
  const targets: { target: string; measured: string; met: boolean }[] = [];
  const thousand = at(1_000);
  if (thousand !== undefined) {
    const ratio = median(thousand.wallMs) / thousand.bound.boundMs;
    const speedup = median(thousand.sequentialMs) / median(thousand.wallMs);
    const cpu = cpuPerAccountMs(thousand);
    targets.push({ target: 'throughput, 1,000 accounts: CPU per account ≤ 1.2 ms (median)', measured: formatMs(cpu), met: cpu <= 1.2 });
    targets.push({ target: 'throughput, 1,000 accounts: wall ≤ 1.15 × lower bound', measured: formatRatio(ratio), met: ratio <= 1.15 });
    targets.push({ target: 'throughput, 1,000 accounts: ≥ 20 × faster than sequential', measured: formatRatio(speedup), met: speedup >= 20 });
  }
  for (const large of rows.filter((r) => r.n === LARGE_N && r.label.startsWith('defaults, '))) {
    const wall = median(large.wallMs);
    const ratio = wall / large.bound.boundMs;
    const peak = Math.max(...large.peakRssBytes);
    const which = large.label.slice('defaults, '.length);
    targets.push({
      target: `throughput, ${LARGE_N.toLocaleString('en-US')} accounts in one invocation (${which}): wall ≤ 1.2 × lower bound`,
      measured: `${formatRatio(ratio)} (${formatMs(wall)} vs ${formatMs(large.bound.boundMs)}; CPU ${formatMs(cpuPerAccountMs(large))}/account)`,
      met: ratio <= 1.2 && large.errors === 0,
    });
    targets.push({
      target: `throughput, ${LARGE_N.toLocaleString('en-US')} accounts (${which}): peak RSS ≤ 256 MB (${large.heap} sizing)`,
      measured: `${formatMb(peak)} (${median(large.sent).toLocaleString('en-US')} alerts sent)`,
      met: peak <= 256 * 2 ** 20,
    });
  }
  return targets;
}

/** The throughput part of `npm run bench`. */
export async function runThroughput(
  argv: { quick?: boolean; sweep?: boolean; sizes?: readonly number[]; child?: string; sandboxMemo?: boolean } = {},
): Promise<ThroughputRow[]> {
  const sizes = argv.sizes ?? [10, 100, 1_000, LARGE_N];
  const rows =
    sizes.length === 0
      ? []
      : await measureThroughput({
          sizes,
          configs: [undefined],
          repeats: (n) => (n >= LARGE_N ? 2 : 3),
          processes: 3,
          sequential: argv.quick ? 'quick' : 'full',
          ...(argv.child !== undefined && { child: resolve(argv.child) }),
          ...(argv.sandboxMemo !== undefined && { sandboxMemo: argv.sandboxMemo }),
        });
  if (rows.length > 0) {
    printThroughput(rows, `Check throughput: sandbox latency ${LATENCY_MS} ms/request, Pixelcut 5 req/s per key, in-memory state, no-op publisher, bundled code`);
    printTable(
      'Throughput targets',
      ['target', 'measured', 'result'],
      throughputTargets(rows).map((t) => [t.target, t.measured, verdict(t.met)]),
    );
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
      ...(argv.child !== undefined && { child: resolve(argv.child) }),
      ...(argv.sandboxMemo !== undefined && { sandboxMemo: argv.sandboxMemo }),
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
      ...(flag('sandbox-rebuilds') !== undefined && { sandboxMemo: false }),
      ...(flag('child') !== undefined && { child: flag('child')! }),
      ...(flag('sizes') !== undefined && { sizes: flag('sizes') === 'none' ? [] : flag('sizes')!.split(',').map(Number) }),
    }),
  );
}
