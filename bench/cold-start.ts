// Cold start: the minified function bundle's size, and its module-load time in fresh Node processes
// against a bundle that only imports the SSM, SNS and DynamoDB clients.
// Run alone: npx tsx bench/cold-start.ts [--runs 25]
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleHandler } from '../test/helpers/bundle.js';
import { bundleLikeLambda, bytesByInput, scratchDir } from './lib/build.js';
import { flag, isMain, runMain } from './lib/main.js';
import { ROOT } from './lib/sandbox-process.js';
import { formatKb, formatMb, formatMs, formatRatio, median, printTable, verdict } from './lib/stats.js';
import { benchSpecs } from './lib/workload.js';
import { validateBudgets } from '../lib/config-schema.js';

const run = promisify(execFile);

interface Loads {
  importMs: number[];
  processMs: number[];
  rssBytes: number[];
  intlMs: number[];
}

export interface ColdStartResult {
  readonly bundleBytes: number;
  readonly smokeBundleBytes: number;
  readonly baselineBytes: number;
  readonly fn: Loads;
  readonly baseline: Loads;
}

/** The Lambda's environment contract (functions/check-budgets.ts), with loopback-free dummy values: nothing is called at load. */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  STATE_TABLE_NAME: 'budget-alerts-state',
  ALERT_TARGETS: JSON.stringify([{ target: 'topic', arn: 'arn:aws:sns:us-east-1:123456789012:alerts' }]),
  POWERTOOLS_SERVICE_NAME: 'budget-alerts',
  POWERTOOLS_METRICS_NAMESPACE: 'BudgetAlerts',
};

/**
 * One fresh process: how long `import()` of the bundle took, how long since the process began, and how long
 * the first Intl formatter after it took (ICU starts on the first one: a load that started it pays ~0.3 ms here,
 * one that did not leaves ~18 ms to the first run that renders an alert text or uses a zone other than UTC).
 */
interface Load {
  importMs: number;
  processMs: number;
  rssBytes: number;
  intlMs: number;
}

async function loadOnce(bundle: string, cwd: string): Promise<Load> {
  const script = `
    const t0 = performance.now();
    await import(${JSON.stringify(bundle)});
    const t1 = performance.now();
    const rssBytes = process.resourceUsage().maxRSS * 1024;
    new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(1234.5);
    const intlMs = performance.now() - t1;
    process.stdout.write(JSON.stringify({ importMs: t1 - t0, processMs: t1, rssBytes, intlMs }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env: { PATH: process.env.PATH, ...FUNCTION_ENV },
  });
  return JSON.parse(stdout) as Load;
}

export async function measureColdStart(runs: number): Promise<ColdStartResult & { top: ReturnType<typeof bytesByInput> }> {
  const dir = await scratchDir('cold-start');
  const fnDir = join(dir, 'function');
  const baseDir = join(dir, 'baseline');
  const smokeDir = join(dir, 'smoke');
  await Promise.all([scratchDir('cold-start/function'), scratchDir('cold-start/baseline'), scratchDir('cold-start/smoke')]);

  // The function, with a budgets file of 100 accounts beside it (validated at load, as on Lambda).
  const fn = await bundleLikeLambda(join(ROOT, 'functions/check-budgets.ts'), join(fnDir, 'index.mjs'));
  const smokeBundle = await bundleHandler(smokeDir);
  const { size: smokeBundleBytes } = await import('node:fs').then((fs) => fs.statSync(smokeBundle));
  const config = validateBudgets(
    {
      accounts: benchSpecs(100).map((s) => ({
        id: s.id,
        provider: s.vendor,
        baseUrl: `https://${s.vendor}.example.com`,
        apiKey: { ssm: `/budget-alerts/${s.id}` },
        budget: { monthly: 400 },
        balance: { below: 100, runwayDays: 7 },
      })),
    },
    'budgets.json',
  );
  await writeFile(join(fnDir, 'budgets.json'), JSON.stringify(config, null, 2));

  // The baseline: the three AWS clients the function uses, and nothing else.
  const baselineEntry = join(baseDir, 'entry.mjs');
  await writeFile(
    baselineEntry,
    `import { SSMClient } from '@aws-sdk/client-ssm';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export const clients = [SSMClient, SNSClient, DynamoDBClient];
`,
  );
  const base = await bundleLikeLambda(baselineEntry, join(baseDir, 'index.mjs'));

  // Warm the OS file cache for both, then alternate, so that drift on a noisy machine hits both alike.
  for (let i = 0; i < 2; i++) {
    await loadOnce(join(baseDir, 'index.mjs'), baseDir);
    await loadOnce(join(fnDir, 'index.mjs'), fnDir);
  }
  const fnTimes: Loads = { importMs: [], processMs: [], rssBytes: [], intlMs: [] };
  const baseTimes: Loads = { importMs: [], processMs: [], rssBytes: [], intlMs: [] };
  for (let i = 0; i < runs; i++) {
    const b = await loadOnce(join(baseDir, 'index.mjs'), baseDir);
    const f = await loadOnce(join(fnDir, 'index.mjs'), fnDir);
    baseTimes.importMs.push(b.importMs);
    baseTimes.processMs.push(b.processMs);
    baseTimes.rssBytes.push(b.rssBytes);
    baseTimes.intlMs.push(b.intlMs);
    fnTimes.rssBytes.push(f.rssBytes);
    fnTimes.intlMs.push(f.intlMs);
    fnTimes.importMs.push(f.importMs);
    fnTimes.processMs.push(f.processMs);
  }
  return {
    bundleBytes: fn.bytes,
    smokeBundleBytes,
    baselineBytes: base.bytes,
    fn: fnTimes,
    baseline: baseTimes,
    top: bytesByInput(fn.metafile),
  };
}

export function printColdStart(result: Awaited<ReturnType<typeof measureColdStart>>): void {
  const fnImport = median(result.fn.importMs);
  const baseImport = median(result.baseline.importMs);
  const ratio = fnImport / baseImport;
  printTable(
    'Cold start: bundle size (minified, AWS SDK external) and module load in fresh Node processes',
    ['bundle', 'size', 'import (median)', 'since process start', 'peak RSS after load', 'first Intl after load', 'runs', 'target'],
    [
      [
        'function (functions/check-budgets.ts)',
        formatKb(result.bundleBytes),
        formatMs(fnImport),
        formatMs(median(result.fn.processMs)),
        formatMb(median(result.fn.rssBytes)),
        formatMs(median(result.fn.intlMs)),
        String(result.fn.importMs.length),
        `≤ 205 KB: ${verdict(result.bundleBytes <= 205_000)}; ≤ 120 KB: ${verdict(result.bundleBytes <= 120_000)}`,
      ],
      [
        'baseline (SSM + SNS + DynamoDB clients only)',
        formatKb(result.baselineBytes),
        formatMs(baseImport),
        formatMs(median(result.baseline.processMs)),
        formatMb(median(result.baseline.rssBytes)),
        formatMs(median(result.baseline.intlMs)),
        String(result.baseline.importMs.length),
        '',
      ],
      ['ratio function / baseline', '', formatRatio(ratio), formatRatio(median(result.fn.processMs) / median(result.baseline.processMs)), '', '', '', `≤ 1.38×: ${verdict(ratio <= 1.38)}; ≤ 1.2×: ${verdict(ratio <= 1.2)}`],
    ],
  );
  console.log('  (first Intl after load: ICU starts on the first Intl object of a process; the function leaves it to the first run that renders an alert or uses a non-UTC zone)');
  console.log(`  (the smoke test's bundle, test/helpers/bundle.ts without mainFields: ${formatKb(result.smokeBundleBytes)})`);
  printTable(
    'Largest inputs of the function bundle (esbuild metafile, bytes in the minified output)',
    ['package / folder', 'size', 'share'],
    result.top.packages.slice(0, 10).map(([name, bytes]) => [name, formatKb(bytes), `${((100 * bytes) / result.bundleBytes).toFixed(0)}%`]),
  );
}

export async function runColdStart(runs = 25): Promise<Awaited<ReturnType<typeof measureColdStart>>> {
  const result = await measureColdStart(runs);
  printColdStart(result);
  return result;
}

if (isMain(import.meta.url)) runMain(() => runColdStart(Number(flag('runs') ?? 25)));
