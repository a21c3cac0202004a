import type { AlertRecord, HistoryEntry } from '../alerts/types.js';
import type { AccountFigures, Balance, ProviderName } from '../model.js';
import { moneyOf, totalsByCurrency, type CreditPrice, type Money } from '../money.js';
import { scheduleIntervalMs } from '../schedule.js';
import type { AccountState } from '../state/types.js';

/** The digest of one account (DESIGN.md "Contract additions": `digest --json`). */
export interface DigestAccount {
  readonly id: string;
  readonly provider: ProviderName;
  /** The last successful check: the figures below are from then. */
  readonly lastCheckedAt?: string;
  /** The last successful check is older than twice the account's schedule (or there was none). */
  readonly stale: boolean;
  readonly balance?: Balance;
  readonly consumption?: AccountFigures['consumption'];
  readonly runwayDays?: number;
  readonly money?: Money;
  /** Alerts that fired in the period (distinct alert keys). */
  readonly fired: number;
  /** Alerts that resolved in the period (distinct alert keys). */
  readonly resolved: number;
  /** Conditions still firing now (state alerts, not one-shot events). */
  readonly open: readonly string[];
}

/** A digest: every account, from stored state only. */
export interface Digest {
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly accounts: readonly DigestAccount[];
  readonly totals: readonly { readonly currency: string; readonly used: number; readonly available: number }[];
}

/** What the digest needs to know of an account (from the budgets file). */
export interface DigestAccountConfig {
  readonly id: string;
  readonly provider: ProviderName;
  readonly schedule: string;
  readonly creditPrice?: CreditPrice;
}

/** How far back a digest looks. */
export const DIGEST_PERIOD_MS = { day: 86_400_000, week: 7 * 86_400_000 } as const;
export type DigestPeriod = keyof typeof DIGEST_PERIOD_MS;

/**
 * Builds a digest from stored state only (pure; it calls no vendor, so sent every day it also proves
 * the monitor is alive): each account's last good figures, staleness, what fired and resolved in the
 * period, what is still open, and money totals per currency (never mixed).
 */
export function buildDigest(input: {
  readonly accounts: readonly DigestAccountConfig[];
  readonly states: ReadonlyMap<string, AccountState>;
  readonly records: Iterable<AlertRecord>;
  readonly history: readonly HistoryEntry[];
  readonly now: Date;
  readonly period: DigestPeriod;
}): Digest {
  const { now } = input;
  const from = new Date(now.getTime() - DIGEST_PERIOD_MS[input.period]);
  const open = openKeys(input.records);
  const accounts = input.accounts.map((account): DigestAccount => {
    const state = input.states.get(account.id);
    const good = state?.lastGood;
    const stale = good === undefined || now.getTime() - Date.parse(good.at) > 2 * scheduleIntervalMs(account.schedule);
    const sent = input.history.filter((e) => e.account === account.id && e.at >= from.toISOString() && e.at <= now.toISOString());
    const distinct = (status: HistoryEntry['status']) => new Set(sent.filter((e) => e.status === status).map((e) => e.key)).size;
    const money = good === undefined ? undefined : moneyOf(good.figures, account.creditPrice);
    return {
      id: account.id,
      provider: account.provider,
      ...(good !== undefined && { lastCheckedAt: good.at }),
      stale,
      ...(good !== undefined && { balance: good.figures.balance }),
      ...(good?.figures.consumption !== undefined && { consumption: good.figures.consumption }),
      ...(good?.figures.runwayDays !== undefined && { runwayDays: good.figures.runwayDays }),
      ...(money !== undefined && { money }),
      fired: distinct('firing'),
      resolved: distinct('resolved'),
      open: (open.get(account.id) ?? []).sort(),
    };
  });
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    generatedAt: now.toISOString(),
    accounts,
    totals: totalsByCurrency(accounts.flatMap((a) => (a.money === undefined ? [] : [a.money]))),
  };
}

/** Per account, the state conditions some target was last told are firing. */
function openKeys(records: Iterable<AlertRecord>): Map<string, string[]> {
  const open = new Map<string, Set<string>>();
  for (const record of records) {
    if (record.once !== undefined || record.notified?.status !== 'firing') continue;
    open.set(record.account, (open.get(record.account) ?? new Set()).add(record.key));
  }
  return new Map([...open].map(([account, keys]) => [account, [...keys]]));
}

/** Whether any account of the digest is stale (the CLI exits 3). */
export function anyStale(digest: Digest): boolean {
  return digest.accounts.some((a) => a.stale);
}
