// The alert record's transitions, shared by both stores so that they cannot disagree:
// claim (pending beside what was confirmed) → confirm (pending becomes notified) | release (pending dropped).
import type { AlertStatus } from '../model.js';
import type { AlertChange, AlertRecord } from './types.js';

/** Records written before delivery was per target are read with this target: they stand for every target. */
export const ANY_TARGET = '*';

/** The id of a record in a store's map: the target, then the alert key. */
export function recordId(target: string, key: string): string {
  return `${target}#${key}`;
}

/** The record a claim writes: what was confirmed before stays, the new notification is pending until `until`. */
export function claimedRecord(change: AlertChange, until: string, owner?: string): AlertRecord {
  const { alert, prior } = change;
  return {
    key: alert.key,
    target: change.target,
    account: alert.account,
    kind: alert.kind,
    ...(change.once !== undefined && { once: change.once }),
    ...(prior?.notified !== undefined && { notified: prior.notified }),
    pending: { ...change.notification, until, ...(owner !== undefined && { owner }) },
    ...unconfirmedOf(prior),
    ...(change.expiresAt !== undefined && { expiresAt: change.expiresAt }),
    version: (prior?.version ?? 0) + 1,
  };
}

/** The record once its claim is confirmed: the pending notification becomes the notified one (the target's last). */
export function confirmedRecord(claimed: AlertRecord): AlertRecord {
  const pending = claimed.pending;
  if (pending === undefined) return claimed;
  // Copied key by key, in the same order as `{ ...rest, notified, version }` of the record without `pending` and
  // `unconfirmed`: object rest made every confirmed record a dictionary-mode object (slower, and ~3× the memory).
  const notified = without(pending, 'until') as unknown as AlertRecord['notified'];
  const record = without(claimed, 'pending', 'unconfirmed');
  record['notified'] = notified;
  record['version'] = claimed.version + 1;
  return record as unknown as AlertRecord;
}

/** A copy of `value`'s own enumerable properties, in order, but the `left` ones. */
function without(value: object, ...left: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(value)) if (!left.includes(name)) copy[name] = (value as Record<string, unknown>)[name];
  return copy;
}

/**
 * What a target may believe beyond the confirmed notification: the statuses of claims that lapsed
 * (a claim over a record's pending one is only ever made once that one has lapsed).
 */
export function possiblySent(record: AlertRecord | undefined): readonly AlertStatus[] {
  if (record === undefined) return [];
  const statuses = new Set(record.unconfirmed ?? []);
  if (record.pending !== undefined) statuses.add(record.pending.status);
  return [...statuses];
}

function unconfirmedOf(prior: AlertRecord | undefined): { unconfirmed?: readonly AlertStatus[] } {
  const statuses = possiblySent(prior);
  return statuses.length > 0 ? { unconfirmed: statuses } : {};
}

/**
 * The record after a failed publication: back to the prior record (a lapsed claim on it included: the
 * notification a dead run may have sent stays known); undefined when there was none.
 */
export function releasedRecord(claimed: AlertRecord, prior: AlertRecord | undefined): AlertRecord | undefined {
  return prior === undefined ? undefined : { ...prior, version: claimed.version + 1 };
}
