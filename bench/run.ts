// `npm run bench`: every benchmark, one after another, then the targets. Options: --quick (sequential
// baseline of 1,000 accounts extrapolated from 100), --sweep (throughput at several concurrency limits).
import { cpus } from 'node:os';
import { FUNCTION_RUNTIME } from '../infra/check-function.js';
import { dynamoCallsOfInvocation, runAwsCalls } from './aws-calls.js';
import { runColdStart } from './cold-start.js';
import { runForecastQuality } from './forecast-quality.js';
import { flag } from './lib/main.js';
import { formatKb, formatMb, formatRatio, median, printTable, verdict } from './lib/stats.js';
import { runMemory } from './memory.js';
import { runThroughput, throughputTargets } from './throughput.js';

const started = performance.now();
console.log(`budget-alerts benchmarks · ${new Date().toISOString()}`);
console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${process.platform}/${process.arch}`);
const runtimeMajor = /^nodejs(\d+)/.exec(FUNCTION_RUNTIME.name)?.[1];
if (runtimeMajor !== undefined && runtimeMajor !== process.versions.node.split('.')[0]) {
  console.log(`the function runs on ${FUNCTION_RUNTIME.name}: CPU and load times on Node ${process.versions.node} differ (README, "On Node ${runtimeMajor}, the function's runtime")`);
}
console.log('progress goes to stderr; the tables below are the results.');

const throughput = await runThroughput({ quick: flag('quick') !== undefined, sweep: flag('sweep') !== undefined });
const coldStart = await runColdStart(Number(flag('runs') ?? 25));
const memory = await runMemory(1_000, 3);
const aws = await runAwsCalls();
const forecasts = runForecastQuality();

const loadRatio = median(coldStart.fn.importMs) / median(coldStart.baseline.importMs);
const peakOf = (heap: string): number => median(memory.filter((m) => m.heap === heap).map((m) => m.peakRssBytes));
const [, warm, steady] = aws.result.invocations;

printTable(
  'Targets',
  ['target', 'measured', 'result'],
  [
    // Issue 13: CPU per account and wall at 1,000 accounts; 10,000 in one invocation (wall, peak RSS on Lambda's 512 MB heap).
    ...throughputTargets(throughput).map((t) => [t.target, t.measured, verdict(t.met)]),
    // Issue 8: the bundle stays within 205 KB and the load ratio does not grow (1.38× before it); issue 13: 120 KB and 1.2×.
    ['bundle ≤ 205 KB minified', formatKb(coldStart.bundleBytes), verdict(coldStart.bundleBytes <= 205_000)],
    ['module load ≤ 1.38 × SDK-only baseline (no growth)', formatRatio(loadRatio), verdict(loadRatio <= 1.38)],
    ['bundle ≤ 120 KB minified', formatKb(coldStart.bundleBytes), verdict(coldStart.bundleBytes <= 120_000)],
    ['module load ≤ 1.2 × SDK-only baseline', formatRatio(loadRatio), verdict(loadRatio <= 1.2)],
    ['peak RSS ≤ 128 MB, 1,000 accounts (Lambda 128 MB heap sizing)', formatMb(peakOf('Lambda 128 MB heap')), verdict(peakOf('Lambda 128 MB heap') <= 128 * 2 ** 20)],
    ['peak RSS ≤ 128 MB, 1,000 accounts (V8 default heap sizing)', formatMb(peakOf('V8 defaults')), verdict(peakOf('V8 defaults') <= 128 * 2 ** 20)],
    ['warm invocation: 0 SSM calls', String((warm?.ssmCalls ?? 0) + (steady?.ssmCalls ?? 0)), verdict((warm?.ssmCalls ?? 1) === 0 && (steady?.ssmCalls ?? 1) === 0)],
    [
      'SNS calls = alerts × topics routed',
      aws.result.invocations.map((i) => `${i.sns}/${i.expectedPublishes}`).join(', '),
      verdict(aws.result.invocations.every((i) => i.sns === i.expectedPublishes)),
    ],
    [
      'DynamoDB calls: a Query per account + 1, claim and confirm per publish, batched writes',
      aws.result.invocations.map((i) => dynamoCallsOfInvocation(i).measured).join('; '),
      verdict(aws.result.invocations.every((i) => dynamoCallsOfInvocation(i).met)),
    ],
    ...(aws.result.dynamo === undefined
      ? []
      : [
          [
            'DynamoDB ≤ 2 WRU per account per run (steady state)',
            `${aws.result.dynamo.after.wru.toFixed(2)} (before ${aws.result.dynamo.before.wru.toFixed(2)})`,
            verdict(aws.result.dynamo.after.wru <= 2),
          ],
          [
            'DynamoDB reads no more than before',
            `${aws.result.dynamo.after.rru.toFixed(2)} RRU (before ${aws.result.dynamo.before.rru.toFixed(2)})`,
            verdict(aws.result.dynamo.after.rru <= aws.result.dynamo.before.rru),
          ],
        ]),
    [
      'monthly cost, 100 accounts hourly, all in ≤ $5 (per-account charts on the dashboard)',
      `$${aws.monthlyUsd.toFixed(2)} (was $${aws.before.monthlyUsd.toFixed(2)}; $${aws.monthlyUsdDashboardBilled.toFixed(2)} if the dashboard is billed)`,
      verdict(aws.monthlyUsd <= 5),
    ],
    ...forecasts.targets.map((t) => [`forecast quality, ${t.target}`, t.measured, verdict(t.met)]),
  ],
);
console.log(`\nall benchmarks: ${((performance.now() - started) / 1_000).toFixed(0)} s`);
