import * as z from 'zod/mini';
import { ProviderAuthError, ProviderError, ProviderRequestError } from '../errors.js';
import { buildUrl, urlPath, type HttpClient, type JsonRequest } from './http.js';
import {
  arrayOf,
  currencyCode,
  getParsed,
  identifier,
  isRecord,
  numeric,
  optionalText,
  parseResponse,
  readIdentifier,
  readNumber,
  readOptionalNumber,
  readOptionalText,
  readTimestamp,
  setOptional,
  UNSURE,
  roundCredits,
  shapeError,
  timestamp,
  type ResponseOrigin,
} from './schema.js';
import type { AccountSnapshot, LedgerEntry } from '../model.js';
import type { Adapter, SnapshotRequest } from './types.js';

const CREDITS_PATH = '/auth/account/credits';
const LEDGER_PATH = '/auth/account/ledger';
const USAGE_PATH = '/auth/account/usage';
/** The vendor's maximum page size. */
const LEDGER_PAGE_SIZE = 100;
/** A page holds at most 100 entries, but each may carry free-form metadata. */
const ACCOUNT_API_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** 100 000 entries: far beyond a month of any real account, low enough to stop a runaway server. */
const MAX_LEDGER_PAGES = 1_000;

const optionalNumber = z.pipe(z.nullish(numeric), z.transform((value: number | null | undefined) => value ?? undefined));

/** `GET /auth/account/credits` (CreditBalance). */
export const accountCreditsSchema = z.object({
  balance: numeric,
  available: numeric,
  reserved: optionalNumber,
  currency: z.pipe(z.nullish(currencyCode), z.transform((value: string | null | undefined) => value ?? undefined)),
  auto_reload_enabled: z.nullish(z.boolean()),
  auto_reload_threshold: optionalNumber,
  auto_reload_amount: optionalNumber,
});

/** One CreditLedgerEntry of `GET /auth/account/ledger`. */
export const accountLedgerEntrySchema = z.object({
  id: identifier,
  type: z.enum(['credit', 'debit', 'adjustment']),
  amount: numeric,
  balance_after: optionalNumber,
  description: optionalText,
  reference: optionalText,
  created_at: timestamp,
});

/** A ledger page's envelope, when it is not a bare array; the entries are checked separately. */
export const accountLedgerEnvelopeSchema = z.object({
  total: optionalNumber,
  limit: optionalNumber,
  offset: optionalNumber,
  has_more: z.nullish(z.boolean()),
});

/** `GET /auth/account/usage` (UsageStats); only the request counts are used. */
export const accountUsageSchema = z.object({
  total_requests: numeric,
  failed_requests: numeric,
});

export type AccountLedgerEntry = z.output<typeof accountLedgerEntrySchema>;

const ENTRY_TYPES: ReadonlySet<unknown> = new Set(['credit', 'debit', 'adjustment']);

/** `accountLedgerEntrySchema` by hand (see `ItemReader`): a month holds hundreds of these per account. */
export function readAccountLedgerEntry(value: unknown): AccountLedgerEntry | undefined {
  if (!isRecord(value)) return undefined;
  const id = readIdentifier(value['id']);
  const type = value['type'];
  const amount = readNumber(value['amount']);
  const balanceAfter = readOptionalNumber(value['balance_after']);
  const description = readOptionalText(value['description']);
  const reference = readOptionalText(value['reference']);
  const createdAt = readTimestamp(value['created_at']);
  if (id === undefined || !ENTRY_TYPES.has(type) || amount === undefined || createdAt === undefined) return undefined;
  if (balanceAfter === UNSURE || description === UNSURE || reference === UNSURE) return undefined;
  // The usual entry has every field: one literal, no keys added one by one.
  if (balanceAfter !== undefined && description !== undefined && reference !== undefined) {
    return { id, type: type as AccountLedgerEntry['type'], amount, balance_after: balanceAfter, description, reference, created_at: createdAt };
  }
  const out: Record<string, unknown> = { id, type, amount };
  setOptional(out, value, 'balance_after', balanceAfter);
  setOptional(out, value, 'description', description);
  setOptional(out, value, 'reference', reference);
  out['created_at'] = createdAt;
  return out as AccountLedgerEntry;
}

const ENVELOPE_KEYS = ['data', 'entries', 'items'] as const;
type EnvelopeKey = (typeof ENVELOPE_KEYS)[number];

/**
 * One page schema per envelope key, built once: zod compiles an object schema on its first parse, so a
 * schema built per page was compiled per page (0.2 ms instead of 0.1 ms for a page of 100 entries).
 */
const envelopePageSchema = (key: EnvelopeKey) =>
  z.extend(accountLedgerEnvelopeSchema, { [key]: arrayOf(accountLedgerEntrySchema, readAccountLedgerEntry) });
const ENVELOPE_PAGE_SCHEMAS: Record<EnvelopeKey, ReturnType<typeof envelopePageSchema>> = {
  data: envelopePageSchema('data'),
  entries: envelopePageSchema('entries'),
  items: envelopePageSchema('items'),
};
const BARE_PAGE_SCHEMA = arrayOf(accountLedgerEntrySchema, readAccountLedgerEntry);
const AUTO_RELOAD = /auto[-_ ]?reload/i;

/** Fetches an Account API account's balance, auto-reload settings, ledger and usage, concurrently. */
export async function fetchAccountApiSnapshot(req: SnapshotRequest, http: HttpClient): Promise<AccountSnapshot> {
  const baseUrl = req.baseUrl;
  if (baseUrl === undefined || baseUrl.trim() === '') {
    throw new ProviderRequestError(
      'account-api: no baseUrl configured for this account (the Account API has no default base URL)',
      { code: 'request', attempts: 0 },
    );
  }
  const get = <T extends z.ZodMiniType>(schema: T, url: string): Promise<z.output<T>> =>
    getParsed(http, accountApiRequest(url, req.apiKey), schema);

  const [credits, ledger, usage] = await Promise.all([
    get(accountCreditsSchema, buildUrl(baseUrl, CREDITS_PATH)),
    fetchLedger(baseUrl, req, http),
    get(
      accountUsageSchema,
      buildUrl(baseUrl, USAGE_PATH, {
        // The error-rate rule is about now: a month-long average would hide a bad day.
        period: 'daily',
        from: new Date(req.now.getTime() - 24 * 3_600_000).toISOString(),
        to: req.now.toISOString(),
      }),
    ).catch((error: unknown) => {
      // Usage is optional: only a rejected key (which breaks everything else too) is worth failing for.
      if (error instanceof ProviderAuthError || !(error instanceof ProviderError)) throw error;
      return undefined;
    }),
  ]);

  const tokenExpiresAt = jwtExpiry(req.apiKey);
  return {
    accountId: req.accountId,
    provider: 'account-api',
    fetchedAt: req.now,
    balance: {
      available: credits.available,
      total: credits.balance,
      ...(credits.reserved !== undefined ? { reserved: credits.reserved } : {}),
      ...(credits.currency ? { currency: credits.currency } : {}),
    },
    ledger: mapAccountLedger(ledger),
    ledgerFrom: req.window.from,
    ...(typeof credits.auto_reload_enabled === 'boolean'
      ? {
          autoReload: {
            enabled: credits.auto_reload_enabled,
            ...(credits.auto_reload_threshold !== undefined ? { threshold: credits.auto_reload_threshold } : {}),
            ...(credits.auto_reload_amount !== undefined ? { amount: credits.auto_reload_amount } : {}),
          },
        }
      : {}),
    ...(usage !== undefined
      ? { usage: { totalRequests: usage.total_requests, failedRequests: usage.failed_requests } }
      : {}),
    ...(tokenExpiresAt !== undefined ? { tokenExpiresAt } : {}),
  };
}

/** The Account API: every account names its own base URL; ledger pages of up to 100 entries with metadata. */
export const accountApiAdapter: Adapter = {
  fetch: fetchAccountApiSnapshot,
  hasLedger: true,
  maxBodyBytes: ACCOUNT_API_MAX_BODY_BYTES,
};

function accountApiRequest(url: string, apiKey: string): JsonRequest {
  return {
    provider: 'account-api',
    url,
    headers: { Authorization: `Bearer ${apiKey}` },
    secrets: [apiKey],
    maxBodyBytes: ACCOUNT_API_MAX_BODY_BYTES,
  };
}

/** Every ledger entry in the window, across all pages, de-duplicated, in the window. */
async function fetchLedger(baseUrl: string, req: SnapshotRequest, http: HttpClient): Promise<AccountLedgerEntry[]> {
  const secrets = [req.apiKey];
  const byId = new Map<string, AccountLedgerEntry>();
  const from = req.window.from.toISOString();
  const to = req.window.to.toISOString();
  let offset = 0;
  for (let page = 0; ; page += 1) {
    const url = buildUrl(baseUrl, LEDGER_PATH, { from, to, limit: LEDGER_PAGE_SIZE, offset });
    const pageOffset = offset;
    const origin: ResponseOrigin = {
      provider: 'account-api',
      // Only an error message needs the path (and the URL parsed for it).
      get path() {
        return `${urlPath(url)} (offset ${pageOffset})`;
      },
      secrets,
    };
    if (page >= MAX_LEDGER_PAGES) {
      throw shapeError('', `more than ${MAX_LEDGER_PAGES} pages of ${LEDGER_PAGE_SIZE}; stopped paging`, origin);
    }
    const response = await http.getJson(accountApiRequest(url, req.apiKey));
    const { entries, envelope } = readLedgerPage(response.body, origin);

    let fresh = 0;
    for (const entry of entries) {
      if (!byId.has(entry.id)) fresh += 1;
      byId.set(entry.id, entry);
    }
    // Entries may shift between pages as new ones arrive, but a page of nothing new means the server
    // ignores `offset`: looping would fetch the same page forever.
    if (entries.length > 0 && fresh === 0) {
      throw shapeError('', `page at offset ${offset} repeats entries already seen: the server ignores offset`, origin);
    }

    offset += entries.length;
    const pageSize = envelope?.limit !== undefined && envelope.limit > 0 ? envelope.limit : LEDGER_PAGE_SIZE;
    const more =
      entries.length > 0 &&
      (typeof envelope?.has_more === 'boolean'
        ? envelope.has_more
        : envelope?.total !== undefined
          ? offset < envelope.total
          : entries.length >= pageSize);
    if (!more) break;
  }
  const fromMs = req.window.from.getTime();
  const toMs = req.window.to.getTime();
  return [...byId.values()].filter((entry) => entry.created_at.getTime() >= fromMs && entry.created_at.getTime() <= toMs);
}

/** Finds the entries in a bare array or under `data`, `entries` or `items`, and checks them. */
function readLedgerPage(
  body: unknown,
  origin: ResponseOrigin,
): { entries: AccountLedgerEntry[]; envelope?: z.output<typeof accountLedgerEnvelopeSchema> } {
  if (Array.isArray(body)) return { entries: parseResponse(BARE_PAGE_SCHEMA, body, origin) };
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    const key = ENVELOPE_KEYS.find((name) => Array.isArray(record[name]));
    if (key !== undefined) {
      const page = parseResponse(ENVELOPE_PAGE_SCHEMAS[key], body, origin) as z.output<typeof accountLedgerEnvelopeSchema> &
        Record<string, AccountLedgerEntry[]>;
      return { entries: page[key] ?? [], envelope: page };
    }
  }
  throw shapeError('', 'expected an array of ledger entries, or an object holding one under data, entries or items', origin);
}

/** Maps vendor entries to vendor-neutral ones, oldest first. */
export function mapAccountLedger(entries: readonly AccountLedgerEntry[]): LedgerEntry[] {
  const sorted = [...entries].sort(
    (a, b) => a.created_at.getTime() - b.created_at.getTime() || compareIds(a.id, b.id),
  );
  let previousBalance: number | undefined;
  return sorted.map((entry) => {
    const mapped = toLedgerEntry(entry, previousBalance);
    previousBalance = entry.balance_after;
    return mapped;
  });
}

function toLedgerEntry(entry: AccountLedgerEntry, previousBalance: number | undefined): LedgerEntry {
  const amount = Math.abs(entry.amount);
  let type: LedgerEntry['type'];
  let delta: number;
  switch (entry.type) {
    case 'debit':
      type = 'debit';
      delta = -amount;
      break;
    case 'credit':
      type = AUTO_RELOAD.test([entry.description, entry.reference].filter(Boolean).join(' ')) ? 'reload' : 'credit';
      delta = amount;
      break;
    case 'adjustment':
      type = 'adjustment';
      // The balance is the vendor's ground truth; an unsigned amount would lose the direction.
      delta =
        entry.balance_after !== undefined && previousBalance !== undefined
          ? roundCredits(entry.balance_after - previousBalance)
          : entry.amount;
      break;
  }
  // Built without spreads (same fields): hundreds of entries per account made them a hot spot.
  const mapped: { -readonly [K in keyof LedgerEntry]: LedgerEntry[K] } = { id: entry.id, at: entry.created_at, type, delta };
  if (entry.balance_after !== undefined) mapped.balanceAfter = entry.balance_after;
  if (entry.description) mapped.description = entry.description;
  return mapped;
}

/** Numeric ids in numeric order (ids are integers in the vendor's docs), otherwise as strings. */
function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

/** A JWT's `exp` as a Date; undefined for opaque keys. Decodes only: the signature is not checked. */
export function jwtExpiry(token: string): Date | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1];
  if (payload === undefined || !/^[A-Za-z0-9_-]+={0,2}$/.test(payload)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const exp = (claims as { exp?: unknown }).exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return undefined;
    const expiresAt = new Date(exp * 1_000);
    return Number.isNaN(expiresAt.getTime()) ? undefined : expiresAt;
  } catch {
    return undefined;
  }
}
