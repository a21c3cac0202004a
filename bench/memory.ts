// Memory: the peak RSS of one check of 1,000 accounts, in a fresh process (median of several).
// Run alone: npx tsx bench/memory.ts [--runs 3] [--n 1000]
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleLikeLambda, scratchDir } from './lib/build.js';
import { flag, isMain, runMain } from './lib/main.js';
import { ROOT, startRemoteSandbox } from './lib/sandbox-process.js';
import { formatMb, formatMs, median, printTable, verdict } from './lib/stats.js';
import { BENCH_NOW, benchSpecs } from './lib/workload.js';
import { LATENCY_MS } from './throughput.js';

const run = promisify(execFile);
const LIMIT_BYTES = 128 * 2 ** 20;

interface ChildResult {
  n: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  heapUsedAfterBytes: number;
  wallMs: number;
  failed: number;
  alerts: number;
}

/** How Node's heap is sized: V8's defaults (a laptop), or as the Lambda Node.js bootstrap sizes it for a 128 MB function. */
export const HEAP_SETTINGS = [
  { label: 'V8 defaults', flags: [] as string[] },
  // new space = memory / 10, semi-space = half of it, old space = the rest (the runtime's bootstrap script).
  { label: 'Lambda 128 MB heap', flags: ['--max-semi-space-size=6', '--max-old-space-size=116'] },
  // Completing with this little old space shows how much the check really keeps alive.
  { label: 'old space capped at 32 MB', flags: ['--max-semi-space-size=2', '--max-old-space-size=32'] },
] as const;

export async function measureMemory(n: number, runs: number): Promise<(ChildResult & { heap: string })[]> {
  const dir = await scratchDir('memory');
  const child = join(dir, 'child.mjs');
  await bundleLikeLambda(join(ROOT, 'bench/memory-child.ts'), child);
  const specs = benchSpecs(n);
  const sandbox = await startRemoteSandbox({ now: BENCH_NOW, latencyMs: LATENCY_MS, enforceRateLimits: true, accounts: specs });
  const results: (ChildResult & { heap: string })[] = [];
  try {
    // The first check makes the sandbox simulate every account's month: not part of any measured run.
    const runChild = async (flags: readonly string[] = []): Promise<ChildResult> => {
      const { stdout } = await run(process.execPath, [...flags, child], {
        cwd: dir,
        env: { PATH: process.env.PATH, BENCH_N: String(n), BENCH_URLS: JSON.stringify(sandbox.urls) },
        maxBuffer: 1 << 20,
      });
      await sandbox.takeSummary();
      return JSON.parse(stdout) as ChildResult;
    };
    await runChild();
    for (let i = 0; i < runs; i++) {
      for (const heap of HEAP_SETTINGS) results.push({ ...(await runChild(heap.flags)), heap: heap.label });
    }
  } finally {
    await sandbox.close();
  }
  return results;
}

export function printMemory(results: readonly (ChildResult & { heap: string })[]): void {
  printTable(
    'Memory: peak RSS of one check (fresh Node process, bundled code, default limits, in-memory state, no-op publisher)',
    ['accounts', 'heap sizing', 'RSS before the check', 'peak RSS (median)', 'peak RSS (max)', 'heap after', 'wall', 'runs', 'target'],
    HEAP_SETTINGS.map(({ label }) => {
      const rows = results.filter((r) => r.heap === label);
      const peak = median(rows.map((r) => r.peakRssBytes));
      return [
        String(rows[0]?.n ?? 0),
        label,
        formatMb(median(rows.map((r) => r.rssBeforeBytes))),
        formatMb(peak),
        formatMb(Math.max(...rows.map((r) => r.peakRssBytes))),
        formatMb(median(rows.map((r) => r.heapUsedAfterBytes))),
        formatMs(median(rows.map((r) => r.wallMs))),
        String(rows.length),
        `≤ 128 MB: ${verdict(peak <= LIMIT_BYTES)}`,
      ];
    }),
  );
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  if (failed > 0) console.log(`  note: ${failed} account checks failed over all runs`);
}

export async function runMemory(n = 1_000, runs = 3): Promise<(ChildResult & { heap: string })[]> {
  const results = await measureMemory(n, runs);
  printMemory(results);
  return results;
}

if (isMain(import.meta.url)) runMain(() => runMemory(Number(flag('n') ?? 1_000), Number(flag('runs') ?? 3)));
