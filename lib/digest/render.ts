import type { ChatbotNotification } from '../alerts/render.js';
import { formatDays, formatInstant, formatNumber, truncate } from '../alerts/text.js';
import { formatMoney } from '../money.js';
import type { Money } from '../money.js';
import type { Digest, DigestAccount } from './build.js';

/** Every line of the email digest fits 78 characters: it survives every mail client unwrapped. */
export const DIGEST_LINE_MAX = 78;
/** Accounts listed as closest to running out. */
const CLOSEST = 3;

const fit = (line: string): string => truncate(line, DIGEST_LINE_MAX);

/** The email digest: a plain-text table, then what is stale, closest to running out, money and open. */
export function renderDigestEmail(digest: Digest, label: string): { subject: string; text: string } {
  const stale = digest.accounts.filter((a) => a.stale);
  const subject = truncate(
    `Budget digest ${digest.to.slice(0, 10)}: ${digest.accounts.length} account(s)${stale.length > 0 ? `, ${stale.length} stale` : ''}`,
    100,
  );
  const lines = [
    `Budget alerts ${label} digest`,
    `${formatInstant(digest.from)} to ${formatInstant(digest.to)}`,
    '',
    ...table(digest.accounts),
    ...section('Stale (no successful check for over twice its schedule):', stale.map((a) => `  ${a.id}: ${a.lastCheckedAt ? `last good check ${formatInstant(a.lastCheckedAt)}` : 'never checked successfully'}`)),
    ...section('Closest to running out:', closest(digest.accounts).map((a) => `  ${a.id}: about ${formatDays(a.runwayDays!)} (${formatNumber(a.balance?.available ?? 0)} left)`)),
    ...section('Money:', [
      ...digest.accounts.flatMap((a) => (a.money === undefined ? [] : [`  ${a.id}: ${moneyLine(a.money)}`])),
      ...digest.totals.map((t) => `  total ${t.currency}: used ${formatMoney(t.used, t.currency)}, available ${formatMoney(t.available, t.currency)}`),
    ]),
    ...section('Still firing:', digest.accounts.flatMap((a) => a.open.map((key) => `  ${key}`))),
  ];
  return { subject, text: `${lines.map(fit).join('\n')}\n` };
}

/** The Chatbot card of a digest. */
export function renderDigestChatbot(digest: Digest, label: string): ChatbotNotification {
  const rows = digest.accounts.map((a) => `${a.stale ? ':warning: ' : ''}*${a.id}*: ${summary(a)}`);
  const totals = digest.totals.map((t) => `*${t.currency}*: used ${formatMoney(t.used, t.currency)}, available ${formatMoney(t.available, t.currency)}`);
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `:bar_chart: Budget ${label} digest, ${digest.to.slice(0, 10)}`,
      description: truncate([...rows, ...(totals.length > 0 ? ['', ...totals] : [])].join('\n'), 8000),
      keywords: ['digest', label],
    },
    metadata: { threadId: `digest-${label}`, summary: `Budget ${label} digest`, eventType: 'digest' },
  };
}

/** The table, one line per account, every cell capped so that a line fits DIGEST_LINE_MAX. */
function table(accounts: readonly DigestAccount[]): string[] {
  const header = ['ACCOUNT', 'AVAILABLE', 'USED / BUDGET', 'RUNWAY', 'F/R/OPEN'];
  const caps = [18, 12, 22, 9, 9];
  const rows = accounts.map((a) => [
    `${a.stale ? '!' : ''}${a.id}`,
    a.balance === undefined ? '?' : formatNumber(a.balance.available),
    used(a),
    a.runwayDays === undefined ? '-' : formatDays(a.runwayDays).replace(/ days?$/, ' d').replace(/ hours?$/, ' h'),
    `${a.fired}/${a.resolved}/${a.open.length}`,
  ].map((cell, i) => truncate(cell, caps[i]!)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line), '(F/R/OPEN: alerts fired / resolved in the period / still firing; ! stale)'];
}

function used(a: DigestAccount): string {
  const c = a.consumption;
  if (c === undefined) return '-';
  return c.budget !== undefined ? `${formatNumber(c.used)} / ${formatNumber(c.budget)} (${Math.round((c.used / c.budget) * 100)}%)` : formatNumber(c.used);
}

function moneyLine(m: Money): string {
  const of = (n: number) => formatMoney(n, m.currency);
  return `used ${of(m.used)}${m.budget !== undefined ? ` of ${of(m.budget)}` : ''}, available ${of(m.available)}${m.forecast !== undefined ? `, forecast ${of(m.forecast)}` : ''}`;
}

function summary(a: DigestAccount): string {
  return [
    a.balance === undefined ? 'not checked yet' : `available ${formatNumber(a.balance.available)}`,
    a.consumption === undefined ? undefined : `used ${used(a)}${a.money ? ` (${formatMoney(a.money.used, a.money.currency)})` : ''}`,
    a.runwayDays === undefined ? undefined : `runway ${formatDays(a.runwayDays)}`,
    `${a.fired} fired, ${a.resolved} resolved${a.open.length > 0 ? `, ${a.open.length} still firing` : ''}`,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

function closest(accounts: readonly DigestAccount[]): DigestAccount[] {
  return accounts
    .filter((a) => a.runwayDays !== undefined)
    .sort((a, b) => a.runwayDays! - b.runwayDays!)
    .slice(0, CLOSEST);
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ['', title, ...lines];
}
