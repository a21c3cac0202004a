// AWS calls per run: SSM, SNS and DynamoDB calls of a cold and a warm invocation of the real handler
// (functions/check-handler.ts) with 100 accounts, counted at the SDK boundary; then a monthly cost estimate from
// those figures, the EMF metrics and log bytes the handler wrote, and the alarms, dashboard and query widgets of the
// synthesized stack: today's configuration beside the construct's `perAccountMetrics` (the configuration before issue 13).
// Run alone: npx tsx bench/aws-calls.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { App } from 'aws-cdk-lib';
import { createCheckHandler } from '../functions/check-handler.js';
import type { Report } from '../lib/report.js';
import { validateBudgets, type BudgetsConfig } from '../lib/config-schema.js';
import { DEFAULT_SCHEDULE } from '../lib/schedule.js';
import { BudgetAlertsStack } from '../infra/budget-alerts-stack.js';
import { createStateTable, dynamoClient, startDynalite } from '../test/helpers/dynalite.js';
import { startAwsRecorder } from './lib/aws-recorder.js';
import { measureDynamoUnits, printDynamoUnits, seedHistories, type DynamoUnits } from './lib/dynamo-units.js';
import { monthlyCost, PRICES, scannedGbPerQuery, totalUsd, type CostLine, type DeploymentFigures, type RunProfile } from './lib/cost.js';
import { isMain, runMain } from './lib/main.js';
import { startRemoteSandbox } from './lib/sandbox-process.js';
import { formatMs, printTable, verdict } from './lib/stats.js';
import { BENCH_NOW, benchSpecs } from './lib/workload.js';
import { LATENCY_MS } from './throughput.js';
import { lambdaContext } from '../test/helpers/fixtures.js';

const ACCOUNTS = 100;
/** Hourly runs the steady-state DynamoDB units are averaged over: a day. */
const DYNAMO_STEADY_RUNS = 24;
const TABLE = 'budget-alerts-state';
const HOUR_MS = 3_600_000;
/** Three notify entries (info, warning and critical and above), on the shared alert topic as the construct routes them. */
const NOTIFY = [
  { email: 'all@example.com', minSeverity: 'info' as const },
  { email: 'team@example.com', minSeverity: 'warning' as const },
  { email: 'oncall@example.com', minSeverity: 'critical' as const },
];
const ALERT_TOPIC = 'arn:aws:sns:us-east-1:123456789012:budget-alerts';
const READS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand', 'ScanCommand']);

interface SdkCounts {
  calls: Map<string, number>;
  rru: number;
  wru: number;
}

/** Counts every command a client sends (once per command, whatever the SDK retries), and DynamoDB's consumed capacity. */
function countCommands(client: DynamoDBClient | SNSClient, capacity: boolean): SdkCounts {
  const counts: SdkCounts = { calls: new Map(), rru: 0, wru: 0 };
  (client as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      counts.calls.set(name, (counts.calls.get(name) ?? 0) + 1);
      if (capacity) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (capacity) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        for (const c of [consumed ?? []].flat()) {
          if (READS.has(name)) counts.rru += c.CapacityUnits ?? 0;
          else counts.wru += c.CapacityUnits ?? 0;
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
  return counts;
}


/** Runs `fn` with stdout and stderr captured (Powertools writes logs and EMF metrics there). */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; text: string }> {
  const chunks: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { value: await fn(), text: chunks.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** EMF documents in log text, and the distinct custom metrics (namespace × name × dimension values) they define. */
function emfMetrics(text: string): { documents: number; metrics: Set<string> } {
  const metrics = new Set<string>();
  let documents = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"_aws"')) continue;
    const doc = JSON.parse(line) as { _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } } & Record<string, unknown>;
    const directives = doc._aws?.CloudWatchMetrics;
    if (directives === undefined) continue;
    documents += 1;
    for (const d of directives) {
      for (const dims of d.Dimensions) {
        const where = dims.map((name) => `${name}=${String(doc[name])}`).join(',');
        for (const m of d.Metrics) metrics.add(`${d.Namespace}/${m.Name}{${where}}`);
      }
    }
  }
  return { documents, metrics };
}

export interface InvocationFigures {
  readonly label: string;
  readonly alerts: number;
  readonly expectedPublishes: number;
  readonly sns: number;
  readonly ssmCalls: number;
  readonly ssmParameters: number;
  readonly dynamo: ReadonlyMap<string, number>;
  readonly rru: number;
  readonly wru: number;
  readonly emfDocuments: number;
  readonly customMetrics: number;
  readonly logBytes: number;
  readonly durationMs: number;
  readonly failedAccounts: number;
}

/** Synthesizes the stack for `budgets` (no bundling, no validation engine) and counts what it deploys. */
export function measureDeployment(budgets: BudgetsConfig, perAccountMetrics: boolean): DeploymentFigures {
  const outdir = mkdtempSync(join(tmpdir(), 'budget-alerts-bench-'));
  try {
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new BudgetAlertsStack(app, 'Bench', { budgets, perAccountMetrics, env: { region: 'us-east-1' } });
    const resources = Object.values(app.synth().getStackByName(stack.stackName).template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>);
    const ofType = (type: string) => resources.filter((r) => r.Type === type);
    // The body is an Fn::Join around the log group's and the function's references: its literal parts hold every widget.
    const bodies = ofType('AWS::CloudWatch::Dashboard').map((d) => JSON.stringify(d.Properties.DashboardBody));
    const count = (pattern: RegExp) => bodies.reduce((sum, body) => sum + (body.match(pattern)?.length ?? 0), 0);
    return {
      kmsKeys: ofType('AWS::KMS::Key').length,
      secrets: ofType('AWS::SecretsManager::Secret').length,
      alarms: ofType('AWS::CloudWatch::Alarm').length,
      dashboards: bodies.length,
      queryWidgets: count(/\\"type\\":\\"log\\"/g),
      dashboardMetrics: count(/\[\\"(?:BudgetAlerts|AWS\/[A-Za-z]+)\\",/g),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Per-account figures as log fields and run metrics only (the default), or also as per-account custom metrics. */
export interface MeasureOptions {
  readonly perAccountMetrics?: boolean;
}

export async function measureAwsCalls(
  options: MeasureOptions = {},
): Promise<{ invocations: InvocationFigures[]; topicsPerAlert: number; deployment: DeploymentFigures; dynamo?: DynamoUnits }> {
  const perAccountMetrics = options.perAccountMetrics ?? false;
  const specs = benchSpecs(ACCOUNTS);
  const sandbox = await startRemoteSandbox({ now: BENCH_NOW, latencyMs: LATENCY_MS, enforceRateLimits: true, accounts: specs });
  const dynalite = await startDynalite();
  const recorder = await startAwsRecorder(new Map(specs.map((s) => [`/budget-alerts/${s.id}`, s.key])));
  // @middy/ssm creates its SSM client itself: it finds the recorder through the SDK's endpoint variable.
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_SSM: recorder.url,
  });
  try {
    await createStateTable(dynamoClient(dynalite.endpoint), TABLE);
    const config = validateBudgets(
      {
        notify: NOTIFY,
        accounts: specs.map((s, i) => ({
          id: s.id,
          provider: s.vendor,
          baseUrl: sandbox.urls[s.vendor],
          apiKey: { ssm: `/budget-alerts/${s.id}` },
          ...(s.vendor === 'pixelcut'
            ? { balance: { below: 100, runwayDays: 7 } }
            : { budget: { monthly: i % 2 === 0 ? 300 : 2_000 }, balance: { runwayDays: 7 } }),
        })),
      },
      'budgets.json',
    );
    const dynamodb = dynamoClient(dynalite.endpoint);
    const sns = new SNSClient({ region: 'us-east-1', endpoint: recorder.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const dynamoCounts = countCommands(dynamodb, true);
    const snsCounts = countCommands(sns, false);
    // Runs start as the schedule rule starts them (so the run metrics are the deployed ones); the clock is the bench's.
    let clockNow = BENCH_NOW;
    const handler = createCheckHandler({
      config,
      tableName: TABLE,
      routes: NOTIFY.map((n) => ({ target: `email:${n.email}`, arn: ALERT_TOPIC })),
      sns,
      dynamodb,
      logger: new Logger({ serviceName: 'budget-alerts' }),
      metrics: new Metrics({ namespace: 'BudgetAlerts', serviceName: 'budget-alerts' }),
      ssmCacheKey: `bench-aws-calls-${process.pid}-${Date.now()}-${perAccountMetrics}`,
      clock: () => clockNow,
      perAccountMetrics,
    });

    const invoke = async (label: string, now: Date): Promise<InvocationFigures> => {
      await sandbox.setNow(now);
      clockNow = now;
      recorder.reset();
      dynamoCounts.calls.clear();
      dynamoCounts.rru = 0;
      dynamoCounts.wru = 0;
      snsCounts.calls.clear();
      const start = performance.now();
      const { value, text } = await captureOutput(
        () => handler({ schedule: DEFAULT_SCHEDULE }, lambdaContext(300_000)) as Promise<Report | { error: { message: string } }>,
      );
      const durationMs = performance.now() - start;
      await sandbox.takeSummary();
      if ('error' in value) throw new Error(`handler refused the event: ${value.error.message}`);
      const emf = emfMetrics(text);
      return {
        label,
        alerts: value.alerts.length,
        expectedPublishes: (value.delivery ?? []).reduce((sum, d) => sum + d.sent.length, 0),
        sns: snsCounts.calls.get('PublishCommand') ?? 0,
        ssmCalls: recorder.calls.get('AmazonSSM.GetParameters') ?? 0,
        ssmParameters: recorder.parametersRead,
        dynamo: new Map(dynamoCounts.calls),
        rru: dynamoCounts.rru,
        wru: dynamoCounts.wru,
        emfDocuments: emf.documents,
        customMetrics: emf.metrics.size,
        logBytes: Buffer.byteLength(text),
        durationMs,
        failedAccounts: value.accounts.filter((a) => a.status === 'error').length,
      };
    };

    const invocations: InvocationFigures[] = [];
    invocations.push(await invoke('cold (first run, empty table)', BENCH_NOW));
    invocations.push(await invoke('warm, 1 h later', new Date(BENCH_NOW.getTime() + HOUR_MS)));
    // Steady state: a Pixelcut account's state holds ~40 days of hourly balance samples (its consumption
    // comes from them): seed that as the store writes it run after run, so reads and writes are sized as in month 2.
    const steadyAt = new Date(BENCH_NOW.getTime() + 2 * HOUR_MS);
    const historyIds = specs.filter((s) => s.vendor === 'pixelcut').map((s) => s.id);
    await seedHistories(dynamoClient(dynalite.endpoint), TABLE, steadyAt, historyIds);
    invocations.push(await invoke('warm, 2 h later, 40-day histories', steadyAt));
    // Write units per account-run over a day of runs, and the layout before issue 13 (once: the figures do not depend on the metrics option).
    const dynamo = perAccountMetrics
      ? undefined
      : await measureDynamoUnits({
          invoke,
          steady: invocations[2]!,
          from: steadyAt,
          runs: DYNAMO_STEADY_RUNS,
          client: dynamoClient(dynalite.endpoint),
          tableName: TABLE,
          accountIds: specs.map((s) => s.id),
          historyAccounts: historyIds.length,
        });
    const cold = invocations[0]!;
    return {
      ...(dynamo !== undefined && { dynamo }),
      invocations,
      topicsPerAlert: cold.alerts === 0 ? 1 : cold.expectedPublishes / cold.alerts,
      deployment: measureDeployment(config, perAccountMetrics),
    };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await recorder.close();
    await dynalite.close();
    await sandbox.close();
  }
}

export function printAwsCalls(result: Awaited<ReturnType<typeof measureAwsCalls>>): RunProfile {
  const dynamoNames = ['QueryCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand'];
  printTable(
    `AWS calls per invocation of the handler, ${ACCOUNTS} accounts (3 notify entries: info, warning, critical and above; counted at the SDK boundary)`,
    ['invocation', 'alerts', 'SNS Publish', 'alerts × topics', 'SSM calls (params)', 'DDB Query', 'Put', 'Update', 'Delete', 'BatchWrite', 'DDB total', 'RRU', 'WRU', 'EMF metrics', 'wall'],
    result.invocations.map((inv) => {
      const d = (name: string): string => String(inv.dynamo.get(name) ?? 0);
      const total = [...inv.dynamo.values()].reduce((a, b) => a + b, 0);
      return [
        inv.label,
        String(inv.alerts),
        String(inv.sns),
        String(inv.expectedPublishes),
        `${inv.ssmCalls} (${inv.ssmParameters})`,
        ...dynamoNames.map(d),
        String(total),
        inv.rru.toFixed(1),
        inv.wru.toFixed(0),
        String(inv.customMetrics),
        formatMs(inv.durationMs),
      ];
    }),
  );
  const [cold, warm, steady] = result.invocations as [InvocationFigures, InvocationFigures, InvocationFigures];
  console.log(`  warm: SSM calls ${warm.ssmCalls + steady.ssmCalls} (target 0): ${verdict(warm.ssmCalls === 0 && steady.ssmCalls === 0)}`);
  console.log(
    `  SNS calls = alerts × topics routed: ${verdict(result.invocations.every((i) => i.sns === i.expectedPublishes))}` +
      ` (${result.invocations.map((i) => `${i.sns} = ${i.expectedPublishes}`).join(', ')})`,
  );
  console.log(
    `  DynamoDB calls: Query = accounts + 1 (the silences), Put = 2 × publishes (claim, confirm), ` +
      `BatchWrite ≤ ⌈(2 × accounts + publishes) / 25⌉ (account items, history chunks, sent-alert history): ` +
      `${verdict(result.invocations.every((i) => dynamoCallsOfInvocation(i).met))} (${result.invocations.map((i) => dynamoCallsOfInvocation(i).measured).join('; ')})`,
  );
  const failed = result.invocations.reduce((s, i) => s + i.failedAccounts, 0);
  if (failed > 0) console.log(`  note: ${failed} account checks failed`);
  if (result.dynamo !== undefined) printDynamoUnits(result.dynamo);

  return profileOf(result);
}

/**
 * The DynamoDB calls of an invocation against what the design allows: one Query per account (its items,
 * alert records and held alerts) plus one for the silences, a Put to claim and one to confirm each routed
 * publish, and batched writes of what changed (at most an account item and a history chunk per account,
 * and a history entry per publish).
 */
export function dynamoCallsOfInvocation(inv: Pick<InvocationFigures, 'dynamo' | 'expectedPublishes'>): { measured: string; met: boolean } {
  const calls = (name: string): number => inv.dynamo.get(`${name}Command`) ?? inv.dynamo.get(`${name}ItemCommand`) ?? 0;
  const batchBound = Math.ceil((2 * ACCOUNTS + inv.expectedPublishes) / 25);
  const others = [...inv.dynamo.entries()].filter(([name]) => !['QueryCommand', 'PutItemCommand', 'BatchWriteItemCommand'].includes(name)).reduce((sum, [, n]) => sum + n, 0);
  return {
    measured: `Query ${calls('Query')}/${ACCOUNTS + 1}, Put ${calls('Put')}/${2 * inv.expectedPublishes}, BatchWrite ${calls('BatchWrite')} ≤ ${batchBound}, other ${others}`,
    met: calls('Query') === ACCOUNTS + 1 && calls('Put') === 2 * inv.expectedPublishes && calls('BatchWrite') <= batchBound && others === 0,
  };
}

/** How often the dashboard is loaded in a month (each load runs every query widget once): ten times a day. */
const DASHBOARD_LOADS_PER_MONTH = 300;
/** The dashboard's default range (infra/dashboard.ts): every query scans this much of the log group. */
const DASHBOARD_RANGE_DAYS = 35;
/** START, END and REPORT lines Lambda writes per invocation (~100 + 60 + 290 bytes). */
const PLATFORM_LOG_BYTES = 450;
/** The construct's default log retention (three months). */
const LOG_RETENTION_MONTHS = 3;

/** The monthly profile of 100 accounts checked hourly, from the measured invocations and the synthesized stack. */
export function profileOf(result: Awaited<ReturnType<typeof measureAwsCalls>>): RunProfile {
  const [cold, , steady] = result.invocations as [InvocationFigures, InvocationFigures, InvocationFigures];
  // Hourly: the 15-minute key cache has always expired, so every run reads the keys as the cold one did.
  return {
    runsPerMonth: 730,
    durationSeconds: 5,
    memoryGb: 0.5,
    ssmParametersPerRun: cold.ssmParameters,
    ssmCallsPerRun: cold.ssmCalls,
    rruPerRun: steady.rru,
    wruPerRun: steady.wru,
    logBytesPerRun: steady.logBytes,
    platformLogBytesPerRun: PLATFORM_LOG_BYTES,
    logRetentionMonths: LOG_RETENTION_MONTHS,
    customMetrics: Math.max(...result.invocations.map((i) => i.customMetrics)),
    kmsKeys: result.deployment.kmsKeys,
    secrets: result.deployment.secrets,
    alarms: result.deployment.alarms,
    dashboards: result.deployment.dashboards,
    queryWidgets: result.deployment.queryWidgets,
    dashboardMetrics: result.deployment.dashboardMetrics,
    dashboardLoadsPerMonth: DASHBOARD_LOADS_PER_MONTH,
    dashboardRangeDays: DASHBOARD_RANGE_DAYS,
    otherDashboards: 0,
    alertsPerMonth: 6 * ACCOUNTS,
    topicsPerAlert: result.topicsPerAlert,
    // Each publish is filtered to one notify entry's subscription: one email each, no Chatbot in this config.
    emailPerPublish: 1,
    httpsPerPublish: 0,
    smsPerMonth: ACCOUNTS,
  };
}

/** Prints the monthly estimate of each configuration side by side (same items, same prices) and the assumptions. */
export function printCost(configs: readonly { label: string; profile: RunProfile }[]): void {
  const lines = configs.map((c) => monthlyCost(c.profile));
  const usd = (line: CostLine | undefined) => (line === undefined ? '—' : `$${line.usd.toFixed(line.usd < 1 ? 4 : 2)}`);
  printTable(
    `Monthly cost estimate: ${ACCOUNTS} accounts checked hourly (730 runs), prices ${PRICES.asOf}`,
    ['item', ...configs.flatMap((c) => [`${c.label}: quantity`, 'USD / month'])],
    [
      ...lines[0]!.map((line, i) => [line.item, ...lines.flatMap((ls) => [ls[i]?.quantity ?? '', usd(ls[i])])]),
      ['total', ...lines.flatMap((ls) => ['', `$${totalUsd(ls).toFixed(2)}`])],
      ['total if the dashboard is billed', ...configs.flatMap((c, i) => ['', `$${(totalUsd(lines[i]!) + dashboardSurcharge(c.profile)).toFixed(2)}`])],
    ],
  );
  const p = configs[0]!.profile;
  console.log(
    `  assumptions: ${p.durationSeconds} s per run at ${p.memoryGb * 1024} MB arm64; keys read every run (hourly > 15 min cache);` +
      ` DynamoDB units of the steady-state run; ${p.alertsPerMonth} alerts a month (6 per account) × ${p.topicsPerAlert.toFixed(2)} notify entries` +
      ` (as routed in the cold run), each publish one email; ${p.smsPerMonth} SMS (1 critical alert per account);` +
      ` EMF metrics and log bytes as the handler wrote them in a scheduled run, plus ${p.platformLogBytesPerRun} bytes of Lambda's own lines;` +
      ` logs kept ${p.logRetentionMonths} months (priced uncompressed: an upper bound); keys, secrets, alarms and query widgets counted in the synthesized stack;` +
      ` the dashboard loaded ${p.dashboardLoadsPerMonth} times a month over its ${p.dashboardRangeDays}-day range` +
      ` (each query widget scans ${(scannedGbPerQuery(p) * 1000).toFixed(1)} MB a load); one dashboard, free when the account has fewer than 3` +
      ` others and it draws at most ${PRICES.cloudwatchFreeDashboardMetrics} metrics (the last line bills it: an account that already has 3).`,
  );
}

/** What the dashboard costs when the account's free dashboards are taken. */
export function dashboardSurcharge(profile: RunProfile): number {
  const billed = monthlyCost(profile).find((l) => l.item === 'CloudWatch dashboard')?.usd ?? 0;
  return profile.dashboards * PRICES.cloudwatchDashboardMonth - billed;
}

export interface CostFigures {
  readonly profile: RunProfile;
  readonly monthlyUsd: number;
  /** The same with the dashboard billed (an account with 3 dashboards already). */
  readonly monthlyUsdDashboardBilled: number;
}

function costFigures(profile: RunProfile): CostFigures {
  const monthlyUsd = totalUsd(monthlyCost(profile));
  return { profile, monthlyUsd, monthlyUsdDashboardBilled: monthlyUsd + dashboardSurcharge(profile) };
}

/**
 * Measures and prints the calls of today's configuration, then the monthly cost beside the configuration before
 * issue 13 (per-account custom metrics and metric widgets, now the construct's `perAccountMetrics`).
 */
export async function runAwsCalls(): Promise<
  { result: Awaited<ReturnType<typeof measureAwsCalls>>; before: CostFigures } & CostFigures
> {
  const result = await measureAwsCalls();
  const profile = printAwsCalls(result);
  const before = profileOf(await measureAwsCalls({ perAccountMetrics: true }));
  printCost([
    { label: 'default (log fields, query widgets)', profile },
    { label: 'perAccountMetrics: true (as before)', profile: before },
  ]);
  return { result, ...costFigures(profile), before: costFigures(before) };
}

if (isMain(import.meta.url)) runMain(runAwsCalls);
