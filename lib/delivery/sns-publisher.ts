import { PublishCommand, type MessageAttributeValue, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { renderChatbot, renderEmail, renderEmailLinks, renderJson, renderSms, type MessageLink } from '../alerts/render.js';
import type { AlertJson } from '../report.js';
import type { DeliveryTarget } from '../alerts/routing.js';
import { truncate, TYPOGRAPHY_TO_ASCII } from '../alerts/text.js';
import type { Alert } from '../alerts/types.js';
import { maxSeverity, severityRank } from '../model.js';
import { renderGroupChatbot, renderGroupEmail, renderGroupJson, renderGroupSms } from '../alerts/render-group.js';
import type { Digest } from '../digest/build.js';
import { renderDigestChatbot, renderDigestEmail } from '../digest/render.js';
import type { FindingFacts } from '../budget/types.js';
import { PublishError } from '../errors.js';
import type { AlertPublisher } from './types.js';

/** Where one delivery target's messages go: the topic its subscription (filtered on `target`) hangs on. */
export interface SnsRoute {
  readonly target: string;
  readonly arn: string;
}

/** What the SNS publisher needs: an injected client (created once per container) and the route of each target. */
export interface SnsPublisherOptions {
  readonly client: SNSClient;
  readonly routes: readonly SnsRoute[];
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
 * The Publish input of one alert for one target's topic; `links` go into its email and Chatbot card.
 * The attributes carry the target (each subscription's filter policy names its own) and what the
 * policies route on: severity rank, account and kind.
 */
export function buildPublishInput(alert: Alert, route: SnsRoute, links: readonly AlertLink[] = []): PublishCommandInput {
  const subject = snsSubject(renderEmail(alert).subject, `[${alert.severity.toUpperCase()}] ${alert.kind}`);
  const attributes = messageAttributes(route.target, [alert]);
  const topicArn = route.arn;
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

/** Publishes to each target's topic; throws a PublishError naming the topic when SNS refuses a message. */
export function createSnsPublisher(options: SnsPublisherOptions): AlertPublisher & {
  publishDigest(digest: Digest, label: string, target: DeliveryTarget): Promise<void>;
} {
  const { client } = options;
  const routeOf = new Map(options.routes.map((r) => [r.target, r]));
  const send = async (what: string, target: DeliveryTarget, build: (route: SnsRoute) => PublishCommandInput): Promise<void> => {
    const route = routeOf.get(target.id);
    if (route === undefined) throw new PublishError(`Publishing ${what}: no SNS topic for target ${target.id}`);
    try {
      // Throttling is retried by the SDK's own retry strategy before a rejection reaches us.
      await client.send(new PublishCommand(build(route)));
    } catch (error) {
      throw new PublishError(`Publishing ${what} to SNS topic ${route.arn} failed: ${(error as Error)?.name ?? 'Error'}`, {
        cause: error,
        maybeDelivered: !refusedBySns(error),
      });
    }
  };
  return {
    publish: (alert, target) => send(`alert ${alert.key}`, target, (route) => buildPublishInput(alert, route, options.links?.(alert))),
    publishGroup: (alerts, target) => send(`${alerts.length} held alerts`, target, (route) => buildGroupInput(alerts, route)),
    publishDigest: (digest, label, target) => send(`the ${label} digest`, target, (route) => buildDigestInput(digest, label, route)),
  };
}

/** One message for what quiet hours held: one mail, one SMS line, one card, every alert's JSON. */
export function buildGroupInput(alerts: readonly Alert[], route: SnsRoute): PublishCommandInput {
  const email = renderGroupEmail(alerts);
  const json = JSON.stringify(renderGroupJson(alerts));
  const bodies: SnsMessageBodies = {
    default: email.text,
    email: email.text,
    'email-json': json,
    sms: renderGroupSms(alerts),
    https: JSON.stringify(renderGroupChatbot(alerts)),
    sqs: json,
    lambda: json,
  };
  return fittedInput(route, snsSubject(email.subject, 'Budget alerts from the quiet hours'), bodies, messageAttributes(route.target, alerts));
}

/** A digest: a plain-text table by mail, a card for Chatbot, the JSON for machines (never an SMS). */
export function buildDigestInput(digest: Digest, label: string, route: SnsRoute): PublishCommandInput {
  const email = renderDigestEmail(digest, label);
  const json = JSON.stringify(digest);
  const bodies: SnsMessageBodies = {
    default: email.text,
    email: email.text,
    'email-json': json,
    sms: email.subject,
    https: JSON.stringify(renderDigestChatbot(digest, label)),
    sqs: json,
    lambda: json,
  };
  const attributes = digestAttributes(route.target, digest);
  return fittedInput(route, snsSubject(email.subject, 'Budget digest'), bodies, attributes);
}

/** A message of several parts cut to SNS's limit if needed (texts shortened, the note saying so). */
function fittedInput(route: SnsRoute, subject: string, bodies: SnsMessageBodies, attributes: Record<string, MessageAttributeValue>): PublishCommandInput {
  const input = (b: SnsMessageBodies): PublishCommandInput => ({
    TopicArn: route.arn,
    MessageStructure: 'json',
    Message: JSON.stringify(b),
    Subject: subject,
    MessageAttributes: attributes,
  });
  const full = input(bodies);
  if (publishSizeOf(full) <= SNS_MAX_MESSAGE_BYTES) return full;
  const cut = (text: string) => `${truncate(text, SHRINK_CAPS[1])}\n${TRUNCATION_NOTE}\n`;
  const note = JSON.stringify({ truncated: true, note: TRUNCATION_NOTE });
  return input({ ...bodies, default: cut(bodies.default), email: cut(bodies.email), https: cut(bodies.https), 'email-json': note, sqs: note, lambda: note });
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

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
/** One value as a String, several as a String.Array (a filter policy matches an array if any element matches). */
const textOrList = (values: readonly string[]): MessageAttributeValue =>
  values.length === 1 ? text(values[0]!) : { DataType: 'String.Array', StringValue: JSON.stringify(values) };

/**
 * The attributes subscription filter policies route on (infra/topics.ts): `target` (each entry's
 * subscription names its own), `severityRank`, `account` and `kind`; plus `severity`, `provider` and
 * `status` for subscribers of their own. A group carries every account and kind it holds.
 */
export function messageAttributes(target: string, alerts: readonly Alert[]): Record<string, MessageAttributeValue> {
  const distinct = (values: readonly string[]) => [...new Set(values)];
  const severity = alerts.map((a) => a.severity).reduce(maxSeverity);
  return {
    target: text(target),
    severityRank: { DataType: 'Number', StringValue: String(severityRank(severity)) },
    severity: text(severity),
    kind: textOrList(distinct(alerts.map((a) => a.kind))),
    account: textOrList(distinct(alerts.map((a) => a.account))),
    provider: textOrList(distinct(alerts.map((a) => a.provider))),
    status: textOrList(distinct(alerts.map((a) => a.status))),
  };
}

/** A digest is for whoever asked for it: the highest rank, every account it covers, the kind `digest`. */
function digestAttributes(target: string, digest: Digest): Record<string, MessageAttributeValue> {
  return {
    target: text(target),
    severityRank: { DataType: 'Number', StringValue: String(severityRank('critical')) },
    kind: text('digest'),
    account: textOrList(digest.accounts.map((a) => a.id)),
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
function snsSubject(subject: string, fallback: string): string {
  const ascii = toAsciiLine(subject);
  return truncate(ascii !== '' ? ascii : toAsciiLine(fallback), SNS_SUBJECT_MAX);
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
