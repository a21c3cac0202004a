import type { Severity } from '../model.js';
import type { Finding, FindingFacts } from '../budget/types.js';
import { formatAmount, formatDays, formatInstant, formatNumber, formatPercent, toGsm7, truncate } from './text.js';
import type { Alert } from './types.js';
import { toContractAlert, type AlertJson } from '../report.js';

/** What describing needs of a finding or an alert (both have these fields). */
export type Describable = Pick<Finding, 'kind' | 'account' | 'provider' | 'severity' | 'threshold' | 'value' | 'facts'>;

type Status = Alert['status'];

/** Longest email subject we produce; mail clients cut longer ones anyway. */
export const EMAIL_SUBJECT_MAX = 100;
/** Longest SMS we produce: one segment of GSM-7 with room for a carrier's prefix. */
export const SMS_MAX = 140;
/** AWS Chatbot custom notification limits (title, description); the list caps are our own, kept small. */
export const CHATBOT_LIMITS = { title: 250, description: 8000, nextSteps: 5, nextStep: 500, keywords: 10, keyword: 75 } as const;

/** The human title and one-paragraph message of an alert: plain text, shared by every channel. */
export function describeAlert(finding: Describable, status: Status): { title: string; message: string } {
  const f = finding.facts;
  const a = finding.account;
  const amount = (n: number): string => formatAmount(n, f.currency);
  const t = finding.threshold;
  const v = finding.value;
  const availability = availabilitySentence(f);

  if (status === 'resolved') {
    switch (finding.kind) {
      case 'balance.low':
        return {
          title: `${a}: balance back above ${t !== undefined ? amount(t) : 'the alert level'}`,
          message: join(`The low-balance alert has cleared.`, availability),
        };
      case 'balance.runway':
        return {
          title: `${a}: runway back above ${t !== undefined ? formatDays(t) : 'the alert level'}`,
          message: join(`The runway alert has cleared.`, availability),
        };
      case 'autoreload.near':
        return {
          title: `${a}: balance clear of the auto-reload threshold`,
          message: join(`The balance is no longer close to the auto-reload threshold.`, availability),
        };
      case 'autoreload.off':
        return {
          title: `${a}: auto-reload is enabled again`,
          message: join(`The vendor reports auto-reload as enabled.`, reloadSentence(f, amount), availability),
        };
      case 'usage.errors':
        return {
          title: `${a}: request error rate back to normal`,
          message:
            f.errorRate !== undefined
              ? `${formatPercent(f.errorRate)} of requests failed this period${t !== undefined ? ` (alert at ${formatPercent(t)})` : ''}.`
              : `The error-rate alert has cleared.`,
        };
      case 'check.failed':
        return { title: `${a}: balance checks succeed again`, message: `The latest check of ${a} succeeded.` };
      case 'auth.expiring':
        return {
          title: `${a}: API token no longer about to expire`,
          message: f.expiresAt
            ? `The credential in use now expires at ${formatInstant(f.expiresAt)}.`
            : `The credential in use now has no known expiry.`,
        };
      default:
        return { title: `${a}: ${finding.kind} alert cleared`, message: join(`The condition no longer holds.`, availability) };
    }
  }

  switch (finding.kind) {
    case 'budget.actual': {
      const used = f.used ?? 0;
      return {
        title: `${a}: ${formatPercent(t ?? v ?? 0)} of the monthly budget used`,
        message: join(
          f.budget !== undefined
            ? `${formatNumber(used)} of ${amount(f.budget)} used in ${f.period ?? 'this period'} (${formatPercent((used / f.budget) * 100)}).`
            : `${amount(used)} used in ${f.period ?? 'this period'}.`,
          f.forecast !== undefined ? `Forecast: ${formatNumber(f.forecast)} by month end.` : undefined,
          availability,
        ),
      };
    }
    case 'budget.forecast': {
      const forecast = f.forecast ?? 0;
      return {
        title: `${a}: on track to use ${formatPercent(t ?? v ?? 0)} of the monthly budget`,
        message: join(
          `At the current burn rate ${f.period ?? 'this period'} ends with about ${amount(forecast)} used` +
            (f.budget !== undefined
              ? `, ${formatPercent((forecast / f.budget) * 100)} of the monthly budget of ${formatNumber(f.budget)}.`
              : '.'),
          f.used !== undefined ? `Used so far: ${formatNumber(f.used)}.` : undefined,
          availability,
        ),
      };
    }
    case 'balance.low':
      return {
        title: (f.available ?? v ?? 0) <= 0 ? `${a}: out of credits` : `${a}: balance below ${amount(t ?? 0)}`,
        message: join(
          `Available: ${amount(f.available ?? v ?? 0)}${t !== undefined ? ` (alert below ${formatNumber(t)})` : ''}.`,
          f.runwayDays !== undefined && f.averageDailyUsed !== undefined
            ? `At ${formatNumber(f.averageDailyUsed)} a day that lasts about ${formatDays(f.runwayDays)}.`
            : undefined,
        ),
      };
    case 'balance.runway': {
      const runway = f.runwayDays ?? v;
      return {
        title: runway !== undefined ? `${a}: credits last about ${formatDays(runway)}` : `${a}: credits running short`,
        message: join(
          `Available: ${amount(f.available ?? 0)}.`,
          f.averageDailyUsed !== undefined && runway !== undefined
            ? `At the trailing 7-day average of ${formatNumber(f.averageDailyUsed)} a day, that lasts about ${formatDays(runway)}` +
                (t !== undefined ? ` (alert under ${formatDays(t)}).` : '.')
            : undefined,
        ),
      };
    }
    case 'autoreload.near':
      return {
        title: `${a}: balance near the auto-reload threshold`,
        message: join(`Available: ${amount(f.available ?? v ?? 0)}.`, reloadSentence(f, amount)),
      };
    case 'autoreload.triggered':
      return {
        title: `${a}: auto-reload added ${amount(v ?? f.reloadAmount ?? 0)}`,
        message: join(
          `Auto-reload ran${f.reloadedAt ? ` at ${formatInstant(f.reloadedAt)}` : ''}.`,
          f.available !== undefined ? `Available now: ${amount(f.available)}.` : undefined,
        ),
      };
    case 'autoreload.off':
      return {
        title: `${a}: auto-reload is disabled`,
        message: join(`The vendor reports auto-reload as disabled, but the budgets file expects it on.`, availability),
      };
    case 'usage.spike':
      return {
        title: `${a}: usage spike, ${formatNumber(v ?? 0)}x the usual daily use`,
        message:
          `${amount(f.todayUsed ?? 0)} used today${f.day ? ` (${f.day})` : ''}, against a median of ` +
          `${formatNumber(f.medianDailyUsed ?? 0)} a day over the previous 7 days` +
          (t !== undefined ? ` (alert at ${formatNumber(t)}x).` : '.'),
      };
    case 'usage.errors':
      return {
        title: `${a}: ${formatPercent(f.errorRate ?? v ?? 0)} of requests failing`,
        message:
          `${formatNumber(f.failedRequests ?? 0)} of ${formatNumber(f.totalRequests ?? 0)} requests failed this period` +
          (t !== undefined ? ` (alert at ${formatPercent(t)}).` : '.'),
      };
    case 'check.failed': {
      const failures = f.consecutiveFailures ?? v ?? 1;
      const title =
        f.errorCode === 'auth'
          ? `${a}: the vendor rejects the API key`
          : f.errorCode === 'key'
            ? `${a}: the API key cannot be read`
            : `${a}: balance checks failing`;
      const reason = f.errorCode ? ` (${f.errorCode}${f.errorMessage ? `: ${f.errorMessage}` : ''})` : '';
      return {
        title,
        message:
          failures <= 1 ? `The check failed${reason}.` : `${formatNumber(failures)} consecutive checks failed${reason}.`,
      };
    }
    case 'auth.expiring': {
      const left = v ?? 0;
      const expired = left <= 0;
      return {
        title: expired ? `${a}: the API token has expired` : `${a}: the API token expires in ${formatDays(left)}`,
        message: expired
          ? `The API token expired${f.expiresAt ? ` at ${formatInstant(f.expiresAt)}` : ''}; checks fail until it is replaced.`
          : `The API token expires${f.expiresAt ? ` at ${formatInstant(f.expiresAt)}` : ''}` +
            (t !== undefined ? ` (warning ${formatDays(t)} ahead).` : '.'),
      };
    }
  }
}

/** The email form: a subject of at most 100 characters with a severity tag, and a full plain-text body. */
export function renderEmail(alert: Alert): { subject: string; text: string } {
  const subject = truncate(oneLine(`[${tagOf(alert)}] ${alert.title}`), EMAIL_SUBJECT_MAX);
  const details = detailLines(alert).map(([label, value]) => `  ${`${label}:`.padEnd(14)} ${value}`);
  const steps = nextSteps(alert).map((step) => `  - ${step}`);
  const text = [
    alert.title,
    '',
    alert.message,
    '',
    'Details',
    ...details,
    '',
    'What to do next',
    ...steps,
    '',
    `Alert key: ${alert.key}`,
    `Decided at: ${alert.at}`,
    '',
  ].join('\n');
  return { subject, text };
}

/** The SMS form: one line of at most 140 GSM-7 basic characters. */
export function renderSms(alert: Alert): string {
  const detail = smsDetail(alert);
  return truncate(toGsm7(`${tagOf(alert)}: ${alert.title}${detail ? ` - ${detail}` : ''}`), SMS_MAX);
}

/** An AWS Chatbot (Amazon Q Developer in chat applications) custom notification. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata: {
    /** `<account>-<condition>`: firing and resolved notifications of one condition share a thread. */
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/** The Slack/Teams form (AWS Chatbot custom notification), threaded per account and condition. */
export function renderChatbot(alert: Alert): ChatbotNotification {
  const description = [
    alert.message,
    '',
    ...detailLines(alert).map(([label, value]) => `*${label}:* ${value}`),
    `*Key:* \`${alert.key}\``,
  ].join('\n');
  const keywords = [alert.account, alert.kind, alert.severity, alert.status, alert.provider].map((k) =>
    truncate(k, CHATBOT_LIMITS.keyword),
  );
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: truncate(oneLine(`${emojiOf(alert)} ${alert.title}`), CHATBOT_LIMITS.title),
      description: truncate(description, CHATBOT_LIMITS.description),
      nextSteps: nextSteps(alert)
        .slice(0, CHATBOT_LIMITS.nextSteps)
        .map((step) => truncate(step, CHATBOT_LIMITS.nextStep)),
      keywords: keywords.slice(0, CHATBOT_LIMITS.keywords),
    },
    metadata: {
      threadId: `${alert.account}-${conditionOf(alert)}`,
      summary: truncate(oneLine(alert.title), CHATBOT_LIMITS.title),
      eventType: alert.kind,
      additionalContext: {
        key: alert.key,
        account: alert.account,
        provider: alert.provider,
        kind: alert.kind,
        severity: alert.severity,
        status: alert.status,
        at: alert.at,
        ...(alert.threshold !== undefined && { threshold: String(alert.threshold) }),
        ...(alert.value !== undefined && { value: String(alert.value) }),
      },
    },
  };
}

/** The machine form: the contract's Alert fields plus `at` and `facts`. */
export function renderJson(alert: Alert): AlertJson {
  return { ...toContractAlert(alert), at: alert.at, facts: alert.facts };
}

/**
 * The condition an alert belongs to, for threading: the finding id of a state condition (the key after
 * the account), the kind for one-shot events (whose keys also carry a period, day or reload id, which
 * would otherwise open a new thread each time).
 */
function conditionOf(alert: Alert): string {
  const prefix = `${alert.account}/`;
  const rest = alert.key.startsWith(prefix) ? alert.key.slice(prefix.length) : alert.key;
  return rest.includes('/') ? alert.kind : rest;
}

function tagOf(alert: Alert): string {
  return alert.status === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase();
}

function emojiOf(alert: Alert): string {
  if (alert.status === 'resolved') return ':white_check_mark:';
  if (alert.severity === 'critical') return ':rotating_light:';
  if (alert.severity === 'warning') return ':warning:';
  return ':information_source:';
}

/** The numbers that matter, as label/value pairs, only those the alert knows. */
function detailLines(alert: Alert): [string, string][] {
  const f = alert.facts;
  const amount = (n: number): string => formatAmount(n, f.currency);
  const lines: [string, string][] = [
    ['Account', `${alert.account} (${alert.provider})`],
    ['Alert', `${alert.kind}, ${alert.status} (${alert.severity})`],
  ];
  if (f.period !== undefined) lines.push(['Period', f.period]);
  if (f.used !== undefined) {
    lines.push([
      'Used',
      f.budget !== undefined
        ? `${formatNumber(f.used)} of ${amount(f.budget)} (${formatPercent((f.used / f.budget) * 100)})`
        : amount(f.used),
    ]);
  }
  if (f.forecast !== undefined) {
    lines.push([
      'Forecast',
      `${amount(f.forecast)} by month end` +
        (f.budget !== undefined ? ` (${formatPercent((f.forecast / f.budget) * 100)} of budget)` : ''),
    ]);
  }
  if (f.available !== undefined) lines.push(['Available', amount(f.available)]);
  if (f.runwayDays !== undefined) {
    lines.push([
      'Runway',
      formatDays(f.runwayDays) + (f.averageDailyUsed !== undefined ? ` at ${formatNumber(f.averageDailyUsed)} a day` : ''),
    ]);
  }
  if (f.reloadThreshold !== undefined) {
    lines.push([
      'Auto-reload',
      `${f.reloadAmount !== undefined ? `adds ${amount(f.reloadAmount)}` : 'tops up'} below ${amount(f.reloadThreshold)}`,
    ]);
  }
  if (f.reloadedAt !== undefined) lines.push(['Reloaded at', formatInstant(f.reloadedAt)]);
  if (f.todayUsed !== undefined) {
    lines.push([
      'Today',
      `${amount(f.todayUsed)}${f.day ? ` (${f.day})` : ''}, usual ${formatNumber(f.medianDailyUsed ?? 0)} a day`,
    ]);
  }
  if (f.errorRate !== undefined) {
    lines.push([
      'Error rate',
      `${formatPercent(f.errorRate)} (${formatNumber(f.failedRequests ?? 0)} of ${formatNumber(f.totalRequests ?? 0)} requests)`,
    ]);
  }
  if (f.expiresAt !== undefined) lines.push(['Token expires', formatInstant(f.expiresAt)]);
  if (f.errorCode !== undefined) {
    lines.push(['Last error', `${f.errorCode}${f.errorMessage ? `: ${f.errorMessage}` : ''}`]);
  }
  if (f.consecutiveFailures !== undefined && f.consecutiveFailures > 0) {
    lines.push(['Failed checks', formatNumber(f.consecutiveFailures)]);
  }
  if (alert.threshold !== undefined) lines.push(['Threshold', thresholdText(alert)]);
  return lines;
}

function thresholdText(alert: Alert): string {
  const t = alert.threshold ?? 0;
  switch (alert.kind) {
    case 'budget.actual':
    case 'budget.forecast':
    case 'usage.errors':
      return formatPercent(t);
    case 'balance.runway':
    case 'auth.expiring':
      return formatDays(t);
    case 'usage.spike':
      return `${formatNumber(t)}x the median day`;
    case 'check.failed':
      return `${formatNumber(t)} failed check${t === 1 ? '' : 's'}`;
    default:
      return formatAmount(t, alert.facts.currency);
  }
}

/** The few numbers an SMS has room for. */
function smsDetail(alert: Alert): string | undefined {
  const f = alert.facts;
  const avail = f.available !== undefined ? `avail ${formatNumber(f.available)}` : undefined;
  if (alert.status === 'resolved') return avail;
  switch (alert.kind) {
    case 'budget.actual':
      return f.used !== undefined && f.budget !== undefined ? `${formatNumber(f.used)}/${formatNumber(f.budget)} used` : avail;
    case 'budget.forecast':
      return f.forecast !== undefined && f.budget !== undefined
        ? `forecast ${formatNumber(f.forecast)}/${formatNumber(f.budget)}`
        : avail;
    case 'balance.low':
    case 'autoreload.triggered':
    case 'autoreload.off':
      return avail;
    case 'balance.runway':
      return avail;
    case 'autoreload.near':
      return [avail, f.reloadThreshold !== undefined ? `reload below ${formatNumber(f.reloadThreshold)}` : undefined]
        .filter((part) => part !== undefined)
        .join(', ');
    case 'usage.spike':
      return `today ${formatNumber(f.todayUsed ?? 0)} vs usual ${formatNumber(f.medianDailyUsed ?? 0)}`;
    case 'usage.errors':
      return `${formatNumber(f.failedRequests ?? 0)}/${formatNumber(f.totalRequests ?? 0)} failed`;
    case 'check.failed':
      return f.errorCode !== undefined ? `${f.errorCode}${f.errorMessage ? `: ${f.errorMessage}` : ''}` : undefined;
    case 'auth.expiring':
      return f.expiresAt !== undefined ? `expires ${formatInstant(f.expiresAt)}` : undefined;
  }
}

/** Advice specific to the kind (and, for failures, to the error). */
function nextSteps(alert: Alert): string[] {
  if (alert.status === 'resolved') return ['No action needed.'];
  const f = alert.facts;
  switch (alert.kind) {
    case 'budget.actual':
      return [
        `Find what drove the spend in ${f.period ?? 'this period'} (jobs, users, environments) in the vendor's usage page.`,
        'If the spend is expected, raise budget.monthly for this account in the budgets file.',
        'If the balance will not last the month, top up or enable auto-reload.',
      ];
    case 'budget.forecast':
      return [
        'Review the recent burn rate: a new workload, a retry loop or a larger batch can explain it.',
        'Throttle or pause non-essential work, or raise budget.monthly if the extra spend is intended.',
      ];
    case 'balance.low':
      return [
        (f.available ?? 0) <= 0
          ? "Top up now in the vendor's dashboard: requests that need credits are failing."
          : "Top up the account in the vendor's dashboard.",
        'Consider enabling auto-reload so the balance cannot run dry.',
      ];
    case 'balance.runway':
      return [
        "Top up before the runway ends, or enable auto-reload in the vendor's dashboard.",
        'If the burn rate is unexpected, look for runaway jobs.',
      ];
    case 'autoreload.near':
      return ['Make sure the payment method on file is valid: auto-reload will charge it soon.'];
    case 'autoreload.triggered':
      return [
        'Confirm the charge is expected.',
        'If reloads become frequent, check the burn rate or raise the reload amount.',
      ];
    case 'autoreload.off':
      return [
        "Re-enable auto-reload in the vendor's dashboard.",
        'If it was disabled on purpose, remove autoReload from this account in the budgets file.',
      ];
    case 'usage.spike':
      return [
        'Look for runaway jobs, retry loops or a new integration started today.',
        'If the usage is not yours, rotate the API key at once.',
      ];
    case 'usage.errors':
      return [
        "Check the vendor's status page and your client logs for the failing endpoints.",
        'Failed requests may still consume credits: pause retries if they loop.',
      ];
    case 'check.failed':
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
    case 'auth.expiring':
      return [
        'Issue a new token (or a long-lived API key) and update the SSM parameter before it expires.',
      ];
  }
}

function availabilitySentence(f: FindingFacts): string | undefined {
  if (f.available === undefined) return undefined;
  const runway = f.runwayDays !== undefined ? `, runway ${formatDays(f.runwayDays)}` : '';
  return `Available: ${formatAmount(f.available, f.currency)}${runway}.`;
}

function reloadSentence(f: FindingFacts, amount: (n: number) => string): string | undefined {
  if (f.reloadThreshold === undefined) return undefined;
  return `Auto-reload ${f.reloadAmount !== undefined ? `adds ${amount(f.reloadAmount)}` : 'tops up'} when the balance falls below ${amount(f.reloadThreshold)}.`;
}

function join(...sentences: (string | undefined)[]): string {
  return sentences.filter((s): s is string => s !== undefined && s !== '').join(' ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
