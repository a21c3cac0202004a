import { claimedRecord } from '../alerts/records.js';
import type { DeliveryTarget } from '../alerts/routing.js';
import type { Alert, AlertChange, AlertRecord } from '../alerts/types.js';
import { mapConcurrent } from '../concurrency.js';
import { PublishError } from '../errors.js';
import type { AlertStateStore } from '../state/types.js';
import type { AlertPublisher } from './types.js';

/** One alert planned for one target. */
export interface Planned {
  readonly change: AlertChange;
  readonly alert: Alert;
  readonly target: DeliveryTarget;
}

/** One message to one target: a single alert, or a group (what quiet hours held, delivered together). */
export interface Delivery {
  readonly target: DeliveryTarget;
  readonly items: readonly { readonly change: AlertChange; readonly alert: Alert }[];
}

/**
 * How a delivery of one alert ended.
 * - `sent`: claimed, published, confirmed.
 * - `taken`: another run claimed it first; it sends it.
 * - `failed`: not published (the claim or the publication failed); the next run retries it.
 * - `unconfirmed`: published, but the confirmation was not stored: the claim lapses and the alert is
 *   re-sent once (at least once, never silently lost).
 */
export type DeliveryStatus = 'sent' | 'taken' | 'failed' | 'unconfirmed';

/** The step of a delivery that failed. */
export type DeliveryStage = 'claim' | 'publish' | 'confirm' | 'release';

export interface DeliveryDeps {
  readonly store: AlertStateStore;
  readonly publisher: AlertPublisher;
  readonly now: Date;
  /** How long a claimed-but-unconfirmed alert blocks other runs. */
  readonly claimTtlMs: number;
  readonly concurrency: number;
  /** Written on each claim (`host:pid`), so that a store can release the claims of a process that died. */
  readonly claimOwner?: string;
  /** Told about every step that failed (the run goes on). */
  readonly onError?: (alert: Alert, target: DeliveryTarget, stage: DeliveryStage, error: unknown) => void;
}

/**
 * The one place that sends: for each alert × target, claim it in the state store (a conditional
 * write), publish, then confirm at once — or release the claim if publishing failed, so the next run
 * retries it. A group claims each of its alerts and publishes those it won as one message. A failing
 * step fails only its own delivery; the run goes on. Returns each delivery's statuses, item by item.
 */
export async function deliver(deps: DeliveryDeps, deliveries: readonly Delivery[]): Promise<DeliveryStatus[][]> {
  const until = new Date(deps.now.getTime() + deps.claimTtlMs).toISOString();
  return mapConcurrent(deliveries, deps.concurrency, (delivery) => deliverOne(deps, until, delivery));
}

/** A claim this delivery won. */
interface Won {
  readonly index: number;
  readonly claimed: AlertRecord;
  readonly prior?: AlertRecord;
  readonly alert: Alert;
}

/** One delivery under way: what its claims report into. */
interface Claims {
  readonly deps: DeliveryDeps;
  readonly until: string;
  readonly target: DeliveryTarget;
  readonly statuses: DeliveryStatus[];
  readonly won: Won[];
}

// The steps are module functions, not closures made per run: on Node 20, V8 compiled the closures made anew
// each run again in every run (tens of ms of TurboFan per 1,000-account run; README, Performance).

/** One delivery: claim each item, publish what was won, confirm (or release). */
async function deliverOne(deps: DeliveryDeps, until: string, { target, items }: Delivery): Promise<DeliveryStatus[]> {
  const claims: Claims = { deps, until, target, statuses: items.map(() => 'taken'), won: [] };
  await Promise.all(items.map((item, index) => claimOne(claims, item, index)));
  const { statuses, won } = claims;
  if (won.length === 0) return statuses;
  won.sort((a, b) => a.index - b.index);
  try {
    await publish(deps.publisher, won.map((w) => w.alert), target);
  } catch (error) {
    for (const w of won) deps.onError?.(w.alert, target, 'publish', error);
    // Possibly delivered: keep the claims, so that once they lapse a later run knows the notification
    // may have gone out. Otherwise release them; if that fails too, they lapse the same way.
    const maybe = error instanceof PublishError && error.maybeDelivered;
    for (const w of won) {
      statuses[w.index] = 'failed';
      if (!maybe) await deps.store.release(w.claimed, w.prior).catch((releaseError: unknown) => deps.onError?.(w.alert, target, 'release', releaseError));
    }
    return statuses;
  }
  for (const w of won) {
    try {
      await deps.store.confirm(w.claimed);
      statuses[w.index] = 'sent';
    } catch (error) {
      deps.onError?.(w.alert, target, 'confirm', error);
      statuses[w.index] = 'unconfirmed';
    }
  }
  return statuses;
}

/** Claims one item: a won claim joins `won`, a failed one marks its status. */
async function claimOne(claims: Claims, { change, alert }: Delivery['items'][number], index: number): Promise<void> {
  const { deps } = claims;
  const claimed = claimedRecord(change, claims.until, deps.claimOwner);
  try {
    if (await deps.store.claim(claimed, change.prior)) claims.won.push({ index, claimed, alert, ...(change.prior && { prior: change.prior }) });
  } catch (error) {
    deps.onError?.(alert, claims.target, 'claim', error);
    claims.statuses[index] = 'failed';
  }
}

/** One alert as one message; several as one grouped message where the channel can (else one by one). */
async function publish(publisher: AlertPublisher, alerts: readonly Alert[], target: DeliveryTarget): Promise<void> {
  if (alerts.length === 1) return publisher.publish(alerts[0]!, target);
  if (publisher.publishGroup !== undefined) return publisher.publishGroup(alerts, target);
  for (const alert of alerts) await publisher.publish(alert, target);
}
