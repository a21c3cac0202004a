import { severityRank, type Severity } from '../model.js';
import type { AlertDecision } from './types.js';

/** Where alerts are delivered: a topic, a routed subscriber, the terminal. Claims are per alert × target. */
export interface DeliveryTarget {
  /** Stable id, kept in the alert records: `stdout`, `topic:warning`, a notify entry's id. */
  readonly id: string;
  /** The least severe firing alert it receives. */
  readonly minSeverity: Severity;
}

/** Whether a target receives a firing alert (resolutions go to whichever targets got the firing). */
export function targetTakes(target: DeliveryTarget, alert: Pick<AlertDecision, 'severity'>): boolean {
  return severityRank(alert.severity) >= severityRank(target.minSeverity);
}
