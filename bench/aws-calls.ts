// AWS calls per run: SSM, SNS and DynamoDB calls of a cold and a warm invocation of the real handler
// (functions/check-handler.ts) with 100 accounts, counted at the SDK boundary; then a monthly cost estimate.
// Run alone: npx tsx bench/aws-calls.ts
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createCheckHandler } from '../functions/check-handler.js';
import type { Report } from '../lib/report.js';
import { validateBudgets } from '../lib/config-schema.js';
import { createDynamoDbStore } from '../lib/state/dynamodb-store.js';
import type { AccountState } from '../lib/state/types.js';
import { createStateTable, dynamoClient, startDynalite } from '../test/helpers/dynalite.js';
import { startAwsRecorder } from './lib/aws-recorder.js';
import { monthlyCost, PRICES, type RunProfile } from './lib/cost.js';
import { isMain, runMain } from './lib/main.js';
import { startRemoteSandbox } from './lib/sandbox-process.js';
import { formatMs, printTable, verdict } from './lib/stats.js';
import { BENCH_NOW, benchSpecs } from './lib/workload.js';
import { LATENCY_MS } from './throughput.js';
import { lambdaContext } from '../test/helpers/fixtures.js';

const ACCOUNTS = 100;
const TABLE = 'budget-alerts-state';
const HOUR_MS = 3_600_000;
const TOPICS = [
  { minSeverity: 'info' as const, arn: 'arn:aws:sns:us-east-1:123456789012:budget-alerts-info' },
  { minSeverity: 'warning' as const, arn: 'arn:aws:sns:us-east-1:123456789012:budget-alerts-warning' },
  { minSeverity: 'critical' as const, arn: 'arn:aws:sns:us-east-1:123456789012:budget-alerts-critical' },
];
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

export async function measureAwsCalls(): Promise<{ invocations: InvocationFigures[]; topicsPerAlert: number }> {
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
    const handler = createCheckHandler({
      config,
      tableName: TABLE,
      topics: TOPICS,
      sns,
      dynamodb,
      logger: new Logger({ serviceName: 'budget-alerts' }),
      metrics: new Metrics({ namespace: 'BudgetAlerts', serviceName: 'budget-alerts' }),
      ssmCacheKey: `bench-aws-calls-${process.pid}-${Date.now()}`,
    });

    const invoke = async (label: string, now: Date): Promise<InvocationFigures> => {
      await sandbox.setNow(now);
      recorder.reset();
      dynamoCounts.calls.clear();
      dynamoCounts.rru = 0;
      dynamoCounts.wru = 0;
      snsCounts.calls.clear();
      const start = performance.now();
      const { value, text } = await captureOutput(
        () => handler({ now: now.toISOString() }, lambdaContext(300_000)) as Promise<Report | { error: { message: string } }>,
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
    // comes from them), which makes its item ~40 KB: seed that, so reads and writes are sized as in month 2.
    const steadyAt = new Date(BENCH_NOW.getTime() + 2 * HOUR_MS);
    const seeding = createDynamoDbStore({ client: dynamoClient(dynalite.endpoint), tableName: TABLE, now: () => steadyAt });
    const history = Array.from({ length: 40 * 24 }, (_, i) => ({
      at: new Date(steadyAt.getTime() - (40 * 24 - i) * HOUR_MS).toISOString(),
      available: 2_000 + (40 * 24 - i) * 1.3,
    }));
    await seeding.saveAccounts(
      new Map<string, AccountState>(
        specs.filter((s) => s.vendor === 'pixelcut').map((s) => [s.id, { consecutiveFailures: 0, balanceHistory: history, lastCheckedAt: history.at(-1)!.at }]),
      ),
    );
    invocations.push(await invoke('warm, 2 h later, 40-day histories', steadyAt));
    const cold = invocations[0]!;
    return { invocations, topicsPerAlert: cold.alerts === 0 ? 1 : cold.expectedPublishes / cold.alerts };
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
    `AWS calls per invocation of the handler, ${ACCOUNTS} accounts (3 SNS topics: info, warning, critical; counted at the SDK boundary)`,
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
  const expectedDynamo = (inv: InvocationFigures): number => ACCOUNTS + 2 * inv.alerts + Math.ceil(ACCOUNTS / 25);
  const dynamoTotal = (inv: InvocationFigures): number => [...inv.dynamo.values()].reduce((a, b) => a + b, 0);
  console.log(`  warm: SSM calls ${warm.ssmCalls + steady.ssmCalls} (target 0): ${verdict(warm.ssmCalls === 0 && steady.ssmCalls === 0)}`);
  console.log(
    `  SNS calls = alerts × topics routed: ${verdict(result.invocations.every((i) => i.sns === i.expectedPublishes))}` +
      ` (${result.invocations.map((i) => `${i.sns} = ${i.expectedPublishes}`).join(', ')})`,
  );
  console.log(
    `  DynamoDB calls = accounts (Query) + 2 × alerts (claim, confirm) + ⌈accounts / 25⌉ (BatchWrite): ` +
      `${verdict(result.invocations.every((i) => dynamoTotal(i) === expectedDynamo(i)))} (${result.invocations.map((i) => `${dynamoTotal(i)} = ${expectedDynamo(i)}`).join(', ')})`,
  );
  const failed = result.invocations.reduce((s, i) => s + i.failedAccounts, 0);
  if (failed > 0) console.log(`  note: ${failed} account checks failed`);

  // Hourly: the 15-minute key cache has always expired, so every run reads the keys as the cold one did.
  const profile: RunProfile = {
    runsPerMonth: 730,
    durationSeconds: 5,
    memoryGb: 0.5,
    ssmParametersPerRun: cold.ssmParameters,
    ssmCallsPerRun: cold.ssmCalls,
    rruPerRun: steady.rru,
    wruPerRun: steady.wru,
    logBytesPerRun: steady.logBytes,
    customMetrics: Math.max(cold.customMetrics, steady.customMetrics),
    alertsPerMonth: 6 * ACCOUNTS,
    topicsPerAlert: result.topicsPerAlert,
    emailPerPublish: 1,
    httpsPerPublish: 1,
    smsPerMonth: ACCOUNTS,
  };
  const lines = monthlyCost(profile);
  const total = lines.reduce((s, l) => s + l.usd, 0);
  printTable(
    `Monthly cost estimate: ${ACCOUNTS} accounts checked hourly (${profile.runsPerMonth} runs), prices ${PRICES.asOf}`,
    ['item', 'quantity', 'USD / month'],
    [...lines.map((l) => [l.item, l.quantity, `$${l.usd.toFixed(l.usd < 1 ? 4 : 2)}`]), ['total', '', `$${total.toFixed(2)}`]],
  );
  console.log(
    `  assumptions: ${profile.durationSeconds} s per run at ${profile.memoryGb * 1024} MB arm64 (measured here: ${formatMs(steady.durationMs)} with ${LATENCY_MS} ms vendors);` +
      ` keys read every run (hourly > 15 min cache); DynamoDB units of the steady-state run;` +
      ` ${profile.alertsPerMonth} alerts a month (6 per account) × ${profile.topicsPerAlert.toFixed(2)} topics (as routed in the cold run);` +
      ` 1 email and 1 https (Chatbot) subscriber per topic; ${profile.smsPerMonth} SMS (1 critical alert per account);` +
      ` ${profile.customMetrics} distinct EMF metrics, as the handler emits them.`,
  );
  return profile;
}

export async function runAwsCalls(): Promise<{ result: Awaited<ReturnType<typeof measureAwsCalls>>; profile: RunProfile; monthlyUsd: number }> {
  const result = await measureAwsCalls();
  const profile = printAwsCalls(result);
  return { result, profile, monthlyUsd: monthlyCost(profile).reduce((sum, line) => sum + line.usd, 0) };
}

if (isMain(import.meta.url)) runMain(runAwsCalls);
