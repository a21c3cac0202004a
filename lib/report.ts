// The report of a check: the public contract of DESIGN.md ("Contract"), shared by the CLI's --json,
// the Lambda's return value and the machine-readable alert body.
import type { FindingFacts } from './budget/types.js';
import type { Alert } from './alerts/types.js';
import type { AccountFigures, AlertStatus, ProviderName, Severity } from './model.js';
import type { Money } from './money.js';

/** The contract's per-account entry: the figures when the check succeeded, the error when it did not. */
export interface AccountReport extends Partial<AccountFigures> {
  readonly id: string;
  readonly provider: ProviderName;
  readonly status: 'ok' | 'error';
  readonly error?: { code: string; message: string };
  /** A failed account whose last successful check is older than twice its schedule (or that never had one). */
  readonly stale?: true;
  /** A failed account's figures at its last successful check. */
  readonly lastGood?: AccountFigures & { readonly at: string };
  /** The figures in money, where the account sets `creditPrice`. */
  readonly money?: Money;
}

/** Where one alert went: the delivery targets it reached and those it did not (retried next run). */
export interface DeliveryReport {
  readonly key: string;
  readonly status: AlertStatus;
  readonly sent: readonly string[];
  readonly failed: readonly string[];
  /** Targets in their quiet hours: it follows, with whatever else they held, when those end. */
  readonly heldForQuietHours?: readonly string[];
}

/** The result of one check run: the public report of DESIGN.md. */
export interface Report {
  readonly checkedAt: string;
  readonly accounts: readonly AccountReport[];
  /** Only what this run sent (or, in a dry run, would send). */
  readonly alerts: readonly ContractAlert[];
  /** What an active silence held back this run (never also in `alerts`). */
  readonly silenced?: readonly ContractAlert[];
  /** Per alert, the targets it reached and those it did not; absent in a dry run and when nothing was due. */
  readonly delivery?: readonly DeliveryReport[];
}

/** The public contract's Alert (DESIGN.md): what reports list and machine subscribers receive. */
export interface ContractAlert {
  readonly key: string;
  readonly account: string;
  readonly provider: Alert['provider'];
  readonly kind: Alert['kind'];
  readonly severity: Severity;
  readonly status: Alert['status'];
  readonly threshold?: number;
  readonly value?: number;
  readonly title: string;
  readonly message: string;
}

/** The machine form of an alert: the contract's fields plus `at` and `facts`. */
export interface AlertJson extends ContractAlert {
  readonly at: string;
  readonly facts: FindingFacts;
}

/** Exactly the contract's Alert fields, absent numbers omitted, values to 2 decimals. */
export function toContractAlert(alert: Alert): ContractAlert {
  return {
    key: alert.key,
    account: alert.account,
    provider: alert.provider,
    kind: alert.kind,
    severity: alert.severity,
    status: alert.status,
    ...(alert.threshold !== undefined && { threshold: alert.threshold }),
    ...(alert.value !== undefined && { value: Math.round(alert.value * 100) / 100 }),
    title: alert.title,
    message: alert.message,
  };
}

