// The channel formats (email, SMS, Chatbot card, JSON). What an alert says per kind comes from the
// catalogue; here it is only laid out, cut to each channel's limits and given the generic details.
import { adviseNextSteps, describeThreshold, summarizeForSms } from './catalogue.js';
import { amount, burnRate, errorText, reloadAction, requestsFailed, share, usedOf } from './sentences.js';
import { formatDays, formatInstant, formatNumber, formatPercent, toGsm7, truncate } from './text.js';
import type { Alert } from './types.js';
import { toContractAlert, type AlertJson } from '../report.js';

/** Longest email subject we produce; mail clients cut longer ones anyway. */
export const EMAIL_SUBJECT_MAX = 100;
/** Longest SMS we produce: one segment of GSM-7 with room for a carrier's prefix. */
export const SMS_MAX = 140;
/** AWS Chatbot custom notification limits (title, description); the list caps are our own, kept small. */
export const CHATBOT_LIMITS = { title: 250, description: 8000, nextSteps: 5, nextStep: 500, keywords: 10, keyword: 75 } as const;

/** A label and its value, e.g. `['Available', '88 credits']`. */
type DetailLine = readonly [label: string, value: string];

/** A link a message offers its reader, e.g. "Snooze 1 day" (see lib/links/). */
export interface MessageLink {
  readonly label: string;
  readonly url: string;
}

/**
 * The email form: a subject of at most 100 characters with a severity tag, and a full plain-text body;
 * `links` (a firing alert's snooze links) become a block of their own before the alert key.
 */
export function renderEmail(alert: Alert, links: readonly MessageLink[] = []): { subject: string; text: string } {
  const subject = truncate(oneLine(`[${tagOf(alert)}] ${alert.title}`), EMAIL_SUBJECT_MAX);
  // Blocks separated by a blank line; a new part of the mail (links, say) is one more block.
  const blocks: (readonly string[])[] = [
    [alert.title],
    [alert.message],
    emailSection('Details', detailLines(alert).map(([label, value]) => `${`${label}:`.padEnd(14)} ${value}`)),
    emailSection('What to do next', adviseNextSteps(alert, alert.status).map((step) => `- ${step}`)),
    ...(links.length > 0 ? [emailLinkLines(links)] : []),
    [`Alert key: ${alert.key}`, `Decided at: ${alert.at}`],
  ];
  return { subject, text: `${blocks.map((block) => block.join('\n')).join('\n\n')}\n` };
}

/** The email block of links, whole: a shortened email appends it after the cut (see sns-publisher.ts). */
export function renderEmailLinks(links: readonly MessageLink[]): string {
  return emailLinkLines(links).join('\n');
}

function emailLinkLines(links: readonly MessageLink[]): string[] {
  return emailSection('Snooze (each link opens a page that asks before it changes anything)', links.map((link) => `${link.label}: ${link.url}`));
}

/** A heading and its lines, indented under it. */
function emailSection(heading: string, lines: readonly string[]): string[] {
  return [heading, ...lines.map((line) => `  ${line}`)];
}

/** The SMS form: one line of at most 140 GSM-7 basic characters. */
export function renderSms(alert: Alert): string {
  const detail = summarizeForSms(alert, alert.status);
  return truncate(toGsm7(`${tagOf(alert)}: ${alert.title}${detail ? ` - ${detail}` : ''}`), SMS_MAX);
}

/** An AWS Chatbot (Amazon Q Developer in chat applications) custom notification. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata: {
    /** `<account>-<condition>`: firing and resolved notifications of one condition share a thread. */
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/**
 * The Slack/Teams form (AWS Chatbot custom notification), threaded per account and condition; `links`
 * end the description as one line that is never cut.
 */
export function renderChatbot(alert: Alert, links: readonly MessageLink[] = []): ChatbotNotification {
  const description = [
    alert.message,
    '',
    ...detailLines(alert).map(([label, value]) => `*${label}:* ${value}`),
    `*Key:* \`${alert.key}\``,
  ].join('\n');
  const linkLine = links.length > 0 ? `\n*Snooze:* ${links.map((link) => `<${link.url}|${link.label}>`).join(' · ')}` : '';
  const keywords = [alert.account, alert.kind, alert.severity, alert.status, alert.provider].map((k) =>
    truncate(k, CHATBOT_LIMITS.keyword),
  );
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: truncate(oneLine(`${emojiOf(alert)} ${alert.title}`), CHATBOT_LIMITS.title),
      description: truncate(description, CHATBOT_LIMITS.description - linkLine.length) + linkLine,
      nextSteps: adviseNextSteps(alert, alert.status)
        .slice(0, CHATBOT_LIMITS.nextSteps)
        .map((step) => truncate(step, CHATBOT_LIMITS.nextStep)),
      keywords: keywords.slice(0, CHATBOT_LIMITS.keywords),
    },
    metadata: {
      threadId: `${alert.account}-${conditionOf(alert)}`,
      summary: truncate(oneLine(alert.title), CHATBOT_LIMITS.title),
      eventType: alert.kind,
      additionalContext: chatbotContext(alert),
    },
  };
}

/** The alert's identity and numbers as strings, for Chatbot's metadata (numbers unrounded, unlike the report). */
function chatbotContext(alert: Alert): Record<string, string> {
  const { key, account, provider, kind, severity, status, at, threshold, value } = alert;
  return {
    key, account, provider, kind, severity, status, at,
    ...(threshold !== undefined && { threshold: String(threshold) }),
    ...(value !== undefined && { value: String(value) }),
  };
}

/** The machine form: the contract's Alert fields plus `at` and `facts`. */
export function renderJson(alert: Alert): AlertJson {
  return { ...toContractAlert(alert), at: alert.at, facts: alert.facts };
}

/**
 * The numbers that matter, as label/value pairs, only those the alert knows, in this order. The same for
 * every kind: what differs per kind (the threshold's wording) comes from the catalogue.
 */
function detailLines(alert: Alert): DetailLine[] {
  const f = alert.facts;
  const rate = burnRate(f);
  const lines: (readonly [string, string | undefined])[] = [
    ['Account', `${alert.account} (${alert.provider})`],
    ['Alert', `${alert.kind}, ${alert.status} (${alert.severity})`],
    ['Period', f.period],
    [
      'Used',
      f.used === undefined ? undefined : f.budget !== undefined ? `${usedOf(f.used, f.budget, f)} (${share(f.used, f.budget)})` : amount(f.used, f),
    ],
    [
      'Forecast',
      f.forecast === undefined
        ? undefined
        : `${amount(f.forecast, f)} by month end` + (f.budget !== undefined ? ` (${share(f.forecast, f.budget)} of budget)` : ''),
    ],
    ['Available', f.available === undefined ? undefined : amount(f.available, f)],
    ['Runway', f.runwayDays === undefined ? undefined : formatDays(f.runwayDays) + (rate !== undefined ? ` at ${rate}` : '')],
    ['Auto-reload', f.reloadThreshold === undefined ? undefined : `${reloadAction(f)} below ${amount(f.reloadThreshold, f)}`],
    ['Reloaded at', f.reloadedAt === undefined ? undefined : formatInstant(f.reloadedAt)],
    [
      'Today',
      f.todayUsed === undefined
        ? undefined
        : `${amount(f.todayUsed, f)}${f.day ? ` (${f.day})` : ''}, usual ${formatNumber(f.medianDailyUsed ?? 0)} a day`,
    ],
    ['Error rate', f.errorRate === undefined ? undefined : `${formatPercent(f.errorRate)} (${requestsFailed(f)})`],
    ['Token expires', f.expiresAt === undefined ? undefined : formatInstant(f.expiresAt)],
    ['Last error', f.errorCode === undefined ? undefined : errorText(f.errorCode, f.errorMessage)],
    ['Failed checks', f.consecutiveFailures !== undefined && f.consecutiveFailures > 0 ? formatNumber(f.consecutiveFailures) : undefined],
    ['Threshold', describeThreshold(alert)],
  ];
  return lines.filter((line): line is DetailLine => line[1] !== undefined);
}

/**
 * The condition an alert belongs to, for threading: the finding id of a state condition (the key after
 * the account), the kind for one-shot events (whose keys also carry a period, day or reload id, which
 * would otherwise open a new thread each time).
 */
function conditionOf(alert: Alert): string {
  const prefix = `${alert.account}/`;
  const rest = alert.key.startsWith(prefix) ? alert.key.slice(prefix.length) : alert.key;
  return rest.includes('/') ? alert.kind : rest;
}

function tagOf(alert: Alert): string {
  return alert.status === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase();
}

function emojiOf(alert: Alert): string {
  if (alert.status === 'resolved') return ':white_check_mark:';
  if (alert.severity === 'critical') return ':rotating_light:';
  if (alert.severity === 'warning') return ':warning:';
  return ':information_source:';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
