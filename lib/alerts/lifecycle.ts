import type { Finding } from '../budget/types.js';
import { maxSeverity, severityRank, type AlertStatus, type Severity } from '../model.js';
import { targetTakes, type DeliveryTarget } from './routing.js';
import { ANY_TARGET, possiblySent, recordId } from './records.js';
import type { AlertChange, AlertDecision, AlertRecord } from './types.js';

/** How long records of one-shot events (and resolved states) are kept: two months covers any period. */
export const RECORD_RETENTION_DAYS = 62;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;


/** The identity of a finding's alert: `<account>/<id>` for states, `<account>/<id>/<once>` for one-shot events. */
export function alertKey(finding: Pick<Finding, 'account' | 'id' | 'once'>): string {
  return finding.once === undefined
    ? `${finding.account}/${finding.id}`
    : `${finding.account}/${finding.id}/${finding.once}`;
}

/**
 * Decides what to send to each target given this run's findings and the stored records (pure).
 * One-shot events fire once per key and target (their `once` scope re-arms them next period/day).
 * States fire when entered, re-notify after `renotifyHours` while still on, fire again on escalation
 * (warning → critical: a worse situation deserves a new page; de-escalation sends nothing), and
 * resolve only what was notified, to the targets it was notified to. `hold` and absent findings send
 * nothing; a key another run is delivering right now (a live claim) is left to that run.
 */
export function planAlerts(input: {
  readonly findings: readonly Finding[];
  readonly records: ReadonlyMap<string, AlertRecord>;
  readonly targets: readonly DeliveryTarget[];
  readonly now: Date;
  readonly renotifyHours?: number;
}): AlertChange[] {
  const { findings, records, targets, now } = input;
  const nowIso = now.toISOString();
  const retainUntil = new Date(now.getTime() + RECORD_RETENTION_DAYS * DAY_MS).toISOString();
  const changes: AlertChange[] = [];
  // A key decided once per run: a duplicate finding must not produce a second change on the same prior.
  const decided = new Set<string>();

  for (const finding of findings) {
    const key = alertKey(finding);
    if (decided.has(key)) continue;
    decided.add(key);
    // Targets that end up with the same notification share one decision (rendered once).
    const decisions = new Map<string, AlertDecision>();
    for (const target of targets) {
      const record = records.get(recordId(target.id, key)) ?? records.get(recordId(ANY_TARGET, key));
      if (record?.pending !== undefined && record.pending.until >= nowIso) continue;
      const step = decide(finding, record, target, now, input.renotifyHours);
      if (step === undefined) continue;
      const shared = `${step.status}|${step.severity}`;
      const alert = decisions.get(shared) ?? decisionOf(finding, key, step.status, step.severity, nowIso);
      decisions.set(shared, alert);
      const prior = record?.target === target.id ? record : undefined;
      changes.push({
        alert,
        target: target.id,
        ...(prior !== undefined && { prior }),
        notification: { status: step.status, severity: step.recordSeverity, at: nowIso },
        ...(finding.once !== undefined && { once: finding.once }),
        ...((finding.once !== undefined || step.status === 'resolved') && { expiresAt: retainUntil }),
      });
    }
  }
  return changes;
}

interface Step {
  readonly status: AlertStatus;
  /** The alert's severity. */
  readonly severity: Severity;
  /** The severity the record keeps (the highest notified while firing). */
  readonly recordSeverity: Severity;
}

/**
 * What one target should be sent for one finding, given what it was last notified of. A claim still
 * on the record here has lapsed (live ones were skipped): its run died between claim and confirm, so
 * its notification may or may not have gone out. Both ways, this errs on the side of sending — the
 * documented at-least-once re-send — so that neither a firing nor the resolution it owes is lost.
 */
function decide(
  finding: Finding,
  record: AlertRecord | undefined,
  target: DeliveryTarget,
  now: Date,
  renotifyHours: number | undefined,
): Step | undefined {
  const notified = record?.notified;
  const maybe = possiblySent(record);
  const fire = (recordSeverity: Severity = finding.severity): Step | undefined =>
    targetTakes(target, finding) ? { status: 'firing', severity: finding.severity, recordSeverity } : undefined;

  if (finding.once !== undefined) return finding.state === 'on' && notified === undefined ? fire() : undefined;
  if (finding.state === 'on') {
    if (notified === undefined || notified.status === 'resolved' || maybe.includes('resolved')) return fire();
    if (severityRank(finding.severity) > severityRank(notified.severity)) return fire();
    const due = renotifyHours !== undefined && renotifyHours > 0 && now.getTime() - Date.parse(notified.at) >= renotifyHours * HOUR_MS;
    // The record keeps the highest severity notified, so a dip and a rise back are no new escalation.
    return due ? fire(maxSeverity(finding.severity, notified.severity)) : undefined;
  }
  const told = notified?.status === 'firing' || maybe.includes('firing');
  if (finding.state === 'off' && told) {
    // The resolution carries the severity that was notified (or claimed, if nothing was confirmed).
    const severity = notified?.severity ?? record?.pending?.severity ?? finding.severity;
    // A record from before delivery was per target stands for every target: resolve only where its
    // severity was routed, so no target hears of an end it never heard begin.
    if (record?.target === ANY_TARGET && !targetTakes(target, { severity })) return undefined;
    return { status: 'resolved', severity, recordSeverity: severity };
  }
  return undefined;
}

function decisionOf(finding: Finding, key: string, status: AlertStatus, severity: Severity, at: string): AlertDecision {
  return {
    key,
    account: finding.account,
    provider: finding.provider,
    kind: finding.kind,
    severity,
    status,
    ...(finding.threshold !== undefined && { threshold: finding.threshold }),
    ...(finding.value !== undefined && { value: finding.value }),
    at,
    facts: finding.facts,
  };
}
