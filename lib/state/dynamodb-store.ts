import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { AlertRecord } from '../alerts/types.js';
import { StateError } from '../errors.js';
import { ACCOUNT_STATE_RETENTION_DAYS, type AccountState, type AlertStateStore, type BalanceSample, type StateView } from './types.js';
import { mapConcurrent } from '../concurrency.js';
import { alertRecordSchema } from './record-schema.js';
import { STATE_TABLE_KEYS } from '../deployment.js';


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
const ACCOUNT_SK = 'account';

/** Queries in flight during `load`: enough for a few hundred accounts, well inside on-demand limits. */
const LOAD_CONCURRENCY = 16;
/** BatchWriteItem's limit per request. */
const BATCH_SIZE = 25;
/** Attempts at writing a batch's unprocessed items before giving up. */
const BATCH_ATTEMPTS = 8;


const accountSchema = z.object({
  consecutiveFailures: z.number().int().nonnegative(),
  // `[[at, available], …]` as one JSON string: ~40 bytes a sample, so the 3000 samples kept stay
  // near 120 KB, far below the 400 KB item limit (a list of maps costs about twice that).
  balanceHistory: z.string(),
  lastCheckedAt: z.string().optional(),
});

const historySchema = z.array(z.tuple([z.string(), z.number()]));

/**
 * Alert state in one DynamoDB table, for the Lambda. Claims are conditional writes on the record's
 * version, so concurrent or retried runs never both publish the same alert. Old periods' records carry a
 * TTL; as DynamoDB deletes expired items only eventually, the store hides them itself.
 */
export function createDynamoDbStore(options: DynamoDbStoreOptions): AlertStateStore {
  const { client, tableName } = options;

  const fail = (operation: string, where: string, error: unknown): StateError =>
    // The key and the SDK's error name/message only: records hold no secrets, but values stay out of logs.
    new StateError(
      `DynamoDB ${operation} on table ${tableName} failed for ${where}: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );

  const nowSeconds = (): number => options.now().getTime() / 1000;

  async function queryAccount(accountId: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': { S: accountId } },
            // A run must see the claims and confirmations of the run before it.
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw fail('Query', `account ${accountId}`, error);
      }
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  async function put(item: Item, condition: Condition, operation: string): Promise<boolean> {
    try {
      await client.send(new PutItemCommand({ TableName: tableName, Item: item, ...condition }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw fail(operation, describeKey(item), error);
    }
  }

  async function writeBatch(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let result;
      try {
        result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      } catch (error) {
        throw fail('BatchWriteItem', `accounts ${accountsOf(pending)}`, error);
      }
      pending = result.UnprocessedItems?.[tableName] ?? [];
      if (pending.length === 0) return;
      if (attempt >= BATCH_ATTEMPTS) {
        throw new StateError(
          `DynamoDB BatchWriteItem on table ${tableName} left accounts ${accountsOf(pending)} unwritten after ${attempt} attempts (throttled)`,
        );
      }
      // Unprocessed items mean the table is throttling: back off with jitter before the next attempt.
      await sleep(Math.random() * Math.min(50 * 2 ** attempt, 2_000));
    }
  }

  return {
    async load(accountIds: readonly string[]): Promise<StateView> {
      const ids = [...new Set(accountIds)];
      const pages = await mapConcurrent(ids, LOAD_CONCURRENCY, queryAccount);
      const now = nowSeconds();
      const alerts = new Map<string, AlertRecord>();
      const accounts = new Map<string, AccountState>();
      ids.forEach((accountId, index) => {
        for (const item of pages[index]!) {
          const sk = item[SK]?.S ?? '';
          if (isExpired(item, now)) continue;
          if (sk === ACCOUNT_SK) {
            accounts.set(accountId, itemToAccount(item, () => `in table ${tableName} (${describeKey(item)})`));
          } else if (sk.startsWith(ALERT_PREFIX)) {
            const record = itemToRecord(item, () => `in table ${tableName} (${describeKey(item)})`);
            alerts.set(record.key, record);
          }
        }
      });
      return { alerts, accounts };
    },

    claim(next: AlertRecord, prior: AlertRecord | undefined): Promise<boolean> {
      const condition: Condition =
        prior === undefined
          ? {
              // An expired record DynamoDB has not yet deleted is absent for `load`, so it is for claims too.
              ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
              ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
              ExpressionAttributeValues: { ':now': { N: String(nowSeconds()) } },
            }
          : versionIs(prior.version);
      return put(recordToItem(next), condition, 'PutItem (claim)');
    },

    async confirm(claimed: AlertRecord): Promise<void> {
      const { ExpressionAttributeNames, ExpressionAttributeValues, ConditionExpression } = versionIs(claimed.version);
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(claimed),
            UpdateExpression: 'SET #v = :next REMOVE #pending',
            ConditionExpression,
            ExpressionAttributeNames: { ...ExpressionAttributeNames, '#pending': 'pendingUntil' },
            ExpressionAttributeValues: { ...ExpressionAttributeValues, ':next': { N: String(claimed.version + 1) } },
          }),
        );
      } catch (error) {
        // Another run moved the record on (e.g. our claim outlived its deadline): nothing of ours to confirm.
        if (isConditionFailure(error)) return;
        throw fail('UpdateItem (confirm)', describeKey(keyOf(claimed)), error);
      }
    },

    async release(claimed: AlertRecord, prior: AlertRecord | undefined): Promise<void> {
      const condition = versionIs(claimed.version);
      if (prior !== undefined) {
        await put(recordToItem({ ...prior, version: claimed.version + 1 }), condition, 'PutItem (release)');
        return;
      }
      try {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: keyOf(claimed), ...condition }));
      } catch (error) {
        if (isConditionFailure(error)) return;
        throw fail('DeleteItem (release)', describeKey(keyOf(claimed)), error);
      }
    },

    async saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void> {
      const expires = Math.ceil(nowSeconds() + ACCOUNT_STATE_RETENTION_DAYS * 86_400);
      const requests: WriteRequest[] = [...states].map(([id, state]) => ({ PutRequest: { Item: accountToItem(id, state, expires) } }));
      const batches: WriteRequest[][] = [];
      for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
      await mapConcurrent(batches, 4, writeBatch);
    },
  };
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Item;
}

function versionIs(version: number): Condition {
  return {
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': { N: String(version) } },
  };
}

function keyOf(record: AlertRecord): Item {
  return { [PK]: { S: record.account }, [SK]: { S: `${ALERT_PREFIX}${record.key}` } };
}

function describeKey(item: Item): string {
  return `key ${item[PK]?.S ?? '?'} / ${item[SK]?.S ?? '?'}`;
}

function accountsOf(requests: readonly WriteRequest[]): string {
  return requests.map((r) => r.PutRequest?.Item?.[PK]?.S ?? '?').join(', ');
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

function isExpired(item: Item, nowSeconds: number): boolean {
  const ttl = item[TTL]?.N;
  return ttl !== undefined && Number(ttl) < nowSeconds;
}

function recordToItem(record: AlertRecord): Item {
  const item: Item = {
    ...keyOf(record),
    key: { S: record.key },
    account: { S: record.account },
    kind: { S: record.kind },
    status: { S: record.status },
    severity: { S: record.severity },
    notifiedAt: { S: record.notifiedAt },
    version: { N: String(record.version) },
  };
  if (record.once !== undefined) item.once = { S: record.once };
  if (record.pendingUntil !== undefined) item.pendingUntil = { S: record.pendingUntil };
  if (record.expiresAt !== undefined) {
    item.expiresAt = { S: record.expiresAt };
    const ms = Date.parse(record.expiresAt);
    // Rounded up so DynamoDB never deletes a record before the instant the lifecycle still needs it.
    if (Number.isFinite(ms)) item[TTL] = { N: String(Math.ceil(ms / 1000)) };
  }
  return item;
}

function itemToRecord(item: Item, where: () => string): AlertRecord {
  const parsed = alertRecordSchema.safeParse(plain(item));
  if (!parsed.success) throw corrupt(parsed.error, where);
  const { once, expiresAt, pendingUntil, ...rest } = parsed.data;
  return {
    ...rest,
    ...(once !== undefined && { once }),
    ...(expiresAt !== undefined && { expiresAt }),
    ...(pendingUntil !== undefined && { pendingUntil }),
  };
}

function accountToItem(accountId: string, state: AccountState, expiresSeconds: number): Item {
  const history = state.balanceHistory.map((s): [string, number] => [s.at, s.available]);
  const item: Item = {
    [PK]: { S: accountId },
    [SK]: { S: ACCOUNT_SK },
    [TTL]: { N: String(expiresSeconds) },
    consecutiveFailures: { N: String(state.consecutiveFailures) },
    balanceHistory: { S: JSON.stringify(history) },
  };
  if (state.lastCheckedAt !== undefined) item.lastCheckedAt = { S: state.lastCheckedAt };
  return item;
}

function itemToAccount(item: Item, where: () => string): AccountState {
  const parsed = accountSchema.safeParse(plain(item));
  if (!parsed.success) throw corrupt(parsed.error, where);
  let history;
  try {
    history = historySchema.parse(JSON.parse(parsed.data.balanceHistory));
  } catch (error) {
    throw new StateError(`state item ${where()} is corrupt at balanceHistory; it is not reset automatically`, { cause: error });
  }
  const balanceHistory: BalanceSample[] = history.map(([at, available]) => ({ at, available }));
  return {
    consecutiveFailures: parsed.data.consecutiveFailures,
    balanceHistory,
    ...(parsed.data.lastCheckedAt !== undefined && { lastCheckedAt: parsed.data.lastCheckedAt }),
  };
}

function corrupt(error: z.ZodError, where: () => string): StateError {
  const issue = error.issues[0];
  return new StateError(
    `state item ${where()} is corrupt at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; it is not reset automatically`,
  );
}

/** Top-level string and number attributes as plain values (the only types the store writes). */
function plain(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) out[name] = value.S;
    else if (value.N !== undefined) out[name] = Number(value.N);
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

