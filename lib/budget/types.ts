import type { AlertKind, ProviderName, Severity } from '../model.js';
import type { RateBasis } from './burn-rate.js';

/**
 * Where a condition stands at this check.
 * - `on`: the condition holds (an event happened, or a state was entered).
 * - `off`: the condition clearly does not hold (past the anti-flap margin): a notified state resolves.
 * - `hold`: inside the margin: keep whatever was last notified.
 */
export type FindingState = 'on' | 'off' | 'hold';

/** The numbers behind a finding, for rendering; all optional, all in credits unless named. */
export interface FindingFacts {
  readonly period?: string; // YYYY-MM
  readonly used?: number;
  readonly budget?: number;
  readonly forecast?: number;
  readonly available?: number;
  readonly currency?: string;
  readonly runwayDays?: number;
  readonly reloadThreshold?: number;
  readonly reloadAmount?: number;
  readonly todayUsed?: number;
  readonly medianDailyUsed?: number;
  readonly errorRate?: number; // percent
  readonly failedRequests?: number;
  readonly totalRequests?: number;
  readonly expiresAt?: string; // ISO
  readonly consecutiveFailures?: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The burn rate, credits per 24 h, that runway and the forecast use. */
  readonly averageDailyUsed?: number;
  /** The days the burn rate was measured over (whole days back from the check, or the history so far). */
  readonly rateDays?: number;
  /** How the burn rate was measured: the usual week, since a change, or from little history. */
  readonly rateBasis?: RateBasis;
  /** Credits of a one-off burst left out of the burn rate. */
  readonly rateSetAside?: number;
  /** The local day a daily event (usage spike) refers to, `YYYY-MM-DD`. */
  readonly day?: string;
  /** When an auto-reload happened (ISO). */
  readonly reloadedAt?: string;
  /** When the account was last checked successfully (ISO): its figures are stale since then. */
  readonly lastGoodAt?: string;
  /** What one credit costs (`creditPrice`): texts show money beside credits. */
  readonly price?: { readonly amount: number; readonly currency: string };
}

/** One evaluated condition of one account at one instant. Pure data; the lifecycle decides what to send. */
export interface Finding {
  /** Identity of the condition within the account, e.g. `budget.actual:80` or `balance.low`. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly account: string;
  readonly provider: ProviderName;
  readonly state: FindingState;
  readonly severity: Severity;
  /** The configured limit the value was compared to (percent, credits, days …). */
  readonly threshold?: number;
  /** The measured value compared to the threshold. */
  readonly value?: number;
  /**
   * For one-shot events (budget thresholds, reloads, spikes): the scope in which it fires at most once,
   * e.g. the period `2026-11`, the day `2026-11-05`, or a reload's ledger id. Absent for state conditions,
   * which fire when entered and resolve when left.
   */
  readonly once?: string;
  readonly facts: FindingFacts;
}
