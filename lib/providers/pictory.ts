import * as z from 'zod/mini';
import { buildUrl, type HttpClient } from './http.js';
import {
  arrayOf,
  getParsed,
  identifier,
  isRecord,
  numeric,
  optionalText,
  readIdentifier,
  readNumber,
  readOptionalText,
  readTimestamp,
  roundCredits,
  setOptional,
  timestamp,
  UNSURE,
} from './schema.js';
import type { AccountSnapshot, LedgerEntry } from '../model.js';
import type { Adapter, SnapshotRequest } from './types.js';

export const PICTORY_DEFAULT_BASE_URL = 'https://api.pictory.ai';

const QUOTA_PATH = '/pictoryapis/v1/quota';
const USAGE_PATH = '/pictoryapis/v1/aicredits/usage';
/** A busy account's month of usage is one unpaged array (~200 bytes an entry): far more than a balance. */
const PICTORY_MAX_BODY_BYTES = 16 * 1024 * 1024;

const pictoryAllowance = z.object({ used: numeric, limit: numeric });

/** `GET /pictoryapis/v1/quota`: allowances of the current billing term; only AI credits matter here. */
export const pictoryQuotaSchema = z.object({ aiCredits: pictoryAllowance });

/** One entry of `GET /pictoryapis/v1/aicredits/usage`; amounts are positive, `type` gives the direction. */
export const pictoryTransactionSchema = z.object({
  transactionId: identifier,
  type: z.enum(['credit', 'debit']),
  amount: numeric,
  source: optionalText,
  description: optionalText,
  plan: optionalText,
  transactionDate: timestamp,
});

export type PictoryTransaction = z.output<typeof pictoryTransactionSchema>;

/** `pictoryTransactionSchema` by hand (see `ItemReader`): a month holds hundreds of these per account. */
export function readPictoryTransaction(value: unknown): PictoryTransaction | undefined {
  if (!isRecord(value)) return undefined;
  const transactionId = readIdentifier(value['transactionId']);
  const type = value['type'];
  const amount = readNumber(value['amount']);
  const source = readOptionalText(value['source']);
  const description = readOptionalText(value['description']);
  const plan = readOptionalText(value['plan']);
  const transactionDate = readTimestamp(value['transactionDate']);
  if (transactionId === undefined || (type !== 'credit' && type !== 'debit') || amount === undefined || transactionDate === undefined) return undefined;
  if (source === UNSURE || description === UNSURE || plan === UNSURE) return undefined;
  // The usual entry has every field: one literal, no keys added one by one.
  if (source !== undefined && description !== undefined && plan !== undefined) {
    return { transactionId, type, amount, source, description, plan, transactionDate };
  }
  const out: Record<string, unknown> = { transactionId, type, amount };
  setOptional(out, value, 'source', source);
  setOptional(out, value, 'description', description);
  setOptional(out, value, 'plan', plan);
  out['transactionDate'] = transactionDate;
  return out as PictoryTransaction;
}

/** `GET /pictoryapis/v1/aicredits/usage?year=&month=`: a bare array, newest first. */
export const pictoryUsageSchema = arrayOf(pictoryTransactionSchema, readPictoryTransaction);

/** Fetches a Pictory account's AI-credit balance and its ledger over `req.window`. */
export async function fetchPictorySnapshot(req: SnapshotRequest, http: HttpClient): Promise<AccountSnapshot> {
  const baseUrl = req.baseUrl ?? PICTORY_DEFAULT_BASE_URL;
  const get = <T extends z.ZodMiniType>(schema: T, url: string): Promise<z.output<T>> =>
    // The raw key, no `Bearer`: that is what Pictory expects.
    getParsed(
      http,
      { provider: 'pictory', url, headers: { Authorization: req.apiKey }, secrets: [req.apiKey], maxBodyBytes: PICTORY_MAX_BODY_BYTES },
      schema,
    );

  const [quota, ...months] = await Promise.all([
    get(pictoryQuotaSchema, buildUrl(baseUrl, QUOTA_PATH)),
    ...monthsTouched(req.window.from, req.window.to).map(({ year, month }) =>
      get(pictoryUsageSchema, buildUrl(baseUrl, USAGE_PATH, { year, month })),
    ),
  ]);

  const { used, limit } = quota.aiCredits;
  return {
    accountId: req.accountId,
    provider: 'pictory',
    fetchedAt: req.now,
    balance: { available: roundCredits(limit - used), total: limit },
    ledger: mergePictoryLedger(months, req.window),
    ledgerFrom: req.window.from,
  };
}

/** Pictory: the quota is the balance, the monthly usage list the ledger. */
export const pictoryAdapter: Adapter = {
  fetch: fetchPictorySnapshot,
  defaultBaseUrl: PICTORY_DEFAULT_BASE_URL,
  hasLedger: true,
  maxBodyBytes: PICTORY_MAX_BODY_BYTES,
};

/** Merges monthly usage pages into one ledger: de-duplicated by id, inside the window, oldest first. */
export function mergePictoryLedger(
  months: readonly (readonly PictoryTransaction[])[],
  window: { readonly from: Date; readonly to: Date },
): LedgerEntry[] {
  const byId = new Map<string, LedgerEntry>();
  // Compared as numbers: comparing Dates converts both to primitives on every comparison.
  const from = window.from.getTime();
  const to = window.to.getTime();
  for (const month of months) {
    for (const transaction of month) {
      const at = transaction.transactionDate.getTime();
      if (at < from || at > to) continue;
      byId.set(transaction.transactionId, toLedgerEntry(transaction));
    }
  }
  return [...byId.values()].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}

function toLedgerEntry(transaction: PictoryTransaction): LedgerEntry {
  const amount = Math.abs(transaction.amount);
  const description = transaction.description ?? transaction.source;
  const isDebit = transaction.type === 'debit';
  const type = isDebit ? 'debit' : transaction.source?.trim().toLowerCase() === 'monthly reset' ? 'reset' : 'credit';
  const delta = isDebit ? -amount : amount;
  // Built without spreads: a month of entries per account, for every account, made them a hot spot.
  return description
    ? { id: transaction.transactionId, at: transaction.transactionDate, description, type, delta }
    : { id: transaction.transactionId, at: transaction.transactionDate, type, delta };
}

/** Every UTC calendar month that [from, to] touches, in order. */
export function monthsTouched(from: Date, to: Date): Array<{ year: number; month: number }> {
  const months: Array<{ year: number; month: number }> = [];
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth() + 1;
  const lastYear = to.getUTCFullYear();
  const lastMonth = to.getUTCMonth() + 1;
  // Pictory keeps 12 months; a window wider than that is a caller bug, so stop rather than flood.
  while ((year < lastYear || (year === lastYear && month <= lastMonth)) && months.length < 13) {
    months.push({ year, month });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}
