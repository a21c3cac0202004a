import { consumptionThrough, dailyConsumption } from '../consumption.js';
import { findingOf, round2, type Rule } from '../context.js';
import { dayKeyIn, startOfDayIn, TRAILING_DAYS } from '../period.js';
import { median } from '../stats.js';

/** Share of the error-rate limit below which `usage.errors` resolves. */
export const ERROR_RATE_RESOLVE_FACTOR = 0.8;
/** Requests a period needs before its error rate means anything. */
export const MIN_REQUESTS_FOR_ERROR_RATE = 20;

/**
 * `usage.spike`, once per local day: on when today's consumption reaches `spikeFactor` × the median of
 * the previous 7 full local days (a median, so one earlier spike does not raise the bar).
 */
export const usageSpike: Rule = (context) => {
  const spikeFactor = context.account.usage?.spikeFactor;
  if (spikeFactor === undefined) return [];
  const { ledger, now, calendar, facts } = context;
  const todayStart = startOfDayIn(calendar, now);
  const today = consumptionThrough(ledger, todayStart, now);
  const previous = dailyConsumption(ledger, startOfDayIn(calendar, now, -TRAILING_DAYS), todayStart, calendar);
  const med = median(previous.map((day) => day.used));
  const ratio = med > 0 ? today / med : undefined;
  const day = dayKeyIn(calendar, now);
  return [
    findingOf(context, {
      facts: { ...facts, todayUsed: today, medianDailyUsed: round2(med), day },
      id: 'usage.spike',
      kind: 'usage.spike',
      state: med > 0 && today > 0 && today >= spikeFactor * med ? 'on' : 'off',
      severity: 'warning',
      threshold: spikeFactor,
      ...(ratio !== undefined && { value: round2(ratio) }),
      once: day,
    }),
  ];
};

/** `usage.errors`: on when the vendor's failed-request share reaches `errorRate` percent. */
export const usageErrors: Rule = (context) => {
  const errorRate = context.account.usage?.errorRate;
  const usage = context.snapshot.usage;
  if (errorRate === undefined || !usage || usage.totalRequests < MIN_REQUESTS_FOR_ERROR_RATE) return [];
  const rate = (usage.failedRequests / usage.totalRequests) * 100;
  return [
    findingOf(context, {
      facts: {
        ...context.facts,
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
    }),
  ];
};
