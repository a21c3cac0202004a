import type { Alert } from '../alerts/types.js';

/** Where alerts go: SNS on AWS, the terminal locally. Throws when the alert was not delivered. */
export interface AlertPublisher {
  publish(alert: Alert): Promise<void>;
}
