import type { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import type { DeliveryTarget } from '../lib/alerts/routing.js';
import { matchesPattern } from '../lib/alerts/routing.js';
import type { BudgetsConfig } from '../lib/config-schema.js';
import type { Digest, DigestPeriod } from '../lib/digest/build.js';
import { digestOf } from '../lib/digest/from-store.js';
import { targetIdOf } from '../lib/delivery/targets.js';
import { issuesText, offsetDateTime, WITH_ISSUE_TEXT } from '../lib/issue-text.js';
import type { AlertStateStore } from '../lib/state/types.js';

/** The event of a notify entry's digest schedule (infra/schedules.ts): the entry's target id. */
const digestEvent = z.strictObject({ digest: z.string().check(z.minLength(1)), now: z.optional(offsetDateTime()) });

export type DigestResult = { readonly digest: Digest; readonly target: string } | { readonly error: { readonly code: 'invalid-request'; readonly message: string } };

/** Whether an event asks for a digest. */
export function isDigestEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'digest' in event;
}

/**
 * Builds the digest of a notify entry (its accounts, from stored state only) and publishes it to the
 * entry's target: daily covers a day, weekly a week.
 */
export async function runDigestCommand(
  event: unknown,
  deps: {
    readonly config: BudgetsConfig;
    readonly store: (now: Date) => AlertStateStore;
    readonly targets: readonly DeliveryTarget[];
    readonly publish: (digest: Digest, label: string, target: DeliveryTarget) => Promise<void>;
    readonly now: Date;
    readonly logger: Logger;
  },
): Promise<DigestResult> {
  const parsed = digestEvent.safeParse(event, WITH_ISSUE_TEXT);
  if (!parsed.success) return { error: { code: 'invalid-request', message: issuesText(parsed.error.issues, '(event)') } };
  const entry = (deps.config.notify ?? []).find((n) => targetIdOf(n) === parsed.data.digest);
  const target = deps.targets.find((t) => t.id === parsed.data.digest);
  if (entry?.digest === undefined || target === undefined) {
    return { error: { code: 'invalid-request', message: `digest: no notify entry "${parsed.data.digest}" asks for a digest` } };
  }
  const now = parsed.data.now === undefined ? deps.now : new Date(parsed.data.now);
  const accounts = deps.config.accounts.filter((a) => entry.accounts === undefined || entry.accounts.some((p) => matchesPattern(p, a.id)));
  const period: DigestPeriod = entry.digest === 'weekly' ? 'week' : 'day';
  const digest = await digestOf(deps.store(now), accounts, now, period);
  await deps.publish(digest, entry.digest, target);
  deps.logger.info('digest sent', { target: target.id, accounts: accounts.length, stale: digest.accounts.filter((a) => a.stale).map((a) => a.id) });
  return { digest, target: target.id };
}
