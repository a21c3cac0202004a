import { maxSeverity } from '../model.js';
import type { AlertJson } from '../report.js';
import { CHATBOT_LIMITS, EMAIL_SUBJECT_MAX, SMS_MAX, renderJson, type ChatbotNotification } from './render.js';
import { toGsm7, truncate } from './text.js';
import type { Alert } from './types.js';

// One message for several alerts: what quiet hours held back, delivered together when they end
// (email: one mail listing them; Chatbot: one card; SMS: one line).

/** The machine form of a group: every alert's JSON. */
export interface AlertGroupJson {
  readonly group: 'quiet-hours';
  readonly alerts: readonly AlertJson[];
}

const tagOf = (alerts: readonly Alert[]): string =>
  alerts.every((a) => a.status === 'resolved') ? 'RESOLVED' : alerts.map((a) => a.severity).reduce(maxSeverity).toUpperCase();

const headline = (alerts: readonly Alert[]): string => `${alerts.length} alerts from the quiet hours`;

/** One mail: a subject with the highest severity, then each alert's title, message and key. */
export function renderGroupEmail(alerts: readonly Alert[]): { subject: string; text: string } {
  const accounts = [...new Set(alerts.map((a) => a.account))];
  const subject = truncate(`[${tagOf(alerts)}] ${headline(alerts)}: ${accounts.join(', ')}`, EMAIL_SUBJECT_MAX);
  const blocks = alerts.map((alert, i) =>
    [`${i + 1}. ${alert.status === 'resolved' ? 'RESOLVED: ' : ''}${alert.title}`, `   ${alert.message}`, `   Alert key: ${alert.key}`].join('\n'),
  );
  const text = [
    `${headline(alerts)}: held back while this address was in its quiet hours, and sent`,
    'together now, each as it stands (what ended meanwhile is left out).',
    '',
    ...blocks.flatMap((block) => [block, '']),
  ].join('\n');
  return { subject, text };
}

/** One SMS line: how many, then the titles, cut to fit. */
export function renderGroupSms(alerts: readonly Alert[]): string {
  return truncate(toGsm7(`${tagOf(alerts)}: ${alerts.length} alerts: ${alerts.map((a) => a.title).join('; ')}`), SMS_MAX);
}

/** One Chatbot card listing every alert. */
export function renderGroupChatbot(alerts: readonly Alert[]): ChatbotNotification {
  const lines = alerts.map((a) => `• *${a.title}*\n  ${a.message} \`${a.key}\``);
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: truncate(`:bell: ${headline(alerts)}`, CHATBOT_LIMITS.title),
      description: truncate(lines.join('\n'), CHATBOT_LIMITS.description),
      keywords: [...new Set(alerts.map((a) => a.account))].slice(0, CHATBOT_LIMITS.keywords).map((k) => truncate(k, CHATBOT_LIMITS.keyword)),
    },
    metadata: {
      threadId: 'quiet-hours',
      summary: truncate(headline(alerts), CHATBOT_LIMITS.title),
      eventType: 'quiet-hours',
      additionalContext: { keys: truncate(alerts.map((a) => a.key).join(' '), 1000) },
    },
  };
}

/** The machine form. */
export function renderGroupJson(alerts: readonly Alert[]): AlertGroupJson {
  return { group: 'quiet-hours', alerts: alerts.map(renderJson) };
}
