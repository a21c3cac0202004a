import { RECORD_RETENTION_DAYS } from '../alerts/lifecycle.js';
import { recordId } from '../alerts/records.js';
import { inQuietHours, type DeliveryTarget } from '../alerts/routing.js';
import type { Alert, AlertDecision, AlertRecord, HeldAlert } from '../alerts/types.js';
import type { Delivery, Planned } from './deliver.js';

/** A held alert to forget: delivered, or no longer due. */
export type HeldRef = Pick<HeldAlert, 'target' | 'key' | 'account'>;

/** What quiet hours make of a run's planned deliveries. */
export interface QuietOutcome {
  /** Each planned alert alone, and per target whose quiet hours ended one group of what they held. */
  readonly deliveries: readonly (Delivery & { readonly releases: readonly HeldRef[] })[];
  /** Newly held (the target is in its quiet hours and the alert is not critical). */
  readonly hold: readonly HeldAlert[];
  /** The planned deliveries those were. */
  readonly quieted: readonly Planned[];
  /** Held alerts no longer due (a condition that ended meanwhile): forget them now. */
  readonly drop: readonly HeldRef[];
}

/**
 * Quiet hours (pure): during them a target receives only critical alerts; the rest are held. At the
 * first run after they end, what was held is delivered as one group, each alert as it stands then:
 * a condition still on goes with its current figures, a one-shot event as it was held, and a
 * condition that ended meanwhile is dropped (never firing-then-resolved).
 */
export function applyQuietHours(input: {
  readonly planned: readonly Planned[];
  readonly held: readonly HeldAlert[];
  readonly targets: readonly DeliveryTarget[];
  readonly records: ReadonlyMap<string, AlertRecord>;
  readonly now: Date;
  readonly describe: (decision: AlertDecision) => Alert;
}): QuietOutcome {
  const { planned, now } = input;
  const quiet = new Set(input.targets.filter((t) => t.quietHours !== undefined && inQuietHours(t.quietHours, now)).map((t) => t.id));
  // By target, and the keys each holds: lists and lookups that stay linear when thousands of alerts are held.
  const heldBy = new Map<string, HeldAlert[]>();
  const heldKeys = new Map<string, Set<string>>();
  for (const h of input.held) {
    const list = heldBy.get(h.target);
    if (list === undefined) heldBy.set(h.target, [h]);
    else list.push(h);
    const keys = heldKeys.get(h.target);
    if (keys === undefined) heldKeys.set(h.target, new Set([h.key]));
    else keys.add(h.key);
  }

  const hold: HeldAlert[] = [];
  const quieted: Planned[] = [];
  const singles: (Delivery & { releases: HeldRef[] })[] = [];
  const grouped = new Map<string, { change: Planned['change']; alert: Alert }[]>();
  for (const p of planned) {
    const isQuiet = quiet.has(p.target.id);
    const alreadyHeld = heldKeys.get(p.target.id)?.has(p.alert.key) === true;
    if (isQuiet && p.alert.severity !== 'critical') {
      quieted.push(p);
      // Held once: holding it again each quiet run only rewrote the same item (a write unit per alert per run)
      // and moved its heldAt, from which it expires (HELD_RETENTION_DAYS), to the latest run.
      if (!alreadyHeld) hold.push({ target: p.target.id, key: p.alert.key, account: p.alert.account, heldAt: now.toISOString(), alert: p.change.alert, ...(p.change.once !== undefined && { once: p.change.once }) });
    } else if (!isQuiet && alreadyHeld) {
      const group = grouped.get(p.target.id);
      if (group === undefined) grouped.set(p.target.id, [{ change: p.change, alert: p.alert }]);
      else group.push({ change: p.change, alert: p.alert });
    } else {
      singles.push({ target: p.target, items: [{ change: p.change, alert: p.alert }], releases: [] });
    }
  }

  const drop: HeldRef[] = [];
  const dropped = new Set<HeldAlert>();
  const groups: (Delivery & { releases: HeldRef[] })[] = [];
  for (const target of input.targets) {
    const heldHere = heldBy.get(target.id);
    if (quiet.has(target.id) || heldHere === undefined) continue;
    const items = grouped.get(target.id) ?? [];
    const itemKeys = new Set(items.map((i) => i.alert.key));
    for (const h of heldHere) {
      if (itemKeys.has(h.key)) continue;
      const event = h.once !== undefined ? heldEvent(h, input.records, now, input.describe) : undefined;
      if (event !== undefined) {
        items.push(event);
        itemKeys.add(event.alert.key);
      } else {
        drop.push(h);
        dropped.add(h);
      }
    }
    const releases = heldHere.filter((h) => !dropped.has(h));
    if (items.length > 0) groups.push({ target, items, releases });
  }
  return { deliveries: [...singles, ...groups], hold, quieted, drop };
}

/** A held one-shot event whose scope has passed (so the lifecycle no longer plans it), unless it was sent meanwhile. */
function heldEvent(held: HeldAlert, records: ReadonlyMap<string, AlertRecord>, now: Date, describe: (d: AlertDecision) => Alert) {
  const prior = records.get(recordId(held.target, held.key));
  if (prior?.notified !== undefined) return undefined;
  const at = now.toISOString();
  const decision: AlertDecision = { ...held.alert, at };
  return {
    change: {
      alert: decision,
      target: held.target,
      ...(prior !== undefined && { prior }),
      notification: { status: 'firing' as const, severity: decision.severity, at },
      ...(held.once !== undefined && { once: held.once }),
      expiresAt: new Date(now.getTime() + RECORD_RETENTION_DAYS * 86_400_000).toISOString(),
    },
    alert: describe(decision),
  };
}
