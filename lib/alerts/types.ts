import type { FindingFacts } from '../budget/types.js';
import type { AlertKind, AlertStatus, ProviderName, Severity } from '../model.js';

/** What the lifecycle decided to send: every fact, no wording (the catalogue describes it). */
export interface AlertDecision {
  /** Stable identity: `<account>/<finding id>` for states, `<account>/<finding id>/<once>` for events. */
  readonly key: string;
  readonly account: string;
  readonly provider: ProviderName;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly status: AlertStatus;
  readonly threshold?: number;
  readonly value?: number;
  /** When the run decided to send it (ISO). */
  readonly at: string;
  readonly facts: FindingFacts;
}

/** An alert to send: the decision with its human title and message (the public contract of DESIGN.md). */
export interface Alert extends AlertDecision {
  readonly title: string;
  readonly message: string;
}

/** One notification as the store remembers it. */
export interface Notification {
  readonly status: AlertStatus;
  /** The highest severity notified while firing; the resolution carries it, so it reaches the same targets. */
  readonly severity: Severity;
  /** ISO instant of the notification. */
  readonly at: string;
}

/**
 * What the state store remembers of one alert key for one delivery target (a topic, a routed
 * subscriber, the terminal): the notification log that keeps runs from sending twice.
 */
export interface AlertRecord {
  readonly key: string;
  /** The delivery target's id (`stdout`, `topic:warning`, a notify entry's id). */
  readonly target: string;
  readonly account: string;
  readonly kind: AlertKind;
  /** For one-shot events: the scope they fired in (period, day, reload id). */
  readonly once?: string;
  /** The last notification confirmed as published; absent until one is. */
  readonly notified?: Notification;
  /**
   * A claim in flight: a run is publishing this notification. A claim still here after `until`
   * belongs to a run that died mid-send; later runs plan from `notified`, which it never erased.
   */
  readonly pending?: Notification & {
    readonly until: string;
    /** Who claimed it (`host:pid` of a CLI process), so a store can tell a claim its owner can no longer confirm. */
    readonly owner?: string;
  };
  /**
   * Statuses of earlier claims that lapsed unconfirmed since the last confirmed notification: they may
   * have been sent, so the target may believe any of them. Cleared by the next confirmation.
   */
  readonly unconfirmed?: readonly AlertStatus[];
  /** ISO instant after which the record may be dropped (old periods, resolved states). */
  readonly expiresAt?: string;
  /** Optimistic-concurrency version; incremented by every write. */
  readonly version: number;
}

/** One notification of one alert to one target, and what its record will say once it is published. */
export interface AlertChange {
  readonly alert: AlertDecision;
  readonly target: string;
  /** The stored record this change replaces: the claim's expected version (absent: no record yet). */
  readonly prior?: AlertRecord;
  /** What the record's `notified` becomes once the alert is published. */
  readonly notification: Notification;
  readonly once?: string;
  /** When the record may be dropped; absent for a firing state, which must outlive any period. */
  readonly expiresAt?: string;
}

/** An alert held back for a target during its quiet hours, delivered (as it then stands) once they end. */
export interface HeldAlert {
  readonly target: string;
  readonly key: string;
  readonly account: string;
  readonly heldAt: string;
  /** The alert as it was when held: what is sent for a one-shot event whose scope has passed by then. */
  readonly alert: AlertDecision;
  readonly once?: string;
}

/** One alert a run sent, kept a while for the digest ("what fired and resolved in the period"). */
export interface HistoryEntry {
  readonly at: string;
  readonly key: string;
  readonly account: string;
  readonly kind: AlertDecision['kind'];
  readonly severity: AlertDecision['severity'];
  readonly status: AlertDecision['status'];
  readonly title: string;
  /** The delivery targets it reached. */
  readonly targets: readonly string[];
}
