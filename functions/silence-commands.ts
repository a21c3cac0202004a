import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { createSilence, isActive, parseDuration, toSilenceJson, type SilenceJson } from '../lib/alerts/silences.js';
import { issuesText, offsetDateTime, WITH_ISSUE_TEXT } from '../lib/issue-text.js';
import type { AlertStateStore } from '../lib/state/types.js';

/** The on-demand silence events (`aws lambda invoke --payload '{"silence": …}'`), as the CLI's `silence` commands. */
const silenceEvent = z.union([
  z.strictObject({
    silence: z.strictObject({
      matcher: z.string(),
      for: z.optional(z.string()),
      until: z.optional(offsetDateTime()),
      reason: z.optional(z.string()),
    }),
  }),
  z.strictObject({ silences: z.literal('list') }),
  z.strictObject({ unsilence: z.string().check(z.minLength(1)) }),
]);

export type SilenceResult =
  | { readonly silence: SilenceJson }
  | { readonly silences: readonly SilenceJson[] }
  | { readonly removed: SilenceJson }
  | { readonly error: { readonly code: 'invalid-request'; readonly message: string } };

/** Whether an event is a silence command (then `runSilenceCommand` answers it; the check does not run). */
export function isSilenceEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && ['silence', 'silences', 'unsilence'].some((key) => key in event);
}

/** Answers a silence command against the state store. */
export async function runSilenceCommand(event: unknown, store: AlertStateStore, now: Date): Promise<SilenceResult> {
  const parsed = silenceEvent.safeParse(event, WITH_ISSUE_TEXT);
  const invalid = (message: string): SilenceResult => ({ error: { code: 'invalid-request', message } });
  if (!parsed.success) {
    return invalid(issuesText(parsed.error.issues, '(event)'));
  }
  const command = parsed.data;
  if ('silences' in command) {
    return { silences: (await store.listSilences()).filter((s) => isActive(s, now)).map(toSilenceJson) };
  }
  if ('unsilence' in command) {
    const removed = await store.removeSilence(command.unsilence, now);
    return removed === undefined ? invalid(`unsilence: no silence with id "${command.unsilence}"`) : { removed: toSilenceJson(removed) };
  }
  const { matcher, for: duration, until, reason } = command.silence;
  if ((duration === undefined) === (until === undefined)) return invalid('silence: give either "for" (30m, 24h, 7d) or "until" (an ISO instant)');
  const durationMs = duration === undefined ? undefined : parseDuration(duration);
  if (duration !== undefined && durationMs === undefined) return invalid(`silence.for: "${duration}" is not a duration such as 30m, 24h or 7d`);
  const silence = createSilence({
    id: randomUUID().slice(0, 8),
    matcher,
    now,
    ...(durationMs !== undefined && { durationMs }),
    ...(until !== undefined && { until: new Date(until) }),
    ...(reason !== undefined && { reason }),
    createdBy: 'lambda invoke',
  });
  if ('problem' in silence) return invalid(`silence: ${silence.problem}`);
  await store.addSilence(silence);
  return { silence: toSilenceJson(silence) };
}
