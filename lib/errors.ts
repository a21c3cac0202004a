/** One problem found in a budgets file: where it is and what is wrong. */
export interface ConfigIssue {
  readonly file: string;
  /** Field path such as `accounts[2].budget.alertAt[1]`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** A budgets file (or CLI arguments) that cannot be used. Exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(issues.map(formatConfigIssue).join('\n'), options);
    this.issues = issues;
  }
}

/** Renders an issue as `file: path: message`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return [issue.file, issue.path, issue.message].filter((part) => part !== '').join(': ');
}

/** Wrong command-line usage. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Stable codes that reach the report's `error.code`. */
export type ProviderErrorCode =
  | 'auth' // 401/403: the key is wrong, revoked or expired
  | 'request' // the vendor refused the request (other 4xx)
  | 'rate-limited' // 429 after every retry
  | 'server' // 5xx after every retry
  | 'timeout' // no answer in time, after every retry
  | 'network' // connection refused, reset, DNS …, after every retry
  | 'response' // the vendor answered something we cannot read
  | 'key'; // the API key could not be obtained (env var unset, SSM failure)

/** Base of every failure to obtain an account's data from its vendor. Messages never hold secrets. */
export abstract class ProviderError extends Error {
  abstract readonly code: ProviderErrorCode;
  /** Whether a later run may succeed without anyone changing anything. */
  abstract readonly transient: boolean;
}

/** The vendor rejected the credentials (401/403). Alerts at once. */
export class ProviderAuthError extends ProviderError {
  override readonly name = 'ProviderAuthError';
  readonly code = 'auth' as const;
  readonly transient = false;

  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request that failed: refused (4xx), server error, rate limit, timeout or network failure. */
export class ProviderRequestError extends ProviderError {
  override readonly name = 'ProviderRequestError';
  readonly code: 'request' | 'rate-limited' | 'server' | 'timeout' | 'network';
  readonly transient: boolean;

  constructor(
    message: string,
    readonly details: {
      readonly code: 'request' | 'rate-limited' | 'server' | 'timeout' | 'network';
      readonly status?: number;
      readonly attempts: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = details.code;
    this.transient = details.code !== 'request';
  }
}

/** The vendor answered, but not in a shape we can trust. Names the field that failed. */
export class ProviderResponseError extends ProviderError {
  override readonly name = 'ProviderResponseError';
  readonly code = 'response' as const;
  readonly transient = true;

  constructor(
    message: string,
    /** Dotted path of the offending field in the response body, e.g. `[3].amount`. */
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The account's API key could not be obtained (unset env var, missing SSM parameter). */
export class KeyUnavailableError extends ProviderError {
  override readonly name = 'KeyUnavailableError';
  readonly code = 'key' as const;
  readonly transient = false;
}

/** The alert state could not be read or written (store failure, lock not obtained). Never silently reset. */
export class StateError extends Error {
  override readonly name: string = 'StateError';
}

/**
 * The state file itself cannot be used as it is (corrupt, of the wrong shape, read-only, not a regular
 * file, in a folder that cannot be created): the user must fix or move it. Exit code 2.
 */
export class StateFileError extends StateError {
  override readonly name = 'StateFileError';
}

/**
 * Publishing an alert failed. `maybeDelivered` says the channel may have taken it anyway (a timeout,
 * a server error after the request was sent): the claim is then left to lapse, so that a later run
 * treats the notification as possibly sent — re-sending it, or resolving it, rather than losing it.
 * Otherwise the claim is released and the next run retries.
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  readonly maybeDelivered: boolean;

  constructor(message: string, options?: { cause?: unknown; maybeDelivered?: boolean }) {
    super(message, options);
    this.maybeDelivered = options?.maybeDelivered ?? false;
  }
}
