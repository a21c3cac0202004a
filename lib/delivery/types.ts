import type { DeliveryTarget } from '../alerts/routing.js';
import type { Alert } from '../alerts/types.js';

/** Where alerts go: SNS on AWS, the terminal locally. Throws when the alert did not reach the target. */
export interface AlertPublisher {
  publish(alert: Alert, target: DeliveryTarget): Promise<void>;
  /**
   * Several alerts as one message (what quiet hours held back: one mail, one card). Without it, a
   * group is published alert by alert.
   */
  publishGroup?(alerts: readonly Alert[], target: DeliveryTarget): Promise<void>;
}
