import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeAlert } from '../../../lib/alerts/catalogue.js';
import { renderEmail, type ChatbotNotification } from '../../../lib/alerts/render.js';
import { isGsm7Basic } from '../../../lib/alerts/text.js';
import type { Alert } from '../../../lib/alerts/types.js';
import type { Severity } from '../../../lib/model.js';
import {
  buildPublishInput,
  createSnsPublisher,
  publishSizeOf,
  renderSnsBodies,
  SNS_MAX_MESSAGE_BYTES,
  buildDigestInput,
  buildGroupInput,
  type SnsAlertJson,
  type SnsRoute,
} from '../../../lib/delivery/sns-publisher.js';
import { buildDigest } from '../../../lib/digest/build.js';
import { PublishError } from '../../../lib/errors.js';

const INFO_ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-info';
const WARNING_ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-warning';
const CRITICAL_ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-critical';

/** Three notify entries: two on the shared alert topic (filtered by target), a Slack channel on a topic of its own. */
const ROUTES: readonly SnsRoute[] = [
  { target: 'email:all@example.com', arn: INFO_ARN },
  { target: 'email:team@example.com', arn: INFO_ARN },
  { target: 'slack:T1/C1', arn: CRITICAL_ARN },
];
const WARNING_ROUTE: SnsRoute = { target: 'email:team@example.com', arn: WARNING_ARN };

/** A firing budget alert with the title and message the renderer gives it. */
function budgetAlert(overrides: Partial<Alert> = {}): Alert {
  const base = {
    account: 'video-prod',
    provider: 'pictory' as const,
    kind: 'budget.actual' as const,
    severity: 'warning' as const,
    threshold: 80,
    value: 82.5,
    facts: { period: '2026-11', used: 412.5, budget: 500, forecast: 640, available: 88, runwayDays: 2.1, averageDailyUsed: 42 },
  };
  const { title, message } = describeAlert(base, 'firing');
  return {
    ...base,
    key: 'video-prod/budget.actual:80/2026-11',
    status: 'firing',
    title,
    message,
    at: '2026-11-20T12:00:00.000Z',
    ...overrides,
  };
}

/** A critical check failure whose vendor message is full of characters SMS and subjects cannot carry. */
function exoticAlert(): Alert {
  return budgetAlert({
    key: 'video-prod/check.failed',
    kind: 'check.failed',
    severity: 'critical',
    threshold: 1,
    value: 3,
    title: 'video-prod: the vendor rejects the API key “Ünïcødé” — 🚨 très urgent\nsecond line with a very long tail that keeps going past every limit an email subject could ever have',
    message: 'The vendor said “Unauthorized” — token rejected {code: 401} [see docs] ~ ≥ 1 attempt… 🚨',
    facts: { consecutiveFailures: 3, errorCode: 'auth', errorMessage: 'Unauthorized {401} 🚨' },
  });
}

function messageOf(input: PublishCommandInput | undefined): Record<string, string> {
  expect(input?.Message).toBeTypeOf('string');
  return JSON.parse(input?.Message ?? '') as Record<string, string>;
}

function machineJsonOf(body: string | undefined): SnsAlertJson {
  return JSON.parse(body ?? '') as SnsAlertJson;
}

describe('buildPublishInput', () => {
  it('renders every protocol body from the alert', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const input = buildPublishInput(alert, WARNING_ROUTE);
    const bodies = messageOf(input);

    // Assess
    expect(input?.MessageStructure).toBe('json');
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'email-json', 'https', 'lambda', 'sms', 'sqs']);
    expect(bodies.default).toContain(alert.title);
    expect(bodies.default).toContain(alert.message);
    expect(bodies.email).toBe(renderEmail(alert).text);
    expect(bodies.email).toContain('Alert key: video-prod/budget.actual:80/2026-11');
    expect(bodies.sms).toMatch(/^WARNING: video-prod: 80% of the monthly budget used/);
  });

  it('gives SMS subscribers at most 140 GSM-7 characters even from exotic text', () => {
    // Prepare
    const alert = exoticAlert();

    // Act
    const sms = messageOf(buildPublishInput(alert, WARNING_ROUTE)).sms ?? '';

    // Assess
    expect(sms.length).toBeGreaterThan(0);
    expect([...sms].length).toBeLessThanOrEqual(140);
    expect(isGsm7Basic(sms)).toBe(true);
  });

  it('gives https (AWS Chatbot) subscribers a custom notification that Slack renders as a card', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const card = JSON.parse(messageOf(buildPublishInput(alert, WARNING_ROUTE)).https ?? '') as ChatbotNotification;

    // Assess
    expect(card.version).toBe('1.0');
    expect(card.source).toBe('custom');
    expect(card.content.textType).toBe('client-markdown');
    expect(card.content.title).toContain(alert.title);
    expect(card.content.description).toContain(alert.message);
    expect(card.metadata.threadId).toBe('video-prod-budget.actual');
  });

  it('gives sqs, lambda and email-json subscribers the machine JSON of the alert', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const bodies = messageOf(buildPublishInput(alert, WARNING_ROUTE));

    // Assess
    for (const protocol of ['sqs', 'lambda', 'email-json']) {
      const json = machineJsonOf(bodies[protocol]);
      expect(json).toMatchObject({
        key: alert.key,
        account: 'video-prod',
        provider: 'pictory',
        kind: 'budget.actual',
        severity: 'warning',
        status: 'firing',
        threshold: 80,
        value: 82.5,
        at: alert.at,
      });
      expect(json.facts).toEqual(alert.facts);
      expect(json.truncated).toBeUndefined();
    }
  });

  it('makes a subject SNS accepts: under 100 printable ASCII characters on one line', () => {
    // Prepare
    const alert = exoticAlert();

    // Act
    const subject = buildPublishInput(alert, WARNING_ROUTE)?.Subject ?? '';

    // Assess
    expect(subject.length).toBeGreaterThan(10);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[!-~][ -~]*$/);
    expect(subject).toMatch(/^\[CRITICAL\] video-prod: the vendor rejects the API key "Unicode" - tres urgent/);
  });

  it('cuts a 100-character email subject to the 99 SNS allows', () => {
    // Prepare: a title without spaces, so the email subject is cut at exactly 100 characters.
    const alert = budgetAlert({ title: `video-prod:${'a'.repeat(200)}` });
    expect(renderEmail(alert).subject).toHaveLength(100);

    // Act
    const subject = buildPublishInput(alert, WARNING_ROUTE)?.Subject ?? '';

    // Assess
    expect(subject).toHaveLength(99);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('keeps an ordinary subject as the email renders it', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const subject = buildPublishInput(alert, WARNING_ROUTE)?.Subject;

    // Assess
    expect(subject).toBe(renderEmail(alert).subject);
  });

  it('adds the attributes subscription filter policies route on: the target, the severity rank, account and kind', () => {
    // Prepare
    const alert = budgetAlert({ status: 'resolved', kind: 'balance.low', severity: 'critical', provider: 'pixelcut' });

    // Act
    const input = buildPublishInput(alert, WARNING_ROUTE);

    // Assess
    expect(input?.MessageAttributes).toEqual({
      target: { DataType: 'String', StringValue: 'email:team@example.com' },
      severityRank: { DataType: 'Number', StringValue: '2' },
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'balance.low' },
      account: { DataType: 'String', StringValue: 'video-prod' },
      provider: { DataType: 'String', StringValue: 'pixelcut' },
      status: { DataType: 'String', StringValue: 'resolved' },
    });
  });
});

describe('the 256 KB guard', () => {
  it('shortens an enormous message to fit, keeping the identity and marking it truncated', () => {
    // Prepare: ~600 KB of text, with quotes and multi-byte characters that grow when JSON-escaped twice.
    const sentence = 'Le fournisseur a répondu "trop de requêtes" — réessayez plus tard. ';
    const alert = budgetAlert({ message: sentence.repeat(9_000) });
    expect(Buffer.byteLength(JSON.stringify(renderSnsBodies(alert)))).toBeGreaterThan(SNS_MAX_MESSAGE_BYTES);

    // Act
    const input = buildPublishInput(alert, WARNING_ROUTE);
    const bodies = messageOf(input);

    // Assess
    expect(input).toBeDefined();
    expect(publishSizeOf(input ?? {})).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    const json = machineJsonOf(bodies.sqs);
    expect(json).toMatchObject({ key: alert.key, kind: 'budget.actual', status: 'firing', truncated: true, facts: {} });
    expect(json.message.length).toBeLessThan(alert.message.length);
    expect(json.message.endsWith('...')).toBe(true);
    expect(bodies.email?.startsWith(alert.title)).toBe(true);
    expect(bodies.email).toContain('shortened to fit the 256 KB limit');
    expect(bodies.default?.length).toBeLessThan(alert.message.length);
    expect([...(bodies.sms ?? '')].length).toBeLessThanOrEqual(140);
    expect((JSON.parse(bodies.https ?? '') as ChatbotNotification).version).toBe('1.0');
  });

  it('shortens enormous facts too', () => {
    // Prepare: a vendor error message of 400 KB ends up in the email details and the machine facts.
    const alert = budgetAlert({
      kind: 'check.failed',
      severity: 'critical',
      facts: { errorCode: 'server', errorMessage: 'upstream exploded '.repeat(22_000), consecutiveFailures: 3 },
    });

    // Act
    const input = buildPublishInput(alert, WARNING_ROUTE);

    // Assess
    expect(publishSizeOf(input ?? {})).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    expect(machineJsonOf(messageOf(input).lambda)).toMatchObject({ key: alert.key, truncated: true, facts: {} });
  });

  it('leaves a message just under the limit alone', () => {
    // Prepare: a long message whose full bodies still fit.
    const alert = budgetAlert({ message: 'x'.repeat(40_000) });
    expect(Buffer.byteLength(JSON.stringify(renderSnsBodies(alert)))).toBeLessThan(SNS_MAX_MESSAGE_BYTES);

    // Act
    const bodies = messageOf(buildPublishInput(alert, WARNING_ROUTE));

    // Assess
    expect(machineJsonOf(bodies.sqs).message).toBe(alert.message);
    expect(machineJsonOf(bodies.sqs).truncated).toBeUndefined();
  });
});

describe('createSnsPublisher', () => {
  const client = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sns = mockClient(client);
  const WARNING_TARGET = { id: 'email:team@example.com', minSeverity: 'warning' } as const;

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  });

  afterEach(() => {
    sns.reset();
  });

  it('publishes the JSON message with its subject and attributes', async () => {
    // Prepare
    const alert = budgetAlert();
    const publisher = createSnsPublisher({ client, routes: [WARNING_ROUTE] });

    // Act
    await publisher.publish(alert, WARNING_TARGET);

    // Assess
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: WARNING_ARN,
      MessageStructure: 'json',
      Subject: renderEmail(alert).subject,
      MessageAttributes: expect.objectContaining({
        severity: { DataType: 'String', StringValue: 'warning' },
        kind: { DataType: 'String', StringValue: 'budget.actual' },
        account: { DataType: 'String', StringValue: 'video-prod' },
        provider: { DataType: 'String', StringValue: 'pictory' },
      }),
    });
    const bodies = messageOf(sns.commandCalls(PublishCommand)[0]?.args[0].input);
    expect(machineJsonOf(bodies.sqs).key).toBe(alert.key);
  });

  it('publishes to the topic of the target it is given, and only there', async () => {
    // Prepare
    const publisher = createSnsPublisher({ client, routes: ROUTES });

    // Act
    await publisher.publish(budgetAlert({ severity: 'critical' }), { id: 'slack:T1/C1', minSeverity: 'info' });

    // Assess
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([CRITICAL_ARN]);
  });

  it('throws a PublishError naming the topic and the alert, never the alert body', async () => {
    // Prepare
    sns.on(PublishCommand, { TopicArn: WARNING_ARN }).rejects(Object.assign(new Error('not allowed to publish'), { name: 'AuthorizationError' }));
    const alert = budgetAlert({ severity: 'critical', message: 'A body that must never reach an error message.' });
    const publisher = createSnsPublisher({ client, routes: [WARNING_ROUTE] });

    // Act
    const error = await publisher.publish(alert, WARNING_TARGET).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PublishError);
    const publishError = error as PublishError;
    expect(publishError.message).toContain(WARNING_ARN);
    expect(publishError.message).toContain(alert.key);
    expect(publishError.message).toContain('AuthorizationError');
    expect(publishError.message).not.toContain('must never reach');
    expect((publishError.cause as Error).message).toContain('not allowed');
  });

  it('refuses a target that has no topic', async () => {
    const publisher = createSnsPublisher({ client, routes: [WARNING_ROUTE] });

    const error = await publisher.publish(budgetAlert(), { id: 'email:nobody@example.com', minSeverity: 'critical' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe('messages of several alerts, and digests', () => {
  it('publishes what quiet hours held as one message, with every account and kind for the filter policies', () => {
    // Prepare
    const alerts = [budgetAlert(), budgetAlert({ key: 'images/balance.low', account: 'images', kind: 'balance.low', severity: 'critical' })];

    // Act
    const input = buildGroupInput(alerts, WARNING_ROUTE);

    // Assess
    const bodies = messageOf(input);
    expect(input.Subject).toBe('[CRITICAL] 2 alerts from the quiet hours: video-prod, images');
    expect(bodies.email).toContain('1. video-prod: 80% of the monthly budget used');
    expect(JSON.parse(bodies.sqs ?? '')).toMatchObject({ group: 'quiet-hours', alerts: [{ key: alerts[0]!.key }, { key: 'images/balance.low' }] });
    expect(input.MessageAttributes).toMatchObject({
      target: { DataType: 'String', StringValue: 'email:team@example.com' },
      severityRank: { DataType: 'Number', StringValue: '2' },
      account: { DataType: 'String.Array', StringValue: '["video-prod","images"]' },
      kind: { DataType: 'String.Array', StringValue: '["budget.actual","balance.low"]' },
    });
  });

  it('publishes a digest as a text table by mail, a card for Chatbot and the JSON for machines, marked kind digest', () => {
    // Prepare
    const digest = buildDigest({ accounts: [{ id: 'video-prod', provider: 'pictory', schedule: 'rate(1 hour)' }], states: new Map(), records: [], history: [], now: new Date('2026-11-20T08:00:00Z'), period: 'day' });

    // Act
    const input = buildDigestInput(digest, 'daily', WARNING_ROUTE);

    // Assess
    const bodies = messageOf(input);
    expect(input.Subject).toBe('Budget digest 2026-11-20: 1 account(s), 1 stale');
    expect(bodies.email).toMatch(/^ACCOUNT +AVAILABLE/m);
    expect((JSON.parse(bodies.https ?? '') as ChatbotNotification).content.title).toBe(':bar_chart: Budget daily digest, 2026-11-20');
    expect(JSON.parse(bodies.lambda ?? '')).toEqual(digest);
    expect(input.MessageAttributes).toMatchObject({ kind: { DataType: 'String', StringValue: 'digest' }, target: { StringValue: 'email:team@example.com' } });
  });
});
