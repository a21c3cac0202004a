import { maxSeverity, severityRank, type Severity } from '../model.js';
import type { Finding } from '../budget/types.js';
import { describeAlert } from './render.js';
import type { Alert, AlertRecord } from './types.js';

/** How long records of one-shot events (and resolved states) are kept: two months covers any period. */
export const RECORD_RETENTION_DAYS = 62;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One alert to send and the record that remembers it. */
export interface AlertChange {
  readonly alert: Alert;
  /** The stored record this change replaces (the claim's expected version). */
  readonly prior?: AlertRecord;
  readonly next: AlertRecord;
}

/** The identity of a finding's alert: `<account>/<id>` for states, `<account>/<id>/<once>` for one-shot events. */
export function alertKey(finding: Pick<Finding, 'account' | 'id' | 'once'>): string {
  return finding.once === undefined
    ? `${finding.account}/${finding.id}`
    : `${finding.account}/${finding.id}/${finding.once}`;
}

/**
 * Decides what to send given this run's findings and the stored records (pure). One-shot events fire
 * once per key (their `once` scope re-arms them next period/day). States fire when entered, re-notify
 * after `renotifyHours` while still on, fire again on escalation (e.g. warning → critical: a worse
 * situation deserves a new page; de-escalation sends nothing), and resolve only what was notified.
 * `hold` and absent findings send nothing. `alerts[i]` is `changes[i].alert`.
 */
export function planAlerts(input: {
  readonly findings: readonly Finding[];
  readonly records: ReadonlyMap<string, AlertRecord>;
  readonly now: Date;
  readonly renotifyHours?: number;
}): { alerts: Alert[]; changes: AlertChange[] } {
  const { findings, records, now, renotifyHours } = input;
  const nowIso = now.toISOString();
  const retainUntil = new Date(now.getTime() + RECORD_RETENTION_DAYS * DAY_MS).toISOString();
  const changes: AlertChange[] = [];
  // A key decided once per run: a duplicate finding must not produce a second change on the same prior.
  const decided = new Set<string>();

  const emit = (
    finding: Finding,
    key: string,
    status: Alert['status'],
    severity: Severity,
    prior?: AlertRecord,
    recordSeverity: Severity = severity,
  ): void => {
    const { title, message } = describeAlert(finding, status);
    const alert: Alert = {
      key,
      account: finding.account,
      provider: finding.provider,
      kind: finding.kind,
      severity,
      status,
      ...(finding.threshold !== undefined && { threshold: finding.threshold }),
      ...(finding.value !== undefined && { value: finding.value }),
      title,
      message,
      at: nowIso,
      facts: finding.facts,
    };
    const next: AlertRecord = {
      key,
      account: finding.account,
      kind: finding.kind,
      status,
      severity: recordSeverity,
      notifiedAt: nowIso,
      ...(finding.once !== undefined && { once: finding.once }),
      // Firing states must outlive any period: dropping one would lose the resolution it owes.
      ...((finding.once !== undefined || status === 'resolved') && { expiresAt: retainUntil }),
      version: (prior?.version ?? 0) + 1,
    };
    changes.push({ alert, ...(prior !== undefined && { prior }), next });
  };

  for (const finding of findings) {
    const key = alertKey(finding);
    if (decided.has(key)) continue;
    decided.add(key);
    const prior = records.get(key);

    if (finding.once !== undefined) {
      if (finding.state === 'on' && prior === undefined) emit(finding, key, 'firing', finding.severity);
      continue;
    }

    if (finding.state === 'on') {
      if (prior === undefined || prior.status === 'resolved') {
        emit(finding, key, 'firing', finding.severity, prior);
      } else if (severityRank(finding.severity) > severityRank(prior.severity)) {
        emit(finding, key, 'firing', finding.severity, prior);
      } else if (
        renotifyHours !== undefined &&
        renotifyHours > 0 &&
        now.getTime() - Date.parse(prior.notifiedAt) >= renotifyHours * HOUR_MS
      ) {
        // The record keeps the highest severity notified, so a dip and a rise back are no new escalation.
        emit(finding, key, 'firing', finding.severity, prior, maxSeverity(finding.severity, prior.severity));
      }
    } else if (finding.state === 'off' && prior?.status === 'firing') {
      // The resolution carries the severity that was notified, so it reaches the same subscribers.
      emit(finding, key, 'resolved', prior.severity, prior);
    }
  }

  return { alerts: changes.map((c) => c.alert), changes };
}
