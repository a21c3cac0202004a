import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HandlerDeps } from '../../functions/check-handler.js';
import { parseBudgets, type BudgetsConfig } from '../../lib/config.js';
import { ACCOUNT_LOG } from '../../lib/deployment.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { answerSsmWithSandboxKeys, captureProcessOutput, handlerOnNewTable } from '../helpers/check-handler-harness.js';
import { dynamoClient, startDynalite } from '../helpers/dynalite.js';
import { lambdaContext, threeAccounts } from '../helpers/fixtures.js';

// What the check function writes about each account (issue 13): one `account checked` log line per account and run,
// which the dashboard's Logs Insights queries read, and a handful of run metrics with no account dimension; the
// per-account custom metrics only with `perAccountMetrics`.

const NOW = new Date('2026-11-15T12:00:00Z');

/** A parsed log line or EMF document (their shapes are what the tests assert). */
type Json = Record<string, any>;

describe('the check handler’s figures', () => {
  let sandbox: Sandbox;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let dynamodb: DynamoDBClient;
  let config: BudgetsConfig;
  let table = 0;
  let output: string[];
  const ssmMock = mockClient(SSMClient);
  const snsMock = mockClient(SNSClient);

  beforeAll(async () => {
    sandbox = await startSandbox({ now: NOW, enforceRateLimits: false, accounts: threeAccounts(0) });
    dynalite = await startDynalite();
    dynamodb = dynamoClient(dynalite.endpoint);
    config = parseBudgets(
      `accounts:
  - id: vid
    provider: pictory
    baseUrl: ${sandbox.urls.pictory}
    apiKey: { ssm: /budget-alerts/vid }
    budget: { monthly: 400 }
    creditPrice: { amount: 0.0125, currency: USD }
  - id: img
    provider: pixelcut
    baseUrl: ${sandbox.urls.pixelcut}
    apiKey: { ssm: /budget-alerts/img }
  - id: api
    provider: account-api
    baseUrl: ${sandbox.urls['account-api']}
    apiKey: { ssm: /budget-alerts/api }
`,
      'budgets.json',
    );
  });
  afterAll(async () => {
    await sandbox?.close();
    await dynalite?.close();
  });

  beforeEach(() => {
    ssmMock.reset();
    snsMock.reset();
    answerSsmWithSandboxKeys(ssmMock, sandbox);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    output = captureProcessOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    sandbox.clearFaults();
  });

  const handlerFor = (overrides: Partial<HandlerDeps> = {}) =>
    handlerOnNewTable({ dynamodb, config, routes: [{ target: 'topic', arn: 'arn:aws:sns:us-east-1:123456789012:budget-alerts' }], now: NOW }, `figures-${table++}`, overrides);

  const jsonLines = (): Json[] =>
    output
      .join('')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Json);
  const emfDocuments = () => jsonLines().filter((line) => '_aws' in line);
  const accountLines = () => jsonLines().filter((line) => line.message === ACCOUNT_LOG.message);

  it('writes one `account checked` line per account checked, with its figures as flat fields, and none for a failed one', async () => {
    // Prepare: Account API echoes the key back in an error body.
    sandbox.inject({ vendor: 'account-api', fault: { kind: 'echo-key', status: 400 }, times: Infinity });
    const handler = await handlerFor();

    // Act
    const report = await handler({}, lambdaContext());

    // Assess
    expect('accounts' in report && report.accounts.map((a) => a.status)).toEqual(['ok', 'ok', 'error']);
    const lines = accountLines();
    expect(lines.map((line) => line.account)).toEqual(['vid', 'img']);
    const [vid, img] = lines;
    const vidReport = 'accounts' in report ? report.accounts[0]! : undefined;
    expect(vid).toMatchObject({
      level: 'INFO',
      service: 'budget-alerts',
      account: 'vid',
      provider: 'pictory',
      available: vidReport?.balance?.available,
      used: vidReport?.consumption?.used,
      budget: 400,
      forecast: vidReport?.consumption?.forecast,
      runwayDays: vidReport?.runwayDays,
      period: '2026-11',
      money: { currency: 'USD', ...vidReport?.money },
    });
    for (const field of ['available', 'used', 'budget', 'forecast', 'runwayDays']) expect(typeof vid?.[field]).toBe('number');
    // Pixelcut without a budget: the figures it has, nothing made up.
    expect(img).toMatchObject({ account: 'img', provider: 'pixelcut', available: 0 });
    expect(img).not.toHaveProperty('budget');
    expect(img).not.toHaveProperty('money');
    // The failed account is reported by its own warning, without figures, and no key is written anywhere.
    expect(jsonLines().find((line) => line.message === 'account check failed')).toMatchObject({ account: 'api', provider: 'account-api', code: expect.any(String) });
    const text = output.join('');
    for (const id of ['vid', 'img', 'api']) expect(text).not.toContain(sandbox.keyOf(id));
  });

  it('publishes only run metrics by default: checks failed, alerts sent and failed, accounts checked, with no account dimension', async () => {
    // Prepare
    const handler = await handlerFor();

    // Act
    await handler({}, lambdaContext());

    // Assess
    const documents = emfDocuments();
    const directives = documents.flatMap((doc) => doc._aws.CloudWatchMetrics as { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[]);
    expect(directives.flatMap((d) => d.Dimensions)).toEqual(directives.map(() => ['service']));
    expect(directives.flatMap((d) => d.Metrics.map((m) => m.Name)).sort()).toEqual(['AccountsChecked', 'AlertsFailed', 'AlertsSent', 'ChecksFailed']);
    expect(documents.filter((doc) => 'account' in doc)).toEqual([]);
    expect(documents[0]).toMatchObject({ service: 'budget-alerts', ChecksFailed: 0, AccountsChecked: 3 });
  });

  it('adds the schedule group’s run count on a scheduled run, still with no account dimension', async () => {
    // Prepare
    const handler = await handlerFor();

    // Act
    await handler({ schedule: 'rate(1 hour)' }, lambdaContext());

    // Assess
    const documents = emfDocuments();
    const runs = documents.find((doc) => 'ScheduledRuns' in doc);
    expect(runs).toMatchObject({ ScheduledRuns: 1, schedule: 'rate(1 hour)', service: 'budget-alerts' });
    expect(runs?._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'schedule']]);
    expect(documents.flatMap((doc) => doc._aws.CloudWatchMetrics.flatMap((d: { Dimensions: string[][] }) => d.Dimensions.flat()))).not.toContain('account');
    expect(accountLines()).toHaveLength(3);
  });

  it('publishes every checked account’s five metrics besides the log line with perAccountMetrics', async () => {
    // Prepare
    const handler = await handlerFor({ perAccountMetrics: true });

    // Act
    await handler({}, lambdaContext());

    // Assess
    const perAccount = emfDocuments().filter((doc) => 'account' in doc);
    expect(perAccount.map((doc) => doc.account)).toEqual(['vid', 'img', 'api']);
    for (const doc of perAccount) expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'account', 'provider']]);
    expect(perAccount[0]?._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name).sort()).toEqual([
      'AvailableCredits', 'BudgetCredits', 'ForecastCredits', 'RunwayDays', 'UsedCredits',
    ]);
    expect(accountLines().map((line) => line.account)).toEqual(['vid', 'img', 'api']);
  });
});
