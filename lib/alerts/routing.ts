import { severityRank, type AlertKind, type Severity } from '../model.js';
import type { AlertDecision } from './types.js';

/** A daily window in a time zone, `from` to `to` (wrapping past midnight when `to` ≤ `from`). */
export interface QuietHours {
  readonly from: string; // HH:MM
  readonly to: string; // HH:MM
  readonly timezone: string;
}

/**
 * Where alerts are delivered: a notify entry (its topic and subscription), the terminal. Routing is
 * decided here, once per alert; claims are per alert × target.
 */
export interface DeliveryTarget {
  /** Stable id, kept in the alert records: `stdout`, `topic`, `email:…`, `slack:T…/C…`. */
  readonly id: string;
  /** The least severe firing alert it receives. */
  readonly minSeverity: Severity;
  /** Account ids or id prefixes ending in `*`; absent: every account. */
  readonly accounts?: readonly string[];
  /** Alert kinds or kind prefixes ending in `*`; absent: every kind. */
  readonly kinds?: readonly string[];
  /** When only critical alerts get through; the rest follow, grouped, once they end. */
  readonly quietHours?: QuietHours;
}

/** Whether a target receives a firing alert (resolutions go to whichever targets got the firing). */
export function targetTakes(
  target: DeliveryTarget,
  alert: Pick<AlertDecision, 'severity'> & Partial<Pick<AlertDecision, 'account' | 'kind'>>,
): boolean {
  if (severityRank(alert.severity) < severityRank(target.minSeverity)) return false;
  if (alert.account !== undefined && target.accounts !== undefined && !target.accounts.some((p) => matchesPattern(p, alert.account!))) {
    return false;
  }
  return alert.kind === undefined || target.kinds === undefined || target.kinds.some((p) => matchesPattern(p, alert.kind as AlertKind));
}

/** `video-*` matches `video-prod`; a pattern without `*` matches itself only. */
export function matchesPattern(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

/** Whether `now` falls inside the quiet hours (wall clock of their zone; `from` inclusive, `to` exclusive). */
export function inQuietHours(quiet: QuietHours, now: Date): boolean {
  const parts = clockIn(quiet.timezone).format(now);
  const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const at = minutes(parts);
  const from = minutes(quiet.from);
  const to = minutes(quiet.to);
  return from < to ? at >= from && at < to : at >= from || at < to;
}

/** `HH:MM` formatters per time zone, built on first use (formatters are immutable; building one costs ~0.1 ms). */
const clocks = new Map<string, Intl.DateTimeFormat>();

function clockIn(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    // An unknown zone throws here, every time, as it always did: nothing is kept for it.
    clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(timeZone, clock);
  }
  return clock;
}
