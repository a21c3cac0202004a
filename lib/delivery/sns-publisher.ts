import { PublishCommand, type MessageAttributeValue, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { renderChatbot, renderEmail, renderEmailLinks, renderJson, renderSms, type MessageLink } from '../alerts/render.js';
import type { AlertJson } from '../report.js';
import type { DeliveryTarget } from '../alerts/routing.js';
import { truncate, TYPOGRAPHY_TO_ASCII } from '../alerts/text.js';
import type { Alert } from '../alerts/types.js';
import { severityRank, type Severity } from '../model.js';
import type { FindingFacts } from '../budget/types.js';
import { PublishError } from '../errors.js';
import type { AlertPublisher } from './types.js';

/** One SNS topic and the least severe alert it takes. */
export interface SnsTopic {
  readonly minSeverity: Severity;
  readonly arn: string;
}

/** What the SNS publisher needs: an injected client (created once per container) and the topics. */
export interface SnsPublisherOptions {
  readonly client: SNSClient;
  readonly topics: readonly SnsTopic[];
  /** The snooze links of a firing alert, for its email and Chatbot card (none when absent). */
  readonly links?: AlertLinks;
}

/** A link a message offers its reader, e.g. "Snooze 1 day". */
export type AlertLink = MessageLink;

/** The links to put in an alert's messages. */
export type AlertLinks = (alert: Alert) => readonly AlertLink[];

/** The per-protocol bodies of one `MessageStructure: "json"` message (keys are SNS protocol names). */
export interface SnsMessageBodies {
  readonly default: string;
  readonly email: string;
  readonly 'email-json': string;
  readonly sms: string;
  readonly https: string;
  readonly sqs: string;
  readonly lambda: string;
}

/** The machine form as subscribers receive it: `truncated` is set when bodies were shrunk to fit SNS. */
export type SnsAlertJson = AlertJson & { readonly truncated?: true };

/** SNS's default (and the topics' usual) maximum: message body plus attributes, in bytes. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/**
 * SNS documents subjects as "less than 100 characters"; renderEmail allows 100, so one more is cut
 * here rather than risking an InvalidParameter for the whole publish.
 */
export const SNS_SUBJECT_MAX = 99;

/**
 * Length caps (in characters) tried in turn for the long free-text fields when a message does not
 * fit. The message appears in five bodies (default, email, sqs, lambda, email-json), so even the
 * first cap keeps an all-ASCII alert well under the limit; the later ones cover multi-byte text and
 * heavy JSON escaping.
 */
const SHRINK_CAPS = [32_000, 8_000, 2_000, 500] as const;

const TRUNCATION_NOTE = '[This alert was shortened to fit the 256 KB limit of Amazon SNS.]';

/**
 * The delivery targets of a set of topics: one per topic ARN (an ARN configured twice is one target,
 * with the lower minimum, so nobody receives an alert twice), with the id `topic:<minSeverity>`.
 */
export function topicTargets(topics: readonly SnsTopic[]): (DeliveryTarget & { readonly arn: string })[] {
  const byArn = new Map<string, SnsTopic>();
  for (const topic of topics) {
    const known = byArn.get(topic.arn);
    if (known === undefined || severityRank(topic.minSeverity) < severityRank(known.minSeverity)) byArn.set(topic.arn, topic);
  }
  return [...byArn.values()].map((topic) => ({ id: `topic:${topic.minSeverity}`, minSeverity: topic.minSeverity, arn: topic.arn }));
}

/** The Publish input of one alert for one topic; `links` go into its email and Chatbot card. */
export function buildPublishInput(alert: Alert, topicArn: string, links: readonly AlertLink[] = []): PublishCommandInput {
  const subject = snsSubject(renderEmail(alert).subject, alert);
  const attributes = messageAttributes(alert);
  return {
    TopicArn: topicArn,
    MessageStructure: 'json',
    Message: fittingMessage(alert, subject, attributes, links),
    Subject: subject,
    MessageAttributes: attributes,
  };
}

/** The per-protocol bodies of an alert, unshortened. */
export function renderSnsBodies(alert: Alert, links: readonly AlertLink[] = []): SnsMessageBodies {
  return bodiesOf(alert, renderJson(alert), renderEmail(alert, links).text, links);
}

/** Bytes SNS counts against its size limit: the message, the subject and every attribute's name, type and value. */
export function publishSizeOf(input: Partial<Pick<PublishCommandInput, 'Message' | 'Subject' | 'MessageAttributes'>>): number {
  let size = Buffer.byteLength(input.Message ?? '') + Buffer.byteLength(input.Subject ?? '');
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
    size += value.BinaryValue?.byteLength ?? 0;
  }
  return size;
}

/** Publishes an alert to a target's topic; throws a PublishError naming the topic when SNS refuses it. */
export function createSnsPublisher(options: SnsPublisherOptions): AlertPublisher & { readonly targets: readonly DeliveryTarget[] } {
  const { client } = options;
  const targets = topicTargets(options.topics);
  const arnOf = new Map(targets.map((t) => [t.id, t.arn]));
  return {
    targets,
    async publish(alert: Alert, target: DeliveryTarget): Promise<void> {
      const arn = arnOf.get(target.id);
      if (arn === undefined) throw new PublishError(`Publishing alert ${alert.key}: no SNS topic for target ${target.id}`);
      try {
        // Throttling is retried by the SDK's own retry strategy before a rejection reaches us.
        await client.send(new PublishCommand(buildPublishInput(alert, arn, options.links?.(alert))));
      } catch (error) {
        throw new PublishError(`Publishing alert ${alert.key} to SNS topic ${arn} failed: ${(error as Error)?.name ?? 'Error'}`, {
          cause: error,
          maybeDelivered: !refusedBySns(error),
        });
      }
    },
  };
}

/** SNS answered with a client error (4xx): it did not take the message. Anything else may have reached it. */
function refusedBySns(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/** The JSON `Message`: the full bodies when they fit, else progressively shortened ones marked truncated. */
function fittingMessage(
  alert: Alert,
  subject: string,
  attributes: Record<string, MessageAttributeValue>,
  links: readonly AlertLink[],
): string {
  const fits = (message: string): boolean =>
    publishSizeOf({ Message: message, Subject: subject, MessageAttributes: attributes }) <= SNS_MAX_MESSAGE_BYTES;
  const full = JSON.stringify(renderSnsBodies(alert, links));
  if (fits(full)) return full;
  for (const cap of SHRINK_CAPS) {
    const message = JSON.stringify(shrunkBodies(alert, cap, links));
    if (fits(message)) return message;
  }
  // Only reachable if fields we never cut (key, account, ...) are themselves enormous: a bug upstream.
  throw new PublishError(`Alert ${alert.key} does not fit in an SNS message even when shortened`);
}

/**
 * Bodies rendered from a copy of the alert whose free text is cut to `cap` characters; the machine JSON
 * drops `facts` (the renderers have already turned them into text) and says `truncated: true`. The
 * email's links come after the cut, whole.
 */
function shrunkBodies(alert: Alert, cap: number, links: readonly AlertLink[]): SnsMessageBodies {
  const short: Alert = {
    ...alert,
    title: truncate(alert.title, cap),
    message: truncate(alert.message, cap),
    facts: capFactStrings(alert.facts, cap),
  };
  const machine: SnsAlertJson = { ...renderJson(short), facts: {}, truncated: true };
  const linkBlock = links.length > 0 ? `\n${renderEmailLinks(links)}\n` : '';
  const email = `${truncate(renderEmail(short).text, cap * 2)}\n${TRUNCATION_NOTE}\n${linkBlock}`;
  return bodiesOf(short, machine, email, links);
}

function bodiesOf(alert: Alert, machine: SnsAlertJson, emailText: string, links: readonly AlertLink[]): SnsMessageBodies {
  const json = JSON.stringify(machine);
  return {
    default: `${alert.title}\n\n${alert.message}`,
    email: emailText,
    'email-json': json,
    sms: renderSms(alert),
    // AWS Chatbot subscribes through an https endpoint and renders the custom-notification JSON it finds in the body.
    https: JSON.stringify(renderChatbot(alert, links)),
    sqs: json,
    lambda: json,
  };
}

function capFactStrings(facts: FindingFacts, cap: number): FindingFacts {
  const entries = Object.entries(facts).map(([name, value]) => [name, typeof value === 'string' ? truncate(value, cap) : value]);
  return Object.fromEntries(entries) as FindingFacts;
}

/** String attributes so subscribers can filter (e.g. a Slack channel for one account) without parsing bodies. */
function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  return {
    severity: text(alert.severity),
    kind: text(alert.kind),
    account: text(alert.account),
    provider: text(alert.provider),
    status: text(alert.status),
  };
}

const ASCII_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ...TYPOGRAPHY_TO_ASCII,
  ['£', 'GBP'],
  // Letters that have no decomposition, so stripping accents would drop them.
  ['ø', 'o'],
  ['Ø', 'O'],
  ['æ', 'ae'],
  ['Æ', 'AE'],
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['ß', 'ss'],
  ['ł', 'l'],
  ['Ł', 'L'],
  ['đ', 'd'],
  ['Đ', 'D'],
]);

/**
 * A subject SNS accepts: printable ASCII on one line, starting with a letter, digit or punctuation,
 * under 100 characters. SNS rejects the whole publish otherwise, so this never trusts the renderer.
 */
function snsSubject(subject: string, alert: Alert): string {
  const ascii = toAsciiLine(subject);
  return truncate(ascii !== '' ? ascii : toAsciiLine(`[${alert.severity.toUpperCase()}] ${alert.kind}`), SNS_SUBJECT_MAX);
}

/** Printable ASCII on one line: typographic punctuation spelled out, accents stripped, the rest dropped. */
function toAsciiLine(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/\s/u.test(ch)) out += ' ';
    else if (ch >= ' ' && ch <= '~') out += ch;
    else {
      const replacement = ASCII_REPLACEMENTS.get(ch) ?? ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += [...replacement].filter((c) => c >= '!' && c <= '~').join('');
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}
