import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HandlerDeps } from '../../functions/check-handler.js';
import { parseBudgets, type BudgetsConfig } from '../../lib/config.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { answerSsmWithSandboxKeys, captureProcessOutput, handlerOnNewTable } from '../helpers/check-handler-harness.js';
import { dynamoClient, startDynalite } from '../helpers/dynalite.js';
import { lambdaContext, threeAccounts } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const ALERT_TOPIC = 'arn:aws:sns:us-east-1:123456789012:budget-alerts';
const SLACK_TOPIC = 'arn:aws:sns:us-east-1:123456789012:budget-alerts-slack';
/** As the construct routes the notify entries below: the shared topic (filtered by target), Slack on its own. */
const ROUTES = [
  { target: 'email:all@example.com', arn: ALERT_TOPIC },
  { target: 'email:team@example.com', arn: ALERT_TOPIC },
  { target: 'sms:+15551234567', arn: ALERT_TOPIC },
  { target: 'slack:T1/C1', arn: SLACK_TOPIC },
];


describe('the check-budgets handler', () => {
  let sandbox: Sandbox;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let dynamodb: DynamoDBClient;
  let config: BudgetsConfig;
  let table = 0;
  let logs: string[];
  const ssmMock = mockClient(SSMClient);
  const snsMock = mockClient(SNSClient);

  beforeAll(async () => {
    sandbox = await startSandbox({
      now: NOW,
      enforceRateLimits: false,
      accounts: threeAccounts(0),
    });
    dynalite = await startDynalite();
    dynamodb = dynamoClient(dynalite.endpoint);
    config = parseBudgets(
      `notify:
  - { email: all@example.com, minSeverity: info }
  - { email: team@example.com }
  - { sms: "+15551234567", minSeverity: critical }
  - { slack: { workspaceId: T1, channelId: C1 }, accounts: [vid], digest: daily }
accounts:
  - id: vid
    provider: pictory
    baseUrl: ${sandbox.urls.pictory}
    apiKey: { ssm: /budget-alerts/vid }
    budget: { monthly: 400, alertAt: [50, 80], forecastAt: [100] }
  - id: img
    provider: pixelcut
    baseUrl: ${sandbox.urls.pixelcut}
    apiKey: { ssm: /budget-alerts/img }
    balance: { below: 100 }
    schedule: rate(15 minutes)
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
    answerSsmWithSandboxKeys(ssmMock, sandbox, ['/budget-alerts/missing']);
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    // Logs and EMF metrics, to scan for secrets.
    logs = captureProcessOutput();
  });
  afterEach(() => vi.restoreAllMocks());

  const handlerFor = (overrides: Partial<HandlerDeps> = {}) => handlerOnNewTable({ dynamodb, config, routes: ROUTES, now: NOW }, `state-${table++}`, overrides);

  const published = () => snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input as PublishCommandInput);

  it('fetches the keys once per container: the warm invocation makes no SSM call', async () => {
    // Prepare
    const handler = await handlerFor();

    // Act
    const first = await handler({}, lambdaContext());
    const callsAfterFirst = ssmMock.commandCalls(GetParametersCommand).length;
    const second = await handler({}, lambdaContext());

    // Assess
    expect('accounts' in first && first.accounts.map((a) => a.status)).toEqual(['ok', 'ok', 'ok']);
    expect(callsAfterFirst).toBe(1);
    expect(ssmMock.commandCalls(GetParametersCommand)[0]!.args[0].input).toMatchObject({
      Names: ['/budget-alerts/vid', '/budget-alerts/img', '/budget-alerts/api'],
      WithDecryption: true,
    });
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(callsAfterFirst);
    expect('alerts' in second && second.alerts).toEqual([]);
  });

  it('publishes each alert once per notify entry that takes it (severity, accounts), with a body for every protocol', async () => {
    // Prepare
    const handler = await handlerFor();

    // Act
    const report = await handler({ accounts: ['vid', 'img'] }, lambdaContext());

    // Assess
    expect('alerts' in report && report.alerts.map((a) => `${a.key} ${a.severity}`).sort()).toEqual([
      'img/balance.low critical',
      'vid/budget.actual:50/2026-11 info',
      'vid/budget.actual:80/2026-11 warning',
      'vid/budget.forecast:100/2026-11 warning',
    ]);
    const byKey = new Map<string, string[]>();
    for (const input of published()) {
      const key = JSON.parse(JSON.parse(input.Message!).sqs).key as string;
      byKey.set(key, [...(byKey.get(key) ?? []), `${input.MessageAttributes?.target?.StringValue} ${input.TopicArn!.split(':').pop()}`]);
    }
    expect(byKey.get('vid/budget.actual:50/2026-11')).toEqual(['email:all@example.com budget-alerts']);
    expect(byKey.get('vid/budget.actual:80/2026-11')?.sort()).toEqual([
      'email:all@example.com budget-alerts',
      'email:team@example.com budget-alerts',
      'slack:T1/C1 budget-alerts-slack',
    ]);
    // The Slack entry routes only vid's alerts.
    expect(byKey.get('img/balance.low')?.sort()).toEqual([
      'email:all@example.com budget-alerts',
      'email:team@example.com budget-alerts',
      'sms:+15551234567 budget-alerts',
    ]);

    const critical = published().find((input) => input.MessageAttributes?.target?.StringValue === 'sms:+15551234567')!;
    expect(critical.MessageStructure).toBe('json');
    expect(critical.Subject!.length).toBeLessThanOrEqual(100);
    expect(critical.MessageAttributes).toMatchObject({
      severityRank: { DataType: 'Number', StringValue: '2' },
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'balance.low' },
      account: { DataType: 'String', StringValue: 'img' },
      provider: { DataType: 'String', StringValue: 'pixelcut' },
    });
    const bodies = JSON.parse(critical.Message!);
    expect(Object.keys(bodies)).toEqual(expect.arrayContaining(['default', 'email', 'sms', 'https', 'sqs', 'lambda']));
    expect(bodies.sms.length).toBeLessThanOrEqual(140);
    expect(JSON.parse(bodies.https)).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    expect(JSON.parse(bodies.sqs)).toMatchObject({ key: 'img/balance.low', kind: 'balance.low', status: 'firing' });
    expect(bodies.email).toMatch(/What to do next/);
  });

  it('answers a digest schedule from stored state: the entry’s accounts, published to its target, no key fetched', async () => {
    // Prepare: one check to have state, then the Slack entry's daily digest.
    const handler = await handlerFor();
    await handler({}, lambdaContext());
    ssmMock.resetHistory();
    snsMock.resetHistory();

    // Act
    const result = await handler({ digest: 'slack:T1/C1' }, lambdaContext());
    const unknown = await handler({ digest: 'email:nobody@example.com' }, lambdaContext());

    // Assess
    expect('digest' in result && result.digest.accounts.map((a) => [a.id, a.stale])).toEqual([['vid', false]]);
    expect(published().map((input) => [input.TopicArn, input.MessageAttributes?.kind?.StringValue])).toEqual([[SLACK_TOPIC, 'digest']]);
    expect(unknown).toMatchObject({ error: { code: 'invalid-request', message: expect.stringContaining('no notify entry') } });
    expect(ssmMock.commandCalls(GetParametersCommand)).toEqual([]);
  });

  it('checks only the accounts of the schedule group named in the rule input', async () => {
    const handler = await handlerFor();

    const report = await handler({ schedule: 'rate(15 minutes)' }, lambdaContext());

    expect('accounts' in report && report.accounts.map((a) => a.id)).toEqual(['img']);
  });

  it('checks every account on a plain EventBridge scheduled event', async () => {
    const handler = await handlerFor();

    const report = await handler(
      { version: '0', id: 'x', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: NOW.toISOString(), region: 'us-east-1', resources: [], detail: {} },
      lambdaContext(),
    );

    expect('accounts' in report && report.accounts).toHaveLength(3);
  });

  it('replays an instant and sends nothing with an on-demand dry run', async () => {
    const handler = await handlerFor();

    const report = await handler({ dryRun: true, now: '2026-11-10T00:00:00Z', accounts: ['vid'] }, lambdaContext());

    expect('checkedAt' in report && report.checkedAt).toBe('2026-11-10T00:00:00.000Z');
    expect('alerts' in report && report.alerts.length).toBeGreaterThan(0);
    expect(published()).toEqual([]);
  });

  it('replays a past instant consistently: the same replay twice sends nothing new', async () => {
    // Prepare: the wall clock is months past the replayed instant, beyond the records' retention.
    const handler = await handlerFor({ clock: () => new Date('2027-03-01T00:00:00Z') });
    const replay = { now: '2026-11-10T00:00:00Z', accounts: ['vid'] };

    // Act
    const first = await handler(replay, lambdaContext());
    const second = await handler(replay, lambdaContext());

    // Assess
    expect('alerts' in first && first.alerts.length).toBeGreaterThan(0);
    expect('alerts' in second && second.alerts).toEqual([]);
  });

  it.each([
    [{ accounts: 'vid' }, /accounts: .*expected array/i],
    [{ accounts: ['vid', 7] }, /accounts\[1\]: /],
    [{ now: 'yesterday' }, /now: /],
    [{ dryrun: true }, /unknown field\(s\) dryrun/],
    [{ accounts: ['nope'] }, /accounts: no account with id "nope"/],
  ])('rejects the on-demand payload %j, naming the field', async (event, message) => {
    const handler = await handlerFor();

    const result = await handler(event, lambdaContext());

    expect(result).toMatchObject({ error: { code: 'invalid-request' } });
    expect('error' in result && result.error.message).toMatch(message);
    expect(published()).toEqual([]);
    expect(ssmMock.commandCalls(GetParametersCommand)).toEqual([]);
  });

  it('silences from on-demand events: held while active, listed, sent once after, ended early by unsilence', async () => {
    // Prepare: one handler (one table) whose clock the test moves.
    let now = NOW;
    const handler = await handlerFor({ clock: () => now });
    const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);

    // Act
    const made = await handler({ silence: { matcher: 'vid/*', for: '2h', reason: 'batch' } }, lambdaContext());
    const imgOnly = await handler({ silence: { matcher: 'img/balance.low', until: at(48).toISOString() } }, lambdaContext());
    const listed = await handler({ silences: 'list' }, lambdaContext());
    const during = await handler({}, lambdaContext());
    now = at(3);
    const imgId = 'silence' in imgOnly ? imgOnly.silence.id : '';
    const removed = await handler({ unsilence: imgId }, lambdaContext());
    const after = await handler({}, lambdaContext());
    const again = await handler({}, lambdaContext());

    // Assess
    expect(made).toEqual({ silence: { id: expect.any(String), matcher: 'vid/*', startsAt: NOW.toISOString(), endsAt: at(2).toISOString(), reason: 'batch' } });
    expect('silences' in listed && listed.silences.map((s) => s.matcher).sort()).toEqual(['img/balance.low', 'vid/*']);
    expect('alerts' in during && during.alerts).toEqual([]);
    expect('silenced' in during && during.silenced?.map((a) => a.account).sort()).toEqual(['img', 'vid', 'vid', 'vid']);
    expect(removed).toMatchObject({ removed: { id: imgId, matcher: 'img/balance.low' } });
    expect('alerts' in after && after.alerts.map((a) => a.account).sort()).toEqual(['img', 'vid', 'vid', 'vid']);
    expect('alerts' in again && again.alerts).toEqual([]);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(1);
  });

  it.each([
    [{ silence: { matcher: 'video prod', for: '1h' } }, /matcher "video prod" may hold only printable characters/],
    [{ silence: { matcher: 'vid/*', for: 'a week' } }, /silence.for: "a week" is not a duration/],
    [{ silence: { matcher: 'vid/*' } }, /either "for" .* or "until"/],
    [{ silence: { matcher: 'vid/*', for: '1h', extra: 1 } }, /extra/],
    [{ unsilence: 'nope' }, /no silence with id "nope"/],
  ])('answers a bad silence event %j with invalid-request, naming the field', async (event, message) => {
    const handler = await handlerFor();

    const result = await handler(event, lambdaContext());

    expect(result).toMatchObject({ error: { code: 'invalid-request', message: expect.stringMatching(message) } });
    expect(ssmMock.commandCalls(GetParametersCommand)).toEqual([]);
  });

  it('fails only the account whose SSM parameter is missing', async () => {
    // Prepare
    const broken = parseBudgets(
      JSON.stringify({
        notify: config.notify,
        accounts: [
          { ...config.accounts[0], apiKey: { ssm: '/budget-alerts/missing' } },
          config.accounts[1],
        ],
      }),
      'budgets.json',
    );
    const handler = await handlerFor({ config: broken });

    // Act
    const report = await handler({}, lambdaContext());

    // Assess
    expect('accounts' in report && report.accounts.map((a) => `${a.id} ${a.status} ${a.error?.code ?? ''}`)).toEqual(['vid error key', 'img ok ']);
    expect('accounts' in report && report.accounts[0]!.error!.message).toMatch(/\/budget-alerts\/missing/);
  });

  it('throws when the state store fails, so that Lambda retries and the failure destination see it', async () => {
    // Prepare: a table that does not exist.
    const handler = await handlerFor({ tableName: 'no-such-table', ssmCacheKey: 'no-such-table' });

    // Act / Assess
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({ name: 'StateError', message: expect.stringContaining('no-such-table') });
    expect(published()).toEqual([]);
  });

  // Changed with issue 13: per-account metrics are opt-in (the construct's perAccountMetrics); the default, log fields
  // and run metrics only, is asserted in check-handler-figures.test.ts.
  it('emits per-account metrics when asked (perAccountMetrics) and never logs a key', async () => {
    // Prepare: one vendor echoes the key back in an error body.
    sandbox.inject({ vendor: 'account-api', fault: { kind: 'echo-key', status: 400 }, times: Infinity });
    const handler = await handlerFor({ perAccountMetrics: true });

    // Act
    await handler({}, lambdaContext());
    sandbox.clearFaults();

    // Assess
    const output = logs.join('');
    for (const id of ['vid', 'img', 'api']) expect(output).not.toContain(sandbox.keyOf(id));
    const emf = logs.map((line) => line.trim()).filter((line) => line.startsWith('{') && line.includes('"_aws"')).map((line) => JSON.parse(line));
    const vid = emf.find((m) => m.account === 'vid');
    expect(vid).toMatchObject({ provider: 'pictory', service: 'budget-alerts', UsedCredits: expect.any(Number), BudgetCredits: 400 });
    expect(vid._aws.CloudWatchMetrics[0].Namespace).toBe('BudgetAlerts');
    expect(vid._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'account', 'provider']]);
    expect(vid._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name).sort()).toEqual([
      'AvailableCredits', 'BudgetCredits', 'ForecastCredits', 'RunwayDays', 'UsedCredits',
    ]);
    expect(emf.find((m) => m.account === 'api')).toBeUndefined(); // its check failed: no figures
    const totals = emf.find((m) => 'ChecksFailed' in m);
    expect(totals).toMatchObject({ ChecksFailed: 1, AlertsSent: expect.any(Number) });
    expect(totals.account).toBeUndefined();
    expect(output).toMatch(/account check failed/);
  });
});
