import { createHash } from 'node:crypto';
import type { DeliveryTarget } from '../alerts/routing.js';
import type { NotifyTarget } from '../config-schema.js';

/** The target of a deployment whose budgets file has no `notify`: the alert topic, for subscriptions made by hand. */
export const TOPIC_TARGET: DeliveryTarget = { id: 'topic', minSeverity: 'warning' };

/**
 * The id of a notify entry as a delivery target: its endpoint, so that changing its routing keeps
 * what it was told (an https URL, which may hold a token, only as host and hash).
 */
export function targetIdOf(entry: NotifyTarget): string {
  if ('email' in entry) return `email:${entry.email}`;
  if ('sms' in entry) return `sms:${entry.sms}`;
  if ('https' in entry) return `https:${new URL(entry.https).host}-${createHash('sha256').update(entry.https).digest('hex').slice(0, 8)}`;
  return `slack:${entry.slack.workspaceId}/${entry.slack.channelId}`;
}

/** The delivery targets of a budgets file's `notify` entries (one per distinct endpoint; TOPIC_TARGET when there are none). */
export function targetsOf(notify: readonly NotifyTarget[]): DeliveryTarget[] {
  if (notify.length === 0) return [TOPIC_TARGET];
  const byId = new Map<string, DeliveryTarget>();
  for (const entry of notify) {
    const id = targetIdOf(entry);
    if (byId.has(id)) continue;
    const quiet = entry.quietHours;
    byId.set(id, {
      id,
      minSeverity: entry.minSeverity,
      ...(entry.accounts !== undefined && { accounts: entry.accounts }),
      ...(entry.kinds !== undefined && { kinds: entry.kinds }),
      ...(quiet !== undefined && { quietHours: { from: quiet.from, to: quiet.to, timezone: quiet.timezone ?? entry.timezone ?? 'UTC' } }),
    });
  }
  return [...byId.values()];
}
