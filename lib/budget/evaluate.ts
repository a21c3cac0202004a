import type { AccountSnapshot, LedgerEntry } from '../model.js';
import { consumptionBetween, consumptionThrough, roundCredits } from './consumption.js';
import { forecastConsumption } from './forecast.js';
import { DAY_MS, TRAILING_DAYS, dayKeyIn, periodIn, startOfDayIn, zonedCalendar, type ZonedCalendar } from './period.js';
import type { RulesConfig } from './rules-config.js';
import { trailingDailyAverage } from './runway.js';
import type { Severity } from '../model.js';
import type { Finding, FindingFacts, FindingState } from './types.js';

/** The account's consumption picture, for the report. */
export interface EvaluationSummary {
  readonly period: string;
  readonly used: number;
  readonly budget?: number;
  readonly forecast?: number;
  readonly runwayDays?: number;
}

/** Fraction above `below` the balance must regain before `balance.low` resolves. */
export const BALANCE_MARGIN_FRACTION = 0.05;
/** Factor of `runwayDays` the runway must regain before `balance.runway` resolves. */
export const RUNWAY_RESOLVE_FACTOR = 1.2;
/** Factor of `warnWithin` above the reload threshold the balance must regain before `autoreload.near` resolves. */
export const NEAR_RESOLVE_FACTOR = 1.2;
/** Share of the error-rate limit below which `usage.errors` resolves. */
export const ERROR_RATE_RESOLVE_FACTOR = 0.8;
/** Requests a period needs before its error rate means anything. */
export const MIN_REQUESTS_FOR_ERROR_RATE = 20;
/** Consecutive failed checks before a transient failure alerts. */
export const FAILURES_BEFORE_ALERT = 3;
/** How far back a reload still counts as news. */
const RELOAD_LOOKBACK_MS = DAY_MS;

/**
 * Evaluates one account's rules against its snapshot and ledger at `now` (pure). `ledger` is the
 * snapshot's ledger or one derived from balance history; entries after `now` are ignored (replays).
 * `historyFrom` tells where the ledger's knowledge starts when that is earlier than its first entry
 * (the first balance sample of a derived ledger).
 */
export function evaluateAccount(input: {
  readonly account: RulesConfig;
  readonly snapshot: AccountSnapshot;
  readonly ledger: readonly LedgerEntry[];
  readonly now: Date;
  readonly historyFrom?: Date;
  /** The account's time-zone calendar, when the caller shares one between accounts of a zone. */
  readonly calendar?: ZonedCalendar;
}): { findings: Finding[]; summary: EvaluationSummary } {
  const { account, snapshot, now, historyFrom } = input;
  const ledger = input.ledger.filter((entry) => entry.at.getTime() <= now.getTime());
  const calendar = input.calendar ?? zonedCalendar(account.timezone);
  const period = periodIn(calendar, now);
  const available = snapshot.balance.available;

  const used = consumptionThrough(ledger, period.start, now);
  const forecast = forecastConsumption({ ledger, now, period, historyFrom });
  const averageDailyUsed = trailingDailyAverage(ledger, now, historyFrom);
  // Same rule as runwayDays(), without a second pass over the ledger.
  const runway = averageDailyUsed > 0 ? Math.max(0, available) / averageDailyUsed : undefined;
  const monthly = account.budget && account.budget.monthly > 0 ? account.budget.monthly : undefined;

  const facts: FindingFacts = {
    period: period.key,
    used,
    ...(monthly !== undefined && { budget: monthly }),
    ...(forecast && { forecast: round2(forecast.value) }),
    available,
    ...(snapshot.balance.currency !== undefined && { currency: snapshot.balance.currency }),
    ...(runway !== undefined && { runwayDays: round2(runway) }),
    ...(averageDailyUsed > 0 && { averageDailyUsed: round2(averageDailyUsed) }),
    ...(snapshot.autoReload?.threshold !== undefined && { reloadThreshold: snapshot.autoReload.threshold }),
    ...(snapshot.autoReload?.amount !== undefined && { reloadAmount: snapshot.autoReload.amount }),
  };
  const base = { account: account.id, provider: account.provider, facts };
  const findings: Finding[] = [];

  if (account.budget && monthly !== undefined) {
    const usedPercent = (used / monthly) * 100;
    for (const threshold of account.budget.alertAt) {
      findings.push({
        ...base,
        id: `budget.actual:${threshold}`,
        kind: 'budget.actual',
        state: used * 100 >= threshold * monthly ? 'on' : 'off',
        severity: budgetSeverity(threshold),
        threshold,
        value: round2(usedPercent),
        once: period.key,
      });
    }
    if (forecast) {
      const forecastPercent = (forecast.value / monthly) * 100;
      for (const threshold of account.budget.forecastAt) {
        findings.push({
          ...base,
          id: `budget.forecast:${threshold}`,
          kind: 'budget.forecast',
          // A forecast is a projection, not money already gone: always a warning, so that critical
          // pages stay reserved for what is true now (budget spent, balance empty, key rejected).
          state: forecast.value * 100 >= threshold * monthly ? 'on' : 'off',
          severity: 'warning',
          threshold,
          value: round2(forecastPercent),
          once: period.key,
        });
      }
    }
  }

  const below = account.balance?.below;
  if (below !== undefined) {
    const margin = Math.max(BALANCE_MARGIN_FRACTION * below, 1);
    findings.push({
      ...base,
      id: 'balance.low',
      kind: 'balance.low',
      state: available < below ? 'on' : available >= below + margin ? 'off' : 'hold',
      severity: available <= 0 ? 'critical' : 'warning',
      threshold: below,
      value: available,
    });
  }

  const minRunway = account.balance?.runwayDays;
  if (minRunway !== undefined) {
    const state: FindingState =
      runway === undefined || runway >= minRunway * RUNWAY_RESOLVE_FACTOR ? 'off' : runway < minRunway ? 'on' : 'hold';
    findings.push({
      ...base,
      id: 'balance.runway',
      kind: 'balance.runway',
      state,
      severity: runway !== undefined && runway < 1 ? 'critical' : 'warning',
      threshold: minRunway,
      ...(runway !== undefined && { value: round2(runway) }),
    });
  }

  const reload = snapshot.autoReload;
  if (account.autoReload && reload) {
    findings.push({
      ...base,
      id: 'autoreload.off',
      kind: 'autoreload.off',
      state: reload.enabled ? 'off' : 'on',
      severity: 'warning',
    });
  }

  const warnWithin = account.autoReload?.warnWithin;
  if (warnWithin !== undefined && reload) {
    if (reload.enabled && reload.threshold !== undefined) {
      const limit = reload.threshold + warnWithin;
      const clear = reload.threshold + Math.max(warnWithin * NEAR_RESOLVE_FACTOR, warnWithin + 1);
      findings.push({
        ...base,
        id: 'autoreload.near',
        kind: 'autoreload.near',
        state: available <= limit ? 'on' : available > clear ? 'off' : 'hold',
        severity: 'info',
        threshold: limit,
        value: available,
      });
    } else {
      // With auto-reload off (or no threshold) "near the reload threshold" cannot hold; saying so
      // resolves a warning sent before it was switched off (autoreload.off covers the new situation).
      findings.push({ ...base, id: 'autoreload.near', kind: 'autoreload.near', state: 'off', severity: 'info' });
    }
  }

  for (const entry of ledger) {
    if (entry.type !== 'reload' || now.getTime() - entry.at.getTime() >= RELOAD_LOOKBACK_MS) continue;
    findings.push({
      ...base,
      facts: { ...facts, reloadedAt: entry.at.toISOString() },
      id: 'autoreload.triggered',
      kind: 'autoreload.triggered',
      state: 'on',
      severity: 'info',
      value: roundCredits(entry.delta),
      once: entry.id,
    });
  }

  const spikeFactor = account.usage?.spikeFactor;
  if (spikeFactor !== undefined) {
    const todayStart = startOfDayIn(calendar, now);
    const today = consumptionThrough(ledger, todayStart, now);
    const previous: number[] = [];
    for (let back = 1; back <= TRAILING_DAYS; back++) {
      previous.push(consumptionBetween(ledger, startOfDayIn(calendar, now, -back), startOfDayIn(calendar, now, 1 - back)));
    }
    const med = median(previous);
    const ratio = med > 0 ? today / med : undefined;
    findings.push({
      ...base,
      facts: { ...facts, todayUsed: today, medianDailyUsed: round2(med), day: dayKeyIn(calendar, now) },
      id: 'usage.spike',
      kind: 'usage.spike',
      state: med > 0 && today > 0 && today >= spikeFactor * med ? 'on' : 'off',
      severity: 'warning',
      threshold: spikeFactor,
      ...(ratio !== undefined && { value: round2(ratio) }),
      once: dayKeyIn(calendar, now),
    });
  }

  const errorRate = account.usage?.errorRate;
  const usage = snapshot.usage;
  if (errorRate !== undefined && usage && usage.totalRequests >= MIN_REQUESTS_FOR_ERROR_RATE) {
    const rate = (usage.failedRequests / usage.totalRequests) * 100;
    findings.push({
      ...base,
      facts: {
        ...facts,
        errorRate: round2(rate),
        failedRequests: usage.failedRequests,
        totalRequests: usage.totalRequests,
      },
      id: 'usage.errors',
      kind: 'usage.errors',
      state: rate >= errorRate ? 'on' : rate < errorRate * ERROR_RATE_RESOLVE_FACTOR ? 'off' : 'hold',
      severity: 'warning',
      threshold: errorRate,
      value: round2(rate),
    });
  }

  const expiresAt = snapshot.tokenExpiresAt;
  if (expiresAt) {
    const leftDays = (expiresAt.getTime() - now.getTime()) / DAY_MS;
    findings.push({
      ...base,
      facts: { ...facts, expiresAt: expiresAt.toISOString() },
      id: 'auth.expiring',
      kind: 'auth.expiring',
      state: leftDays < account.authExpiryWarnDays ? 'on' : 'off',
      severity: leftDays < 1 ? 'critical' : 'warning',
      threshold: account.authExpiryWarnDays,
      value: round2(leftDays),
    });
  } else {
    // The check succeeded with a credential that has no known expiry (e.g. the JWT was replaced by a
    // long-lived key): a warning about the old token's expiry no longer holds.
    findings.push({ ...base, id: 'auth.expiring', kind: 'auth.expiring', state: 'off', severity: 'warning' });
  }

  return {
    findings,
    summary: {
      period: period.key,
      used,
      ...(monthly !== undefined && { budget: monthly }),
      ...(forecast && { forecast: round2(forecast.value) }),
      ...(runway !== undefined && { runwayDays: round2(runway) }),
    },
  };
}

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

function budgetSeverity(threshold: number): Severity {
  if (threshold >= 100) return 'critical';
  if (threshold >= 80) return 'warning';
  return 'info';
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
