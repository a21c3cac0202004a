// Phrases several kinds and channels say alike, each written once: when the wording of an amount, a
// burn rate or a reload changes (money beside credits, a rate over named days), it changes here.
import type { FindingFacts } from '../budget/types.js';
import { formatMoney } from '../money.js';
import { formatAmount, formatDays, formatInstant, formatNumber, formatPercent } from './text.js';

/** An amount in the finding's unit: `412.5 credits`, `88 USD`. */
export function amount(n: number, f: FindingFacts): string {
  return formatAmount(n, f.currency);
}

/** `part` as a percent of `whole`: `82.5%`. */
export function share(part: number, whole: number): string {
  return formatPercent((part / whole) * 100);
}

/** Consumption against a budget: `412.5 of 500 credits`, with money where a credit price is known: `… ($20.63 of $25.00)`. */
export function usedOf(used: number, budget: number, f: FindingFacts): string {
  const money = f.price === undefined ? '' : ` (${moneyText(used, f)} of ${moneyText(budget, f)})`;
  return `${formatNumber(used)} of ${amount(budget, f)}${money}`;
}

/** Credits in money at the finding's credit price: `$8.70`. */
function moneyText(credits: number, f: FindingFacts): string {
  return f.price === undefined ? '' : formatMoney(Math.round(credits * f.price.amount * 100) / 100, f.price.currency);
}

/** ` ($4.40)` after an amount of credits, or nothing without a credit price. */
export function inMoney(credits: number, f: FindingFacts): string {
  return f.price === undefined ? '' : ` (${moneyText(credits, f)})`;
}

/** The period a finding speaks of: `2026-11`, or `this period` when it does not say. */
export function periodName(f: FindingFacts): string {
  return f.period ?? 'this period';
}

/**
 * The burn rate behind runway and forecast figures and the days it covers: `about 42 credits a day over
 * the last 7 days`, `about 40 credits a day over the last 3 days, since use changed`, `about 30 credits a
 * day (only 1.5 days of history so far)`; `42 a day` when the finding does not say over which days;
 * undefined when it has no rate.
 */
export function burnRate(f: FindingFacts): string | undefined {
  if (f.averageDailyUsed === undefined) return undefined;
  if (f.rateDays === undefined) return `${formatNumber(f.averageDailyUsed)} a day`;
  const rate = `about ${amount(f.averageDailyUsed, f)} a day`;
  switch (f.rateBasis) {
    case 'little-history':
      return `${rate} (only ${formatDays(f.rateDays)} of history so far)`;
    case 'changed':
      return `${rate} over the last ${formatDays(f.rateDays)}, since use changed`;
    default:
      return `${rate} over the last ${formatDays(f.rateDays)}`;
  }
}

/** `A one-off use of 900 credits is left out of the rate.`, or undefined when nothing was. */
export function setAsideSentence(f: FindingFacts): string | undefined {
  if (f.rateSetAside === undefined || f.rateSetAside <= 0) return undefined;
  return `A one-off use of ${amount(f.rateSetAside, f)} is left out of the rate.`;
}

/** Failed out of all requests: `24 of 200 requests`. */
export function requestsFailed(f: FindingFacts): string {
  return `${formatNumber(f.failedRequests ?? 0)} of ${formatNumber(f.totalRequests ?? 0)} requests`;
}

/** What the vendor's auto-reload does: `adds 500 credits`, or `tops up` when the amount is unknown. */
export function reloadAction(f: FindingFacts): string {
  return f.reloadAmount !== undefined ? `adds ${amount(f.reloadAmount, f)}` : 'tops up';
}

/** A check's error: `auth: Unauthorized`. */
export function errorText(code: string, message: string | undefined): string {
  return `${code}${message ? `: ${message}` : ''}`;
}

/** ` at 2026-11-05 10:00 UTC`, or nothing when the instant is unknown. */
export function atInstant(iso: string | undefined): string {
  return iso ? ` at ${formatInstant(iso)}` : '';
}

/** `Available: 88 credits, runway 2.1 days.`, or undefined when the balance is unknown. */
export function availabilitySentence(f: FindingFacts): string | undefined {
  if (f.available === undefined) return undefined;
  const runway = f.runwayDays !== undefined ? `, runway ${formatDays(f.runwayDays)}` : '';
  return `Available: ${amount(f.available, f)}${inMoney(f.available, f)}${runway}.`;
}

/** `Auto-reload adds 500 credits when the balance falls below 100 credits.`, or undefined without a threshold. */
export function reloadSentence(f: FindingFacts): string | undefined {
  if (f.reloadThreshold === undefined) return undefined;
  return `Auto-reload ${reloadAction(f)} when the balance falls below ${amount(f.reloadThreshold, f)}.`;
}

/** Sentences joined by a space, leaving out those that are absent or empty. */
export function joinSentences(...sentences: (string | undefined)[]): string {
  return sentences.filter((s): s is string => s !== undefined && s !== '').join(' ');
}
