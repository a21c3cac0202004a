import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBudgets } from '../../lib/config-schema.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { bundleHandler } from '../helpers/bundle.js';
import { createStateTable, dynamoClient, startDynalite } from '../helpers/dynalite.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const START = new Date('2026-10-01T00:00:00Z');
const ROOT = resolve(import.meta.dirname, '../..');

interface Recorded {
  readonly target: string;
  readonly body: string;
}

/** Answers SSM GetParameters (JSON 1.1) and SNS Publish (query protocol, XML) like AWS would, recording each call. */
async function startAwsRecorder(keys: Record<string, string>): Promise<{ url: string; calls: Recorded[]; server: Server }> {
  const calls: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? new URLSearchParams(body).get('Action') ?? '?');
      calls.push({ target, body });
      if (target === 'AmazonSSM.GetParameters') {
        const { Names } = JSON.parse(body) as { Names: string[] };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            Parameters: Names.filter((n) => keys[n]).map((n) => ({ Name: n, Type: 'SecureString', Value: keys[n], Version: 1 })),
            InvalidParameters: Names.filter((n) => !keys[n]),
          }),
        );
      } else if (target === 'Publish') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${calls.length}-0000</MessageId></PublishResult><ResponseMetadata><RequestId>r-${calls.length}</RequestId></ResponseMetadata></PublishResponse>`,
        );
      } else {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'UnknownOperation', message: target }));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

describe('the bundled function', () => {
  let sandbox: Sandbox;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let recorder: Awaited<ReturnType<typeof startAwsRecorder>>;
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      now: NOW,
      enforceRateLimits: false,
      accounts: [
        { id: 'vid', vendor: 'pictory', start: START, openingBalance: 1000, monthlyAllowance: 1000, burnPerHour: 1 },
        // Out of credits: Pixelcut answers 403 insufficient_api_credits, a critical balance of 0.
        { id: 'img', vendor: 'pixelcut', start: START, openingBalance: 0, burnPerHour: 0 },
      ],
    });
    dynalite = await startDynalite();
    await createStateTable(dynamoClient(dynalite.endpoint), 'budget-alerts-state');
    recorder = await startAwsRecorder({ '/budget-alerts/vid': sandbox.keyOf('vid'), '/budget-alerts/img': sandbox.keyOf('img') });
    // Inside the project, so that the runtime-provided @aws-sdk/* resolve from node_modules as on Lambda.
    await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
    dir = await mkdtemp(join(ROOT, 'node_modules/.cache/bundle-smoke-'));
    bundle = await bundleHandler(dir);
    // As `cdk synth` writes it: the validated budgets file.
    const budgets = validateBudgets(
      {
        accounts: [
          { id: 'vid', provider: 'pictory', baseUrl: sandbox.urls.pictory, apiKey: { ssm: '/budget-alerts/vid' }, budget: { monthly: 400, alertAt: [80] } },
          { id: 'img', provider: 'pixelcut', baseUrl: sandbox.urls.pixelcut, apiKey: { ssm: '/budget-alerts/img' }, balance: { below: 100 } },
        ],
      },
      'budgets.json',
    );
    await writeFile(join(dir, 'budgets.json'), JSON.stringify(budgets));
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
    await dynalite?.close();
    recorder?.server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is small and self-contained but for the AWS SDK', async () => {
    expect((await stat(bundle)).size).toBeLessThan(1_500_000);
  });

  it('reads node:http, node:https and node:fs with require, not as ES modules (lib/node-builtins.ts)', async () => {
    // An ESM import of them runs their lazy getters, which on Node 24 load undici, worker_threads and readline at cold start.
    const text = await readFile(bundle, 'utf8');
    const esmImports = [...text.matchAll(/from\s*["'](node:)?(https?|fs)["']/g)].map((m) => m[0]);

    expect(esmImports).toEqual([]);
    expect(text).toMatch(/\("node:http"\)/);
  });

  it('loads in a fresh Node process and handles an on-demand event against loopback AWS endpoints', async () => {
    // Prepare
    const script = `
      const { handler } = await import(${JSON.stringify(bundle)});
      const context = { functionName: 'check', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:check', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60000 };
      const report = await handler({ now: ${JSON.stringify(NOW.toISOString())} }, context);
      process.stdout.write('REPORT ' + JSON.stringify(report) + '\\n');`;
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SSM: recorder.url,
      AWS_ENDPOINT_URL_SNS: recorder.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      STATE_TABLE_NAME: 'budget-alerts-state',
      ALERT_TARGETS: JSON.stringify([{ target: 'topic', arn: 'arn:aws:sns:us-east-1:123456789012:alerts' }]),
      POWERTOOLS_SERVICE_NAME: 'budget-alerts',
      POWERTOOLS_METRICS_NAMESPACE: 'BudgetAlerts',
    };

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env, cwd: dir });

    // Assess
    const reportLine = stdout.split('\n').find((line) => line.startsWith('REPORT '))!;
    const report = JSON.parse(reportLine.slice('REPORT '.length));
    expect(report.accounts.map((a: { id: string; status: string }) => `${a.id}:${a.status}`)).toEqual(['vid:ok', 'img:ok']);
    expect(recorder.calls.filter((c) => c.target === 'AmazonSSM.GetParameters')).toHaveLength(1);
    const publishes = recorder.calls.filter((c) => c.target === 'Publish').map((c) => new URLSearchParams(c.body));
    const routed = publishes.map((p) => `${JSON.parse(JSON.parse(p.get('Message')!).sqs).key} -> ${p.get('TopicArn')!.split(':').pop()}`).sort();
    // No notify entries: one publish per alert of warning and above to the alert topic, for hand-made subscriptions.
    expect(routed).toEqual([
      'img/balance.low -> alerts',
      'vid/budget.actual:80/2026-11 -> alerts',
      'vid/budget.forecast:100/2026-11 -> alerts',
    ]);
    expect(publishes.map((p) => p.get('MessageAttributes.entry.1.Value.StringValue'))).toEqual(['topic', 'topic', 'topic']);
    expect(publishes.every((p) => p.get('MessageStructure') === 'json')).toBe(true);
    for (const id of ['vid', 'img']) expect(stdout).not.toContain(sandbox.keyOf(id));
  }, 60_000);
});
