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
  topicTargets,
  type SnsAlertJson,
  type SnsTopic,
} from '../../../lib/delivery/sns-publisher.js';
import { targetTakes } from '../../../lib/alerts/routing.js';
import { PublishError } from '../../../lib/errors.js';

const INFO_ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-info';
const WARNING_ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-warning';
const CRITICAL_ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-critical';

const ALL_TOPICS: readonly SnsTopic[] = [
  { minSeverity: 'info', arn: INFO_ARN },
  { minSeverity: 'warning', arn: WARNING_ARN },
  { minSeverity: 'critical', arn: CRITICAL_ARN },
];

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

describe('topicTargets', () => {
  it.each<[Severity, string[]]>([
    ['info', [INFO_ARN]],
    ['warning', [INFO_ARN, WARNING_ARN]],
    ['critical', [INFO_ARN, WARNING_ARN, CRITICAL_ARN]],
  ])('sends a %s alert to every topic whose minimum is at or below it', (severity, expected) => {
    // Prepare: all three topics. Act
    const arns = topicTargets(ALL_TOPICS).filter((target) => targetTakes(target, { severity })).map((target) => target.arn);

    // Assess
    expect(arns).toEqual(expected);
  });

  it('lists an ARN configured twice only once, so nobody receives the alert twice', () => {
    // Prepare
    const topics: SnsTopic[] = [
      { minSeverity: 'info', arn: INFO_ARN },
      { minSeverity: 'warning', arn: INFO_ARN },
    ];

    // Act
    const targets = topicTargets(topics);

    // Assess
    expect(targets).toEqual([{ id: 'topic:info', minSeverity: 'info', arn: INFO_ARN }]);
  });
});

describe('buildPublishInput', () => {
  it('renders every protocol body from the alert', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const input = buildPublishInput(alert, WARNING_ARN);
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
    const sms = messageOf(buildPublishInput(alert, WARNING_ARN)).sms ?? '';

    // Assess
    expect(sms.length).toBeGreaterThan(0);
    expect([...sms].length).toBeLessThanOrEqual(140);
    expect(isGsm7Basic(sms)).toBe(true);
  });

  it('gives https (AWS Chatbot) subscribers a custom notification that Slack renders as a card', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const card = JSON.parse(messageOf(buildPublishInput(alert, WARNING_ARN)).https ?? '') as ChatbotNotification;

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
    const bodies = messageOf(buildPublishInput(alert, WARNING_ARN));

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
    const subject = buildPublishInput(alert, WARNING_ARN)?.Subject ?? '';

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
    const subject = buildPublishInput(alert, WARNING_ARN)?.Subject ?? '';

    // Assess
    expect(subject).toHaveLength(99);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('keeps an ordinary subject as the email renders it', () => {
    // Prepare
    const alert = budgetAlert();

    // Act
    const subject = buildPublishInput(alert, WARNING_ARN)?.Subject;

    // Assess
    expect(subject).toBe(renderEmail(alert).subject);
  });

  it('adds string attributes subscribers can filter on', () => {
    // Prepare
    const alert = budgetAlert({ status: 'resolved', kind: 'balance.low', severity: 'critical', provider: 'pixelcut' });

    // Act
    const input = buildPublishInput(alert, WARNING_ARN);

    // Assess
    expect(input?.MessageAttributes).toEqual({
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
    const input = buildPublishInput(alert, WARNING_ARN);
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
    const input = buildPublishInput(alert, WARNING_ARN);

    // Assess
    expect(publishSizeOf(input ?? {})).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    expect(machineJsonOf(messageOf(input).lambda)).toMatchObject({ key: alert.key, truncated: true, facts: {} });
  });

  it('leaves a message just under the limit alone', () => {
    // Prepare: a long message whose full bodies still fit.
    const alert = budgetAlert({ message: 'x'.repeat(40_000) });
    expect(Buffer.byteLength(JSON.stringify(renderSnsBodies(alert)))).toBeLessThan(SNS_MAX_MESSAGE_BYTES);

    // Act
    const bodies = messageOf(buildPublishInput(alert, WARNING_ARN));

    // Assess
    expect(machineJsonOf(bodies.sqs).message).toBe(alert.message);
    expect(machineJsonOf(bodies.sqs).truncated).toBeUndefined();
  });
});

describe('createSnsPublisher', () => {
  const client = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sns = mockClient(client);
  const WARNING_TARGET = { id: 'topic:warning', minSeverity: 'warning' } as const;

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
    const publisher = createSnsPublisher({ client, topics: [{ minSeverity: 'warning', arn: WARNING_ARN }] });

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
    const publisher = createSnsPublisher({ client, topics: ALL_TOPICS });
    const critical = publisher.targets.find((t) => t.id === 'topic:critical')!;

    // Act
    await publisher.publish(budgetAlert({ severity: 'critical' }), critical);

    // Assess
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([CRITICAL_ARN]);
  });

  it('throws a PublishError naming the topic and the alert, never the alert body', async () => {
    // Prepare
    sns.on(PublishCommand, { TopicArn: WARNING_ARN }).rejects(Object.assign(new Error('not allowed to publish'), { name: 'AuthorizationError' }));
    const alert = budgetAlert({ severity: 'critical', message: 'A body that must never reach an error message.' });
    const publisher = createSnsPublisher({ client, topics: ALL_TOPICS });

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
    const publisher = createSnsPublisher({ client, topics: [{ minSeverity: 'warning', arn: WARNING_ARN }] });

    const error = await publisher.publish(budgetAlert(), { id: 'topic:critical', minSeverity: 'critical' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});
