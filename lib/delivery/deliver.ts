import { claimedRecord } from '../alerts/records.js';
import type { DeliveryTarget } from '../alerts/routing.js';
import type { Alert, AlertChange } from '../alerts/types.js';
import { mapConcurrent } from '../concurrency.js';
import { PublishError } from '../errors.js';
import type { AlertStateStore } from '../state/types.js';
import type { AlertPublisher } from './types.js';

/** One alert for one target, ready to send. */
export interface Delivery {
  readonly change: AlertChange;
  readonly alert: Alert;
  readonly target: DeliveryTarget;
}

/**
 * How a delivery ended.
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
  /** Written on each claim (`host:pid`), so that a store can release the claims of a process that died. */
  readonly claimOwner?: string;
  readonly concurrency: number;
  /** Told about every step that failed (the run goes on). */
  readonly onError?: (delivery: Delivery, stage: DeliveryStage, error: unknown) => void;
}

/**
 * The one place that sends: for each alert × target, claim it in the state store (a conditional
 * write), publish, then confirm at once — or release the claim if publishing failed, so the next run
 * retries it. A failing step fails only its own delivery; the run goes on.
 */
export async function deliver(deps: DeliveryDeps, deliveries: readonly Delivery[]): Promise<DeliveryStatus[]> {
  const until = new Date(deps.now.getTime() + deps.claimTtlMs).toISOString();
  return mapConcurrent(deliveries, deps.concurrency, async (delivery): Promise<DeliveryStatus> => {
    const { store, publisher } = deps;
    const { change, alert, target } = delivery;
    const failed = (stage: DeliveryStage, error: unknown) => deps.onError?.(delivery, stage, error);
    const claimed = claimedRecord(change, until, deps.claimOwner);
    try {
      if (!(await store.claim(claimed, change.prior))) return 'taken';
    } catch (error) {
      failed('claim', error);
      return 'failed';
    }
    try {
      await publisher.publish(alert, target);
    } catch (error) {
      failed('publish', error);
      // Possibly delivered: keep the claim, so that once it lapses a later run knows the notification
      // may have gone out. Otherwise release it; if that fails too, it lapses the same way.
      if (!(error instanceof PublishError && error.maybeDelivered)) {
        await store.release(claimed, change.prior).catch((releaseError: unknown) => failed('release', releaseError));
      }
      return 'failed';
    }
    try {
      await store.confirm(claimed);
      return 'sent';
    } catch (error) {
      failed('confirm', error);
      return 'unconfirmed';
    }
  });
}
