// The alert record's transitions, shared by both stores so that they cannot disagree:
// claim (pending beside what was confirmed) → confirm (pending becomes notified) | release (pending dropped).
import type { AlertChange, AlertRecord } from './types.js';

/** Records written before delivery was per target are read with this target: they stand for every target. */
export const ANY_TARGET = '*';

/** The id of a record in a store's map: the target, then the alert key. */
export function recordId(target: string, key: string): string {
  return `${target}#${key}`;
}

/** The record a claim writes: what was confirmed before stays, the new notification is pending until `until`. */
export function claimedRecord(change: AlertChange, until: string): AlertRecord {
  const { alert, prior } = change;
  return {
    key: alert.key,
    target: change.target,
    account: alert.account,
    kind: alert.kind,
    ...(change.once !== undefined && { once: change.once }),
    ...(prior?.notified !== undefined && { notified: prior.notified }),
    pending: { ...change.notification, until },
    ...(change.expiresAt !== undefined && { expiresAt: change.expiresAt }),
    version: (prior?.version ?? 0) + 1,
  };
}

/** The record once its claim is confirmed: the pending notification becomes the notified one. */
export function confirmedRecord(claimed: AlertRecord): AlertRecord {
  const { pending, ...rest } = claimed;
  if (pending === undefined) return claimed;
  const { until: _until, ...notified } = pending;
  return { ...rest, notified, version: claimed.version + 1 };
}

/** The record after a failed publication: the claim removed, what was confirmed kept; undefined if nothing was. */
export function releasedRecord(claimed: AlertRecord, prior: AlertRecord | undefined): AlertRecord | undefined {
  if (prior?.notified === undefined) return undefined;
  const { pending: _lapsed, ...confirmed } = prior;
  return { ...confirmed, version: claimed.version + 1 };
}
