// Silences: an alert-key matcher and a time window that hold back matching firing alerts. Pure: the
// store keeps them, the CLI, the Lambda and snooze links create them, the check applies `holdSilenced`.

/** A silence as the store keeps it (the contract's form plus who made it and when it was undone). */
export interface Silence {
  readonly id: string;
  /** An alert key, or a pattern in which `*` matches any run of characters. */
  readonly matcher: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly reason?: string;
  readonly createdBy?: string;
  /** When it was removed (`silence rm`, an undo): it holds nothing back from then on. */
  readonly removedAt?: string;
  /**
   * When the store may forget it: its end, or later for a silence made by a snooze link, whose token
   * must keep finding it (to refuse a replay after an undo) until the link itself expires.
   */
  readonly expiresAt: string;
}

/** The contract's form of a silence (`silence add --json`, `silence list --json`). */
export interface SilenceJson {
  readonly id: string;
  readonly matcher: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly reason?: string;
}

/** Longest matcher accepted: alert keys are an account id, a condition and a scope. */
export const MAX_MATCHER_LENGTH = 300;
/** Longest silence: a silence is a snooze, not a way to switch an alert off for good. */
export const MAX_SILENCE_MS = 90 * 86_400_000;

const MATCHER = /^[\x21-\x7e]+$/;

/** Why a matcher is unusable, or undefined when it is fine. Says what is accepted. */
export function matcherProblem(matcher: string): string | undefined {
  const accepted = 'an alert key such as video-prod/balance.low, or a pattern in which * matches any characters (video-prod/*, */budget.forecast:*)';
  if (matcher === '') return `is empty; expected ${accepted}`;
  if (matcher.length > MAX_MATCHER_LENGTH) return `is longer than ${MAX_MATCHER_LENGTH} characters; expected ${accepted}`;
  if (!MATCHER.test(matcher)) return `may hold only printable characters without spaces; expected ${accepted}`;
  if (/^\*+$/.test(matcher)) return `would silence every alert of every account; name an account or a kind, e.g. video-prod/* or */usage.spike`;
  return undefined;
}

/** Whether an alert key matches a matcher (`*` = any run of characters, everything else literal). */
export function matches(matcher: string, key: string): boolean {
  const parts = matcher.split('*');
  if (parts.length === 1) return matcher === key;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!key.startsWith(first) || key.length < first.length + last.length || !key.endsWith(last)) return false;
  let at = first.length;
  const end = key.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = key.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/** Whether a silence holds alerts back at `now`. */
export function isActive(silence: Silence, now: Date): boolean {
  const at = now.toISOString();
  return silence.removedAt === undefined && silence.startsAt <= at && at < silence.endsAt;
}

/**
 * Splits what a run would send into what goes out and what a silence holds back. Firing alerts
 * (first notifications, re-notifications, escalations) whose key an active silence matches are held;
 * resolutions are never held: good news is not muted.
 */
export function holdSilenced<T extends { readonly alert: { readonly key: string; readonly status: string } }>(
  items: readonly T[],
  silences: readonly Silence[],
  now: Date,
): { send: T[]; held: T[] } {
  const active = silences.filter((s) => isActive(s, now));
  const send: T[] = [];
  const held: T[] = [];
  for (const item of items) {
    const silenced = item.alert.status === 'firing' && active.some((s) => matches(s.matcher, item.alert.key));
    (silenced ? held : send).push(item);
  }
  return { send, held };
}

/** The contract's form. */
export function toSilenceJson(silence: Silence): SilenceJson {
  return {
    id: silence.id,
    matcher: silence.matcher,
    startsAt: silence.startsAt,
    endsAt: silence.endsAt,
    ...(silence.reason !== undefined && { reason: silence.reason }),
  };
}

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d` in milliseconds; undefined when it is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms > 0 ? ms : undefined;
}

/** What a new silence needs; exactly one of `durationMs` and `until`. */
export interface SilenceRequest {
  readonly id: string;
  readonly matcher: string;
  readonly now: Date;
  readonly durationMs?: number;
  readonly until?: Date;
  readonly reason?: string;
  readonly createdBy?: string;
  /** Keep it known (not active) at least until then: a snooze link's expiry. */
  readonly keepUntil?: Date;
}

/** Builds a silence, or says (naming the field and what is accepted) why it cannot be made. */
export function createSilence(request: SilenceRequest): Silence | { readonly problem: string } {
  const { matcher, now } = request;
  const problem = matcherProblem(matcher);
  if (problem !== undefined) return { problem: `matcher ${JSON.stringify(matcher)} ${problem}` };
  const ends =
    request.durationMs !== undefined ? new Date(now.getTime() + request.durationMs) : request.until !== undefined ? request.until : undefined;
  if (ends === undefined || Number.isNaN(ends.getTime())) return { problem: 'needs a duration (30m, 24h, 7d) or an end instant' };
  if (ends.getTime() <= now.getTime()) return { problem: `ends at ${ends.toISOString()}, which is not after ${now.toISOString()}` };
  if (ends.getTime() - now.getTime() > MAX_SILENCE_MS) return { problem: `would last more than ${MAX_SILENCE_MS / 86_400_000} days; silence for less, and again later if needed` };
  if (request.reason !== undefined && request.reason.length > 500) return { problem: 'reason is longer than 500 characters' };
  const keep = request.keepUntil !== undefined && request.keepUntil > ends ? request.keepUntil : ends;
  return {
    id: request.id,
    matcher,
    startsAt: now.toISOString(),
    endsAt: ends.toISOString(),
    ...(request.reason !== undefined && request.reason !== '' && { reason: request.reason }),
    ...(request.createdBy !== undefined && { createdBy: request.createdBy }),
    expiresAt: keep.toISOString(),
  };
}
