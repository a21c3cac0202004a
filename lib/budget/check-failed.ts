import type { RulesConfig } from './rules-config.js';
import type { Finding } from './types.js';

/** Consecutive failed checks before a transient failure alerts. */
export const FAILURES_BEFORE_ALERT = 3;

/**
 * The `check.failed` finding of a failed check: `on` at once for a rejected or missing key, after
 * 3 consecutive failures otherwise; `hold` before that, so that a failure already notified is neither
 * resolved nor re-sent by one more failure.
 */
export function evaluateFailure(input: {
  readonly account: RulesConfig;
  readonly error: { readonly code: string; readonly message: string };
  readonly consecutiveFailures: number;
  readonly now: Date;
}): Finding {
  const { account, error, consecutiveFailures } = input;
  // Failures that will not heal by themselves (a wrong key, a refused request) alert at once.
  const immediate = error.code === 'auth' || error.code === 'key' || error.code === 'request';
  const threshold = immediate ? 1 : FAILURES_BEFORE_ALERT;
  return {
    id: 'check.failed',
    kind: 'check.failed',
    account: account.id,
    provider: account.provider,
    state: consecutiveFailures >= threshold ? 'on' : 'hold',
    severity: error.code === 'auth' ? 'critical' : 'warning',
    threshold,
    value: consecutiveFailures,
    facts: { consecutiveFailures, errorCode: error.code, errorMessage: error.message },
  };
}

/** The `check.failed` finding of a successful check: `off`, which resolves a notified failure. */
export function checkRecovered(account: RulesConfig): Finding {
  return {
    id: 'check.failed',
    kind: 'check.failed',
    account: account.id,
    provider: account.provider,
    state: 'off',
    severity: 'info',
    facts: { consecutiveFailures: 0 },
  };
}
