// What each alert kind says, one entry per kind: the compiler rejects a kind of ALERT_KINDS without an
// entry. Channels (render.ts) lay these texts out; they never decide wording per kind.
import type { AlertKind, AlertStatus } from '../model.js';
import type { Finding, FindingFacts } from '../budget/types.js';
import {
  amount,
  atInstant,
  availabilitySentence,
  burnRate,
  errorText,
  joinSentences,
  periodName,
  reloadSentence,
  requestsFailed,
  setAsideSentence,
  share,
  usedOf,
} from './sentences.js';
import { formatDays, formatInstant, formatNumber, formatPercent } from './text.js';

/** What describing needs of a finding or an alert (both have these fields). */
export type Describable = Pick<Finding, 'kind' | 'account' | 'provider' | 'severity' | 'threshold' | 'value' | 'facts'>;

/** The human title and one-paragraph message of an alert: plain text, shared by every channel. */
export interface AlertText {
  readonly title: string;
  readonly message: string;
}

/** Everything that is said differently per kind. */
export interface KindEntry {
  /** The text while the condition holds, or when the event happens. */
  readonly firing: (finding: Describable) => AlertText;
  /** The text once the condition no longer holds (one-shot events never resolve: `clearedText`). */
  readonly resolved: (finding: Describable) => AlertText;
  /** The few numbers a firing SMS has room for, after the title. */
  readonly smsDetail: (facts: FindingFacts) => string | undefined;
  /** The configured threshold in words: `80%`, `7 days`, `3x the median day`. */
  readonly threshold: (threshold: number, facts: FindingFacts) => string;
  /** Advice for a firing alert, most urgent first. */
  readonly nextSteps: (facts: FindingFacts) => readonly string[];
}

const NO_ACTION: readonly string[] = ['No action needed.'];

/** The SMS detail most kinds give: the balance, when known. */
function availableShort(f: FindingFacts): string | undefined {
  return f.available !== undefined ? `avail ${formatNumber(f.available)}` : undefined;
}

/** The resolved text of a one-shot event (which never resolves, but a text must exist). */
function clearedText({ account, kind, facts }: Describable): AlertText {
  return { title: `${account}: ${kind} alert cleared`, message: joinSentences('The condition no longer holds.', availabilitySentence(facts)) };
}

/** What a forecast extrapolates: `At about 20 credits a day over the last 7 days,`, or the rate unnamed. */
function forecastBasis(f: FindingFacts): string {
  const rate = burnRate(f);
  if (rate !== undefined) return `At ${rate},`;
  if (f.rateDays === undefined) return 'At the current burn rate';
  return f.rateBasis === 'little-history'
    ? `With no regular use yet (only ${formatDays(f.rateDays)} of history so far),`
    : `With no regular use over the last ${formatDays(f.rateDays)},`;
}

/** `the alert level` when a resolved state no longer knows its threshold. */
function levelText(threshold: number | undefined, format: (t: number) => string): string {
  return threshold !== undefined ? format(threshold) : 'the alert level';
}

/** One entry per kind; adding a kind to ALERT_KINDS without one here does not compile. */
export const CATALOGUE: Readonly<Record<AlertKind, KindEntry>> = {
  'budget.actual': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => {
      const used = f.used ?? 0;
      return {
        title: `${a}: ${formatPercent(t ?? v ?? 0)} of the monthly budget used`,
        message: joinSentences(
          f.budget !== undefined
            ? `${usedOf(used, f.budget, f)} used in ${periodName(f)} (${share(used, f.budget)}).`
            : `${amount(used, f)} used in ${periodName(f)}.`,
          f.forecast !== undefined ? `Forecast: ${formatNumber(f.forecast)} by month end.` : undefined,
          availabilitySentence(f),
        ),
      };
    },
    resolved: clearedText,
    smsDetail: (f) =>
      f.used !== undefined && f.budget !== undefined ? `${formatNumber(f.used)}/${formatNumber(f.budget)} used` : availableShort(f),
    threshold: formatPercent,
    nextSteps: (f) => [
      `Find what drove the spend in ${periodName(f)} (jobs, users, environments) in the vendor's usage page.`,
      'If the spend is expected, raise budget.monthly for this account in the budgets file.',
      'If the balance will not last the month, top up or enable auto-reload.',
    ],
  },

  'budget.forecast': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => {
      const forecast = f.forecast ?? 0;
      return {
        title: `${a}: on track to use ${formatPercent(t ?? v ?? 0)} of the monthly budget`,
        message: joinSentences(
          `${forecastBasis(f)} ${periodName(f)} ends with about ${amount(forecast, f)} used` +
            (f.budget !== undefined ? `, ${share(forecast, f.budget)} of the monthly budget of ${formatNumber(f.budget)}.` : '.'),
          f.used !== undefined ? `Used so far: ${formatNumber(f.used)}.` : undefined,
          setAsideSentence(f),
          availabilitySentence(f),
        ),
      };
    },
    resolved: clearedText,
    smsDetail: (f) =>
      f.forecast !== undefined && f.budget !== undefined
        ? `forecast ${formatNumber(f.forecast)}/${formatNumber(f.budget)}`
        : availableShort(f),
    threshold: formatPercent,
    nextSteps: () => [
      'Review the recent burn rate: a new workload, a retry loop or a larger batch can explain it.',
      'Throttle or pause non-essential work, or raise budget.monthly if the extra spend is intended.',
    ],
  },

  'balance.low': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => {
      const rate = burnRate(f);
      return {
        title: (f.available ?? v ?? 0) <= 0 ? `${a}: out of credits` : `${a}: balance below ${amount(t ?? 0, f)}`,
        message: joinSentences(
          `Available: ${amount(f.available ?? v ?? 0, f)}${t !== undefined ? ` (alert below ${formatNumber(t)})` : ''}.`,
          f.runwayDays !== undefined && rate !== undefined ? `At ${rate}, that lasts about ${formatDays(f.runwayDays)}.` : undefined,
        ),
      };
    },
    resolved: ({ account: a, threshold: t, facts: f }) => ({
      title: `${a}: balance back above ${levelText(t, (n) => amount(n, f))}`,
      message: joinSentences('The low-balance alert has cleared.', availabilitySentence(f)),
    }),
    smsDetail: availableShort,
    threshold: amount,
    nextSteps: (f) => [
      (f.available ?? 0) <= 0
        ? "Top up now in the vendor's dashboard: requests that need credits are failing."
        : "Top up the account in the vendor's dashboard.",
      'Consider enabling auto-reload so the balance cannot run dry.',
    ],
  },

  'balance.runway': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => {
      const runway = f.runwayDays ?? v;
      const rate = burnRate(f);
      return {
        title: runway !== undefined ? `${a}: credits last about ${formatDays(runway)}` : `${a}: credits running short`,
        message: joinSentences(
          `Available: ${amount(f.available ?? 0, f)}.`,
          rate !== undefined && runway !== undefined
            ? `At ${rate}, that lasts about ${formatDays(runway)}` + (t !== undefined ? ` (alert under ${formatDays(t)}).` : '.')
            : undefined,
          setAsideSentence(f),
        ),
      };
    },
    resolved: ({ account: a, threshold: t, facts: f }) => ({
      title: `${a}: runway back above ${levelText(t, formatDays)}`,
      message: joinSentences('The runway alert has cleared.', availabilitySentence(f)),
    }),
    smsDetail: availableShort,
    threshold: formatDays,
    nextSteps: () => [
      "Top up before the runway ends, or enable auto-reload in the vendor's dashboard.",
      'If the burn rate is unexpected, look for runaway jobs.',
    ],
  },

  'autoreload.near': {
    firing: ({ account: a, value: v, facts: f }) => ({
      title: `${a}: balance near the auto-reload threshold`,
      message: joinSentences(`Available: ${amount(f.available ?? v ?? 0, f)}.`, reloadSentence(f)),
    }),
    resolved: ({ account: a, facts: f }) => ({
      title: `${a}: balance clear of the auto-reload threshold`,
      message: joinSentences('The balance is no longer close to the auto-reload threshold.', availabilitySentence(f)),
    }),
    smsDetail: (f) =>
      [availableShort(f), f.reloadThreshold !== undefined ? `reload below ${formatNumber(f.reloadThreshold)}` : undefined]
        .filter((part) => part !== undefined)
        .join(', '),
    threshold: amount,
    nextSteps: () => ['Make sure the payment method on file is valid: auto-reload will charge it soon.'],
  },

  'autoreload.triggered': {
    firing: ({ account: a, value: v, facts: f }) => ({
      title: `${a}: auto-reload added ${amount(v ?? f.reloadAmount ?? 0, f)}`,
      message: joinSentences(
        `Auto-reload ran${atInstant(f.reloadedAt)}.`,
        f.available !== undefined ? `Available now: ${amount(f.available, f)}.` : undefined,
      ),
    }),
    resolved: clearedText,
    smsDetail: availableShort,
    threshold: amount,
    nextSteps: () => ['Confirm the charge is expected.', 'If reloads become frequent, check the burn rate or raise the reload amount.'],
  },

  'autoreload.off': {
    firing: ({ account: a, facts: f }) => ({
      title: `${a}: auto-reload is disabled`,
      message: joinSentences('The vendor reports auto-reload as disabled, but the budgets file expects it on.', availabilitySentence(f)),
    }),
    resolved: ({ account: a, facts: f }) => ({
      title: `${a}: auto-reload is enabled again`,
      message: joinSentences('The vendor reports auto-reload as enabled.', reloadSentence(f), availabilitySentence(f)),
    }),
    smsDetail: availableShort,
    threshold: amount,
    nextSteps: () => [
      "Re-enable auto-reload in the vendor's dashboard.",
      'If it was disabled on purpose, remove autoReload from this account in the budgets file.',
    ],
  },

  'usage.spike': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => ({
      title: `${a}: usage spike, ${formatNumber(v ?? 0)}x the usual daily use`,
      message:
        `${amount(f.todayUsed ?? 0, f)} used today${f.day ? ` (${f.day})` : ''}, against a median of ` +
        `${formatNumber(f.medianDailyUsed ?? 0)} a day over the previous 7 days` +
        (t !== undefined ? ` (alert at ${formatNumber(t)}x).` : '.'),
    }),
    resolved: clearedText,
    smsDetail: (f) => `today ${formatNumber(f.todayUsed ?? 0)} vs usual ${formatNumber(f.medianDailyUsed ?? 0)}`,
    threshold: (t) => `${formatNumber(t)}x the median day`,
    nextSteps: () => [
      'Look for runaway jobs, retry loops or a new integration started today.',
      'If the usage is not yours, rotate the API key at once.',
    ],
  },

  'usage.errors': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => ({
      title: `${a}: ${formatPercent(f.errorRate ?? v ?? 0)} of requests failing`,
      message: `${requestsFailed(f)} failed this period${t !== undefined ? ` (alert at ${formatPercent(t)})` : ''}.`,
    }),
    resolved: ({ account: a, threshold: t, facts: f }) => ({
      title: `${a}: request error rate back to normal`,
      message:
        f.errorRate !== undefined
          ? `${formatPercent(f.errorRate)} of requests failed this period${t !== undefined ? ` (alert at ${formatPercent(t)})` : ''}.`
          : 'The error-rate alert has cleared.',
    }),
    smsDetail: (f) => `${formatNumber(f.failedRequests ?? 0)}/${formatNumber(f.totalRequests ?? 0)} failed`,
    threshold: formatPercent,
    nextSteps: () => [
      "Check the vendor's status page and your client logs for the failing endpoints.",
      'Failed requests may still consume credits: pause retries if they loop.',
    ],
  },

  'check.failed': {
    firing: ({ account: a, value: v, facts: f }) => {
      const failures = f.consecutiveFailures ?? v ?? 1;
      const reason = f.errorCode ? ` (${errorText(f.errorCode, f.errorMessage)})` : '';
      return {
        title:
          f.errorCode === 'auth'
            ? `${a}: the vendor rejects the API key`
            : f.errorCode === 'key'
              ? `${a}: the API key cannot be read`
              : `${a}: balance checks failing`,
        message: joinSentences(
          failures <= 1 ? `The check failed${reason}.` : `${formatNumber(failures)} consecutive checks failed${reason}.`,
          // Since when the balance and budget figures are not current.
          f.lastGoodAt !== undefined ? `The figures are stale since the last good check${atInstant(f.lastGoodAt)}.` : undefined,
        ),
      };
    },
    resolved: ({ account: a }) => ({ title: `${a}: balance checks succeed again`, message: `The latest check of ${a} succeeded.` }),
    smsDetail: (f) => (f.errorCode !== undefined ? errorText(f.errorCode, f.errorMessage) : undefined),
    threshold: (t) => `${formatNumber(t)} failed check${t === 1 ? '' : 's'}`,
    nextSteps: (f) => {
      if (f.errorCode === 'auth') {
        return [
          'Check that the API key in SSM (or the environment) is current and not revoked.',
          "Rotate the key in the vendor's dashboard and update the parameter.",
        ];
      }
      if (f.errorCode === 'key') {
        return ['Check that the SSM parameter or environment variable named in the budgets file exists and is readable.'];
      }
      return [
        "Check the vendor's status page and the network path from the checker.",
        'Checks retry on every run; this alert resolves by itself once one succeeds.',
      ];
    },
  },

  'auth.expiring': {
    firing: ({ account: a, threshold: t, value: v, facts: f }) => {
      const left = v ?? 0;
      return left <= 0
        ? {
            title: `${a}: the API token has expired`,
            message: `The API token expired${atInstant(f.expiresAt)}; checks fail until it is replaced.`,
          }
        : {
            title: `${a}: the API token expires in ${formatDays(left)}`,
            message: `The API token expires${atInstant(f.expiresAt)}${t !== undefined ? ` (warning ${formatDays(t)} ahead)` : ''}.`,
          };
    },
    resolved: ({ account: a, facts: f }) => ({
      title: `${a}: API token no longer about to expire`,
      message: f.expiresAt
        ? `The credential in use now expires at ${formatInstant(f.expiresAt)}.`
        : 'The credential in use now has no known expiry.',
    }),
    smsDetail: (f) => (f.expiresAt !== undefined ? `expires ${formatInstant(f.expiresAt)}` : undefined),
    threshold: formatDays,
    nextSteps: () => ['Issue a new token (or a long-lived API key) and update the SSM parameter before it expires.'],
  },
};

/** The human title and one-paragraph message of an alert: plain text, shared by every channel. */
export function describeAlert(finding: Describable, status: AlertStatus): AlertText {
  const entry = CATALOGUE[finding.kind];
  return status === 'resolved' ? entry.resolved(finding) : entry.firing(finding);
}

/** The few numbers an SMS has room for: the balance once resolved, the kind's own while firing. */
export function summarizeForSms(finding: Describable, status: AlertStatus): string | undefined {
  return status === 'resolved' ? availableShort(finding.facts) : CATALOGUE[finding.kind].smsDetail(finding.facts);
}

/** The threshold in the kind's words, or undefined when the finding has none. */
export function describeThreshold(finding: Describable): string | undefined {
  return finding.threshold !== undefined ? CATALOGUE[finding.kind].threshold(finding.threshold, finding.facts) : undefined;
}

/** Advice specific to the kind (and, for failures, to the error); none needed once resolved. */
export function adviseNextSteps(finding: Describable, status: AlertStatus): readonly string[] {
  return status === 'resolved' ? NO_ACTION : CATALOGUE[finding.kind].nextSteps(finding.facts);
}
