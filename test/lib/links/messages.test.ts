import 'aws-sdk-client-mock-vitest/extend';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS, renderChatbot, renderEmail, renderSms } from '../../../lib/alerts/render.js';
import { buildPublishInput, createSnsPublisher, renderSnsBodies, SNS_MAX_MESSAGE_BYTES } from '../../../lib/delivery/sns-publisher.js';
import { createLinkSigner } from '../../../lib/links/signer.js';
import { firingAlert, LINK_BASE, SECRET } from './fixtures.js';

const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET });
const ARN = 'arn:aws:sns:eu-west-1:123456789012:budget-alerts-warning';

describe('snooze links in the messages of a firing alert', () => {
  it('adds one block of links to the email, before the alert key, and changes nothing else', () => {
    // Prepare
    const alert = firingAlert();
    const links = sign(alert);

    // Act
    const plain = renderEmail(alert);
    const linked = renderEmail(alert, links);

    // Assess
    expect(linked.subject).toBe(plain.subject);
    const block = [
      'Snooze (each link opens a page that asks before it changes anything)',
      ...links.map((l) => `  ${l.label}: ${l.url}`),
    ].join('\n');
    const [before, after] = plain.text.split('Alert key:');
    expect(linked.text).toBe(`${before}${block}\n\nAlert key:${after}`);
  });

  it('ends the Chatbot description with one line of Slack links, the rest unchanged', () => {
    // Prepare
    const alert = firingAlert();
    const links = sign(alert);

    // Act
    const plain = renderChatbot(alert);
    const linked = renderChatbot(alert, links);

    // Assess
    const line = `*Snooze:* ${links.map((l) => `<${l.url}|${l.label}>`).join(' · ')}`;
    expect(linked.content.description).toBe(`${plain.content.description}\n${line}`);
    expect({ ...linked, content: { ...linked.content, description: '' } }).toEqual({ ...plain, content: { ...plain.content, description: '' } });
  });

  it('keeps the Chatbot links whole when the description must be cut', () => {
    // Prepare
    const alert = firingAlert({ message: 'x'.repeat(20_000) });
    const links = sign(alert);

    // Act
    const { description } = renderChatbot(alert, links).content;

    // Assess
    expect(description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
    for (const link of links) expect(description).toContain(`<${link.url}|${link.label}>`);
  });

  it('renders byte-identical messages when there are no links', () => {
    const alert = firingAlert();
    expect(renderEmail(alert, [])).toEqual(renderEmail(alert));
    expect(renderChatbot(alert, [])).toEqual(renderChatbot(alert));
    expect(renderSnsBodies(alert, [])).toEqual(renderSnsBodies(alert));
  });

  it('puts the links in the email and https (Chatbot) bodies only: SMS, default and machine JSON carry none', () => {
    // Prepare
    const alert = firingAlert();
    const links = sign(alert);

    // Act
    const bodies = renderSnsBodies(alert, links);

    // Assess
    const url = links[0]!.url;
    expect(bodies.email).toContain(url);
    expect(bodies.https).toContain(JSON.stringify(url).slice(1, -1));
    for (const body of [bodies.sms, bodies.default, bodies.sqs, bodies.lambda, bodies['email-json']]) expect(body).not.toContain('lambda-url');
    expect(bodies.sms).toBe(renderSms(alert));
  });

  it('keeps the email links whole after the cut when an enormous alert is shortened to fit SNS', () => {
    // Prepare
    const alert = firingAlert({ message: '€'.repeat(200_000) });
    const links = sign(alert);

    // Act
    const input = buildPublishInput(alert, { target: 'topic:warning', arn: ARN }, links);

    // Assess
    expect(Buffer.byteLength(input.Message!)).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    const email = (JSON.parse(input.Message!) as { email: string }).email;
    expect(email).toContain('shortened to fit');
    for (const link of links) expect(email).toContain(`${link.label}: ${link.url}`);
  });
});

describe('createSnsPublisher with links', () => {
  const client = new SNSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sns = mockClient(client);
  const TARGET = { id: 'topic:warning', minSeverity: 'warning' } as const;

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  });
  afterEach(() => sns.reset());

  it('asks the signer for each alert and publishes its links; a resolved alert goes out without any', async () => {
    // Prepare
    const publisher = createSnsPublisher({ client, routes: [{ target: 'topic:warning', arn: ARN }], links: sign });

    // Act
    await publisher.publish(firingAlert(), TARGET);
    await publisher.publish(firingAlert({ status: 'resolved' }), TARGET);

    // Assess
    const [firing, resolved] = sns.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message!) as Record<string, string>);
    expect(firing!.email).toContain('Snooze 1 week: https://abc123.lambda-url.eu-west-1.on.aws/?t=');
    expect(firing!.https).toContain('|Silence this account for 1 day>');
    expect(resolved!.email).not.toContain('Snooze');
    expect(resolved).toEqual(renderSnsBodies(firingAlert({ status: 'resolved' })));
  });
});
