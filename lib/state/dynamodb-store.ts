import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type UpdateItemCommandInput,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { confirmedRecord, recordId, releasedRecord } from '../alerts/records.js';
import { compareIso, heldId } from './record-map.js';
import type { Silence } from '../alerts/silences.js';
import type { AlertRecord, HeldAlert, HistoryEntry } from '../alerts/types.js';
import { mapConcurrent } from '../concurrency.js';
import { STATE_TABLE_KEYS } from '../deployment.js';
import { StateError } from '../errors.js';
import { ACCOUNT_SK, accountWrites, CHUNK_PREFIX, NOTHING_STORED, readAccount, type StoredAccount } from './dynamodb-accounts.js';
import {
  alertRecordSchema,
  fromLegacyRecord,
  heldAlertSchema,
  historyEntrySchema,
  legacyAlertRecordSchema,
  silenceSchema,
  withoutUndefined,
} from './record-schema.js';
import { ACCOUNT_STATE_RETENTION_DAYS, HELD_RETENTION_DAYS, HISTORY_RETENTION_DAYS, type AccountState, type AlertStateStore, type StateView } from './types.js';
import { WITH_ISSUE_TEXT } from '../issue-text.js';

/** Options of the DynamoDB store. */
export interface DynamoDbStoreOptions {
  /** Injected so the Lambda creates one client per container and tests point it at dynalite. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Clock for hiding expired records; injected so replays at `--now` see what a live run would. */
  readonly now: () => Date;
}

type Item = Record<string, AttributeValue>;

const PK = STATE_TABLE_KEYS.partitionKey;
const SK = STATE_TABLE_KEYS.sortKey;
const TTL = STATE_TABLE_KEYS.ttlAttribute;
const ALERT_PREFIX = 'alert#';
/** Silences are not an account's: they live in a partition of their own. */
const SILENCES_PK = '#silences';
const SILENCE_PREFIX = 'silence#';
/** Held alerts live beside the account's records; its history in a partition of its own (read only by the digest). */
const HELD_PREFIX = 'held#';
const HISTORY_PK_PREFIX = 'history#';

/** Queries in flight during `load`: enough for a few hundred accounts, well inside on-demand limits. */
const LOAD_CONCURRENCY = 16;
/** BatchWriteItem's limit per request. */
const BATCH_SIZE = 25;
/** Attempts at writing a batch's unprocessed items before giving up. */
const BATCH_ATTEMPTS = 8;

/**
 * Alert state in one DynamoDB table, for the Lambda. Items: pk = account id; sk =
 * `alert#<target>#<alert key>` for an alert record (one per alert and delivery target), `account` for
 * the account state, `balance#<instant>` for its older balance samples (dynamodb-accounts.ts). Claims
 * are conditional writes on the record's version, so concurrent or retried runs never both publish the
 * same alert to a target. Old periods' records carry a TTL; as DynamoDB deletes expired items only
 * eventually, the store hides them itself. A save writes only the items whose content changed since
 * this store loaded (or saved) them.
 */
export function createDynamoDbStore(options: DynamoDbStoreOptions): AlertStateStore {
  return new DynamoDbStore(options);
}

/**
 * The store's methods live on its prototype, shared by every store: the Lambda makes a store per
 * invocation, and V8's optimized code that inlines a method made per store is dropped with the store.
 */
class DynamoDbStore implements AlertStateStore {
  readonly #options: DynamoDbStoreOptions;
  readonly #table: Table;
  /** What each account's items hold as this store last loaded or saved them, so a save writes only what changed. */
  readonly #storedAccounts = new Map<string, StoredAccount>();

  constructor(options: DynamoDbStoreOptions) {
    this.#options = options;
    this.#table = new Table(options.client, options.tableName);
  }

  #nowSeconds(): number {
    return this.#options.now().getTime() / 1000;
  }

  /** Where an item is, for errors (evaluated only when one is thrown). */
  #where(item: Item): () => string {
    return () => `in table ${this.#options.tableName} (${describeKey(item)})`;
  }

  async load(accountIds: readonly string[]): Promise<StateView> {
    const ids = [...new Set(accountIds)];
    // Both settle before a failure is reported, so that no query of a failed load is still retrying.
    const [pagesResult, knownResult] = await Promise.allSettled([this.#queryEach(ids), this.listSilences()]);
    if (pagesResult.status === 'rejected') throw pagesResult.reason;
    if (knownResult.status === 'rejected') throw knownResult.reason;
    const [pages, known] = [pagesResult.value, knownResult.value];
    const now = this.#nowSeconds();
    const alerts = new Map<string, AlertRecord>();
    const accounts = new Map<string, AccountState>();
    const held: HeldAlert[] = [];
    ids.forEach((accountId, index) => {
      const accountItems: Item[] = [];
      for (const item of pages[index]!) {
        const sk = item[SK]?.S ?? '';
        if (isExpired(item, now)) continue;
        if (sk === ACCOUNT_SK || sk.startsWith(CHUNK_PREFIX)) {
          accountItems.push(item);
        } else if (sk.startsWith(ALERT_PREFIX)) {
          const record = itemToRecord(item, this.#where(item));
          alerts.set(recordId(record.target, record.key), record);
        } else if (sk.startsWith(HELD_PREFIX)) {
          held.push(parseItem(item, heldAlertSchema, this.#where(item)) as HeldAlert);
        }
      }
      const { state, stored } = readAccount(accountItems, (item) => this.#where(item));
      this.#storedAccounts.set(accountId, stored);
      if (state !== undefined) accounts.set(accountId, state);
    });
    return { alerts, accounts, silences: known, held };
  }

  /** Every item of each partition, in order. */
  #queryEach(partitions: readonly string[]): Promise<Item[][]> {
    return mapConcurrent(partitions, LOAD_CONCURRENCY, (partition) => this.#table.query(partition));
  }

  claim(next: AlertRecord, prior: AlertRecord | undefined): Promise<boolean> {
    const condition = prior === undefined ? absentOrExpired(this.#nowSeconds()) : versionIs(prior.version);
    return this.#table.put(recordToItem(next), condition, 'PutItem (claim)');
  }

  async confirm(claimed: AlertRecord): Promise<void> {
    // False: another run moved the record on (our claim outlived its deadline): nothing of ours to confirm.
    await this.#table.put(recordToItem(confirmedRecord(claimed)), versionIs(claimed.version), 'PutItem (confirm)');
  }

  async release(claimed: AlertRecord, prior: AlertRecord | undefined): Promise<void> {
    const restored = releasedRecord(claimed, prior);
    const condition = versionIs(claimed.version);
    if (restored !== undefined) await this.#table.put(recordToItem(restored), condition, 'PutItem (release)');
    else await this.#table.remove(keyOf(claimed), condition, 'DeleteItem (release)');
  }

  async saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void> {
    const now = this.#nowSeconds();
    const expires = Math.ceil(now + ACCOUNT_STATE_RETENTION_DAYS * 86_400);
    // A check loads before it saves; anyone else saving an account this store has not seen reads its items first.
    const unseen = [...states.keys()].filter((id) => !this.#storedAccounts.has(id));
    const pages = await this.#queryEach(unseen);
    unseen.forEach((id, i) => {
      const items = pages[i]!.filter((item) => !isExpired(item, now));
      this.#storedAccounts.set(id, readAccount(items, (item) => this.#where(item)).stored);
    });
    const writes = [...states].map(([id, state]) => ({ id, ...accountWrites(id, state, this.#storedAccounts.get(id) ?? NOTHING_STORED, expires) }));
    // Until every write has landed, what is stored is unknown: a later save reads it again.
    for (const id of states.keys()) this.#storedAccounts.delete(id);
    await this.#table.writeAll(writes.flatMap((w) => w.chunks));
    await this.#table.writeAll(writes.flatMap((w) => w.account));
    await this.#table.writeAll(writes.flatMap((w) => w.drops));
    for (const w of writes) this.#storedAccounts.set(w.id, w.stored);
  }

  // Silences: a partition of their own, each item expiring (TTL) when the silence may be forgotten.

  async listSilences(): Promise<Silence[]> {
    const now = this.#nowSeconds();
    const items = await this.#table.query(SILENCES_PK);
    return items.filter((item) => !isExpired(item, now)).map((item) => parseItem(item, silenceSchema, this.#where(item)));
  }

  addSilence(silence: Silence): Promise<boolean> {
    return this.#table.put(silenceToItem(silence), absentOrExpired(this.#nowSeconds()), 'PutItem (silence)');
  }

  async removeSilence(id: string, at: Date): Promise<Silence | undefined> {
    const key = { [PK]: { S: SILENCES_PK }, [SK]: { S: `${SILENCE_PREFIX}${id}` } };
    const updated = await this.#table.update(key, {
      UpdateExpression: 'SET removedAt = if_not_exists(removedAt, :at)',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':at': { S: at.toISOString() } },
    });
    return updated === undefined ? undefined : parseItem(updated, silenceSchema, this.#where(updated));
  }

  // Held alerts (beside the account's records) and sent-alert history (a partition per account, read by the digest).

  hold(items: readonly HeldAlert[]): Promise<void> {
    const now = this.#nowSeconds();
    return this.#table.putAll(
      items.map((h) => ({
        ...marshall(h, { removeUndefinedValues: true }),
        [PK]: { S: h.account },
        [SK]: { S: `${HELD_PREFIX}${heldId(h)}` },
        [TTL]: ttlAfter(now, HELD_RETENTION_DAYS),
      })),
    );
  }

  dropHeld(items: readonly Pick<HeldAlert, 'target' | 'key' | 'account'>[]): Promise<void> {
    return this.#table.writeAll(items.map((h) => ({ DeleteRequest: { Key: { [PK]: { S: h.account }, [SK]: { S: `${HELD_PREFIX}${heldId(h)}` } } } })));
  }

  appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    return this.#table.putAll(
      entries.map((e) => ({
        ...marshall(e, { removeUndefinedValues: true }),
        [PK]: { S: `${HISTORY_PK_PREFIX}${e.account}` },
        [SK]: { S: `${e.at}#${e.key}` },
        [TTL]: ttlAfter(Date.parse(e.at) / 1000, HISTORY_RETENTION_DAYS),
      })),
    );
  }

  async loadHistory(accountIds: readonly string[], from: Date): Promise<HistoryEntry[]> {
    const since = from.toISOString();
    const pages = await mapConcurrent([...new Set(accountIds)], LOAD_CONCURRENCY, (id) => this.#table.query(`${HISTORY_PK_PREFIX}${id}`, since));
    const now = this.#nowSeconds();
    return pages
      .flat()
      .filter((item) => !isExpired(item, now))
      .map((item) => parseItem(item, historyEntrySchema, this.#where(item)) as HistoryEntry)
      .sort((a, b) => compareIso(a.at, b.at));
  }
}

function ttlAfter(seconds: number, days: number): AttributeValue {
  return { N: String(Math.ceil(seconds + days * 86_400)) };
}

/** A stored item's fields (keys and TTL dropped), validated. */
function parseItem<T extends z.ZodMiniType>(item: Item, schema: T, where: () => string): z.output<T> {
  const { [PK]: _pk, [SK]: _sk, [TTL]: _ttl, ...fields } = unmarshall(item);
  const parsed = schema.safeParse(fields, WITH_ISSUE_TEXT);
  if (!parsed.success) throw corrupt(parsed.error, where);
  return withoutUndefined(parsed.data as object) as z.output<T>;
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Item;
}

/** The table's calls, each turning an SDK failure into a StateError that names the table and item. */
class Table {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  #fail(operation: string, where: string, error: unknown): StateError {
    // The key and the SDK's error name/message only: records hold no secrets, but values stay out of logs.
    return new StateError(
      `DynamoDB ${operation} on table ${this.#tableName} failed for ${where}: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }

  async #conditional(send: () => Promise<unknown>, operation: string, item: Item): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw this.#fail(operation, describeKey(item), error);
    }
  }

  /** Every item of a partition (with a sort key ≥ `fromSk`, if given). */
  async query(partition: string, fromSk?: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const input = {
        TableName: this.#tableName,
        KeyConditionExpression: fromSk === undefined ? '#pk = :pk' : '#pk = :pk AND #sk >= :from',
        ExpressionAttributeNames: { '#pk': PK, ...(fromSk !== undefined && { '#sk': SK }) },
        ExpressionAttributeValues: { ':pk': { S: partition }, ...(fromSk !== undefined && { ':from': { S: fromSk } }) },
        // A run must see the claims and confirmations of the run before it.
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      };
      const page = await this.#client.send(new QueryCommand(input)).catch((error: unknown) => {
        throw this.#fail('Query', `partition ${partition}`, error);
      });
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  put(item: Item, condition: Condition, operation: string): Promise<boolean> {
    return this.#conditional(() => this.#client.send(new PutItemCommand({ TableName: this.#tableName, Item: item, ...condition })), operation, item);
  }

  /** A conditional UpdateItem; the item as it is after, or undefined when the condition failed. */
  async update(key: Item, input: Omit<UpdateItemCommandInput, 'TableName' | 'Key' | 'ReturnValues'>): Promise<Item | undefined> {
    try {
      const result = await this.#client.send(new UpdateItemCommand({ TableName: this.#tableName, Key: key, ReturnValues: 'ALL_NEW', ...input }));
      return result.Attributes;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw this.#fail('UpdateItem', describeKey(key), error);
    }
  }

  remove(key: Item, condition: Condition, operation: string): Promise<boolean> {
    return this.#conditional(() => this.#client.send(new DeleteItemCommand({ TableName: this.#tableName, Key: key, ...condition })), operation, key);
  }

  /** Puts items unconditionally, in batches. */
  putAll(items: readonly Item[]): Promise<void> {
    return this.writeAll(items.map((Item) => ({ PutRequest: { Item } })));
  }

  /** Writes puts and deletes in batches of BATCH_SIZE. */
  async writeAll(requests: readonly WriteRequest[]): Promise<void> {
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
    await mapConcurrent(batches, 4, (batch) => this.#writeBatch(batch));
  }

  async #writeBatch(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.#client.send(new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } })).catch((error: unknown) => {
        throw this.#fail('BatchWriteItem', `accounts ${accountsOf(pending)}`, error);
      });
      pending = result.UnprocessedItems?.[this.#tableName] ?? [];
      if (pending.length === 0) return;
      if (attempt >= BATCH_ATTEMPTS) {
        throw new StateError(
          `DynamoDB BatchWriteItem on table ${this.#tableName} left accounts ${accountsOf(pending)} unwritten after ${attempt} attempts (throttled)`,
        );
      }
      // Unprocessed items mean the table is throttling: back off with jitter before the next attempt.
      await sleep(Math.random() * Math.min(50 * 2 ** attempt, 2_000));
    }
  }
}

/** No item at the key, or one past its TTL: an expired item DynamoDB has not yet deleted is absent for `load`, so it is for writes too. */
function absentOrExpired(nowSeconds: number): Condition {
  return {
    ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
    ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
    ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
  };
}

function versionIs(version: number): Condition {
  return {
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': { N: String(version) } },
  };
}

function keyOf(record: Pick<AlertRecord, 'account' | 'target' | 'key'>): Item {
  return { [PK]: { S: record.account }, [SK]: { S: `${ALERT_PREFIX}${record.target}#${record.key}` } };
}

function describeKey(item: Item): string {
  return `key ${item[PK]?.S ?? '?'} / ${item[SK]?.S ?? '?'}`;
}

function accountsOf(requests: readonly WriteRequest[]): string {
  return [...new Set(requests.map((r) => r.PutRequest?.Item?.[PK]?.S ?? r.DeleteRequest?.Key?.[PK]?.S ?? '?'))].join(', ');
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

function isExpired(item: Item, nowSeconds: number): boolean {
  const ttl = item[TTL]?.N;
  return ttl !== undefined && Number(ttl) < nowSeconds;
}

function recordToItem(record: AlertRecord): Item {
  const item: Item = { ...marshall(record, { removeUndefinedValues: true }), ...keyOf(record) };
  if (record.expiresAt !== undefined) {
    const ms = Date.parse(record.expiresAt);
    // Rounded up so DynamoDB never deletes a record before the instant the lifecycle still needs it.
    if (Number.isFinite(ms)) item[TTL] = { N: String(Math.ceil(ms / 1000)) };
  }
  return item;
}

function itemToRecord(item: Item, where: () => string): AlertRecord {
  const { [PK]: _pk, [SK]: _sk, [TTL]: _ttl, ...fields } = unmarshall(item);
  // Items written before claims were per target have no target: they stand for every target.
  if (fields.target === undefined) {
    const legacy = legacyAlertRecordSchema.safeParse(fields, WITH_ISSUE_TEXT);
    if (!legacy.success) throw corrupt(legacy.error, where);
    return fromLegacyRecord(legacy.data);
  }
  const parsed = alertRecordSchema.safeParse(fields, WITH_ISSUE_TEXT);
  if (!parsed.success) throw corrupt(parsed.error, where);
  return withoutUndefined(parsed.data) as AlertRecord;
}

function silenceToItem(silence: Silence): Item {
  return {
    ...marshall(silence, { removeUndefinedValues: true }),
    [PK]: { S: SILENCES_PK },
    [SK]: { S: `${SILENCE_PREFIX}${silence.id}` },
    [TTL]: { N: String(Math.ceil(Date.parse(silence.expiresAt) / 1000)) },
  };
}


function corrupt(error: z.core.$ZodError, where: () => string): StateError {
  const issue = error.issues[0];
  return new StateError(
    `state item ${where()} is corrupt at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; it is not reset automatically`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
