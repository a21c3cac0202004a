import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { STATE_TABLE_KEYS } from '../deployment.js';
import { StateError } from '../errors.js';
import { planHistory, type HistoryPlan, type StoredChunk } from './history-layout.js';
import { lastGoodSchema, withoutUndefined } from './record-schema.js';
import { decodeSamples, encodeSamples } from './sample-codec.js';
import { BALANCE_HISTORY_RETENTION_DAYS, type AccountState, type BalanceSample } from './types.js';
import { WITH_ISSUE_TEXT } from '../issue-text.js';

// An account's state in DynamoDB: the item `account` (failure count, last check, last good figures and
// the newest balance samples) and `balance#<first sample's instant>` items holding older samples (see
// history-layout.ts). DynamoDB bills a write by the item's size in 1 KB units, so the account item is
// kept under 1 KB and an item that did not change is not written again.

type Item = Record<string, AttributeValue>;

const PK = STATE_TABLE_KEYS.partitionKey;
const SK = STATE_TABLE_KEYS.sortKey;
const TTL = STATE_TABLE_KEYS.ttlAttribute;
export const ACCOUNT_SK = 'account';
export const CHUNK_PREFIX = 'balance#';
/** One write unit. */
const WRITE_UNIT_BYTES = 1024;
/** Room left for the difference between our size estimate and DynamoDB's accounting. */
const SIZE_MARGIN_BYTES = 16;
const ITEM_BUDGET = WRITE_UNIT_BYTES - SIZE_MARGIN_BYTES;

const accountSchema = z.object({
  consecutiveFailures: z.int().check(z.nonnegative()),
  // `<first instant, epoch ms in base 36>|<newest samples>`; `|<samples>` when they are the whole history.
  history: z.optional(z.string()),
  // Items written before the history was split: every sample, `[[at, available], …]` as one JSON string.
  balanceHistory: z.optional(z.string()),
  lastCheckedAt: z.optional(z.string()),
  lastGood: z.optional(lastGoodSchema),
});

/** What the store knows of an account's items between its load and its save. */
export interface StoredAccount {
  readonly chunks: readonly StoredChunk[];
  /** The account item as stored, so that an unchanged one is not written again. */
  readonly item?: Item;
}

/** Nothing stored. */
export const NOTHING_STORED: StoredAccount = { chunks: [] };

/** The writes that store one account's state, in the order they must land. */
export interface AccountWrites {
  /** New history chunks: written first, so the account item never leaves out samples no item holds. */
  readonly chunks: WriteRequest[];
  readonly account: WriteRequest[];
  /** Chunks no longer needed: deleted last. */
  readonly drops: WriteRequest[];
  /** What is stored once these writes have landed. */
  readonly stored: StoredAccount;
}

/** An account's state from its partition's account item and history chunks (unexpired); undefined state without an account item. */
export function readAccount(items: readonly Item[], where: (item: Item) => () => string): { state?: AccountState; stored: StoredAccount } {
  const chunks: StoredChunk[] = [];
  let accountItem: Item | undefined;
  for (const item of items) {
    const sk = item[SK]?.S ?? '';
    if (sk === ACCOUNT_SK) accountItem = item;
    else if (sk.startsWith(CHUNK_PREFIX)) chunks.push({ id: sk.slice(CHUNK_PREFIX.length), samples: chunkSamples(item, where(item)) });
  }
  chunks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (accountItem === undefined) return { stored: { chunks } };
  return { state: itemToAccount(accountItem, chunks, where(accountItem)), stored: { chunks, item: accountItem } };
}

/** The items to write (and delete) to store `state` over what is stored. */
export function accountWrites(accountId: string, state: AccountState, stored: StoredAccount, expiresSeconds: number): AccountWrites {
  const base = accountItemOf(accountId, state, expiresSeconds);
  const history = state.balanceHistory;
  const prefix = history.length === 0 ? '' : fromPrefix(history[0]!.at);
  const chunkOverhead = itemBytes(chunkItem(accountId, { id: history[0]?.at ?? '', text: '', lastAt: history[0]?.at ?? '' }));
  const unitsWith = (text: string): number => writeUnits({ ...base, history: { S: prefix + text } });
  const plan = planHistory(history, stored.chunks, {
    // The tail may fill the write units the account item takes anyway (one, unless its figures are large).
    tailFits: (text) => unitsWith(text) <= unitsWith(encodeSamples(history.slice(-1))),
    chunkBytes: ITEM_BUDGET - chunkOverhead,
  });
  const item = withHistory(base, plan);
  const putIds = new Set(plan.put.map((c) => c.id));
  const dropped = new Set(plan.drop);
  return {
    chunks: plan.put.map((chunk) => ({ PutRequest: { Item: chunkItem(accountId, chunk) } })),
    account: stored.item !== undefined && sameItem(stored.item, item) ? [] : [{ PutRequest: { Item: item } }],
    drops: plan.drop.map((id) => ({ DeleteRequest: { Key: { [PK]: { S: accountId }, [SK]: { S: `${CHUNK_PREFIX}${id}` } } } })),
    stored: {
      chunks: [...stored.chunks.filter((c) => !dropped.has(c.id) && !putIds.has(c.id)), ...plan.put].sort((a, b) => (a.id < b.id ? -1 : 1)),
      item,
    },
  };
}

/** Write units a put of this item takes (by our estimate of its size, with a margin). */
function writeUnits(item: Item): number {
  return Math.ceil((itemBytes(item) + SIZE_MARGIN_BYTES) / WRITE_UNIT_BYTES);
}

/**
 * An item's size as DynamoDB bills it (attribute names and values, UTF-8; numbers by significant digits),
 * rounded up where DynamoDB's own figure may be a byte larger.
 */
export function itemBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueBytes(v), 0);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  return 1;
}

function numberBytes(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
  return 2 + Math.ceil(Math.max(1, digits) / 2) + (text.startsWith('-') ? 1 : 0);
}

function accountItemOf(accountId: string, state: AccountState, expiresSeconds: number): Item {
  const fields = { consecutiveFailures: state.consecutiveFailures, lastCheckedAt: state.lastCheckedAt, lastGood: state.lastGood };
  return { ...marshall(fields, { removeUndefinedValues: true }), [PK]: { S: accountId }, [SK]: { S: ACCOUNT_SK }, [TTL]: { N: String(expiresSeconds) } };
}

function withHistory(item: Item, plan: HistoryPlan): Item {
  if (plan.tail.length === 0 && plan.from === undefined) return item;
  const prefix = plan.from === undefined ? '|' : fromPrefix(plan.from);
  return { ...item, history: { S: prefix + encodeSamples(plan.tail) } };
}

function fromPrefix(at: string): string {
  return `${Date.parse(at).toString(36)}|`;
}

function chunkItem(accountId: string, chunk: { id: string; text: string; lastAt: string }): Item {
  // It expires when its newest sample is past the retention: the check would prune all of it by then.
  const expires = Math.ceil(Date.parse(chunk.lastAt) / 1000) + BALANCE_HISTORY_RETENTION_DAYS * 86_400;
  return { [PK]: { S: accountId }, [SK]: { S: `${CHUNK_PREFIX}${chunk.id}` }, samples: { S: chunk.text }, [TTL]: { N: String(expires) } };
}

function chunkSamples(item: Item, where: () => string): BalanceSample[] {
  const text = item.samples?.S;
  try {
    if (text === undefined) throw new Error('no samples attribute');
    return decodeSamples(text);
  } catch (error) {
    throw new StateError(`state item ${where()} is corrupt at samples; it is not reset automatically`, { cause: error });
  }
}

function itemToAccount(item: Item, chunks: readonly StoredChunk[], where: () => string): AccountState {
  const { [PK]: _pk, [SK]: _sk, [TTL]: _ttl, ...fields } = unmarshall(item);
  const parsed = accountSchema.safeParse(fields, WITH_ISSUE_TEXT);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateError(`state item ${where()} is corrupt at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; it is not reset automatically`);
  }
  const { history, balanceHistory: legacy, ...rest } = parsed.data;
  let balanceHistory: BalanceSample[];
  try {
    balanceHistory = history !== undefined ? historyOf(history, chunks) : legacy !== undefined ? decodeSamples(`j${legacy}`) : [];
  } catch (error) {
    throw new StateError(`state item ${where()} is corrupt at ${history !== undefined ? 'history' : 'balanceHistory'}; it is not reset automatically`, {
      cause: error,
    });
  }
  return withoutUndefined({ ...rest, balanceHistory });
}

/** The chunks' samples from the history's first instant on, then the tail, each instant once (the newest item's sample wins). */
function historyOf(text: string, chunks: readonly StoredChunk[]): BalanceSample[] {
  const bar = text.indexOf('|');
  if (bar < 0) throw new Error('no history start');
  const tail = decodeSamples(text.slice(bar + 1));
  if (bar === 0) return tail;
  const fromMs = Number.parseInt(text.slice(0, bar), 36);
  if (!Number.isSafeInteger(fromMs)) throw new Error('malformed history start');
  const from = new Date(fromMs).toISOString();
  const samples: BalanceSample[] = [];
  for (const chunk of chunks) {
    if ((chunk.samples[0]?.at ?? from) >= from) for (const s of chunk.samples) samples.push(s);
    else for (const s of chunk.samples) if (s.at >= from) samples.push(s);
  }
  for (const s of tail) samples.push(s);
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]!.at >= samples[i]!.at) return uniqueByInstant(samples);
  return samples;
}

/** Chunks written by runs that overlapped hold some instants twice: sorted, the later one kept. */
function uniqueByInstant(samples: readonly BalanceSample[]): BalanceSample[] {
  const byInstant = new Map<string, BalanceSample>();
  for (const sample of samples) byInstant.set(sample.at, sample);
  return [...byInstant.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Whether two items hold the same attributes and values, whatever their order. */
function sameItem(a: Item, b: Item): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
