import type { AlertKind, Severity } from '../model.js';
import type { FindingFacts } from '../budget/types.js';
import type { ProviderName } from '../model.js';

/** An alert to send: the public contract of DESIGN.md, plus `facts` for renderers. */
export interface Alert {
  /** Stable identity: `<account>/<finding id>` for states, `<account>/<finding id>/<once>` for events. */
  readonly key: string;
  readonly account: string;
  readonly provider: ProviderName;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly status: 'firing' | 'resolved';
  readonly threshold?: number;
  readonly value?: number;
  readonly title: string;
  readonly message: string;
  /** When the run decided to send it (ISO). */
  readonly at: string;
  readonly facts: FindingFacts;
}

/** What the state store remembers of one alert key. */
export interface AlertRecord {
  readonly key: string;
  readonly account: string;
  readonly kind: AlertKind;
  /** `firing` while notified and not resolved; `resolved` after the resolution was sent. */
  readonly status: 'firing' | 'resolved';
  readonly severity: Severity;
  /** ISO instant of the last notification (firing or resolved). */
  readonly notifiedAt: string;
  /** For one-shot events: the scope they fired in (period, day, reload id). */
  readonly once?: string;
  /** ISO instant after which the record may be dropped (old periods). */
  readonly expiresAt?: string;
  /**
   * Set while a run has claimed the alert but not yet confirmed its publication (ISO). A claim still
   * pending after this instant belongs to a run that died mid-send: later runs treat the record as absent.
   */
  readonly pendingUntil?: string;
  /** Optimistic-concurrency version; incremented by every write. */
  readonly version: number;
}
