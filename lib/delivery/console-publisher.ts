import type { Alert } from '../alerts/types.js';
import { renderChatbot, renderEmail, renderSms } from '../alerts/render.js';
import { renderGroupEmail } from '../alerts/render-group.js';
import type { DeliveryTarget } from '../alerts/routing.js';
import type { AlertLink, AlertLinks } from './sns-publisher.js';
import type { AlertPublisher } from './types.js';

/** The terminal, as a delivery target: it shows every severity. */
export const CONSOLE_TARGET: DeliveryTarget = { id: 'stdout', minSeverity: 'info' };

/** How the console shows an alert: one line, or every channel's rendering (the demo). */
export type ConsoleStyle = 'line' | 'channels';

/** A publisher that prints what would be sent, for local runs. */
export function createConsolePublisher(write: (text: string) => void, style: ConsoleStyle = 'line', links?: AlertLinks): AlertPublisher {
  return {
    async publish(alert: Alert): Promise<void> {
      write(style === 'line' ? `${formatAlertLine(alert)}\n` : formatChannels(alert, links?.(alert) ?? []));
    },
    async publishGroup(alerts: readonly Alert[], target: DeliveryTarget): Promise<void> {
      const { subject } = renderGroupEmail(alerts);
      write(`${subject} (${target.id})\n${alerts.map((alert) => `  ${formatAlertLine(alert)}\n`).join('')}`);
    },
  };
}

/** `[WARNING] firing   video-prod: 80% of the monthly budget used` */
export function formatAlertLine(alert: Alert): string {
  return `[${alert.severity.toUpperCase()}] ${alert.status.padEnd(8)} ${alert.title}`;
}

/** Draws the Chatbot notification roughly as Slack shows the card. */
function formatSlackCard(card: ReturnType<typeof renderChatbot>): string {
  const lines = [
    `  slack   ┌ ${card.content.title}`,
    ...card.content.description.split('\n').map((line) => `          │ ${line}`),
    ...(card.content.nextSteps ?? []).map((step) => `          │ • ${step}`),
    `          └ thread ${card.metadata.threadId}`,
  ];
  return lines.join('\n');
}

function formatChannels(alert: Alert, links: readonly AlertLink[]): string {
  const email = renderEmail(alert, links);
  const indent = (text: string) => text.replace(/^/gm, '    ');
  return [
    `── ${formatAlertLine(alert)}`,
    `  email   Subject: ${email.subject}`,
    indent(email.text.trimEnd()),
    `  sms     ${renderSms(alert)}`,
    formatSlackCard(renderChatbot(alert, links)),
    '',
  ].join('\n') + '\n';
}
