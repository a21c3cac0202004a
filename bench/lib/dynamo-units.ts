// DynamoDB capacity units per account per run in steady state (issue 13: ≤ 2 write units), the item layout
// before issue 13 (one item per account, the balance history as JSON) beside today's (an account item under
// 1 KB carrying the newest samples, older samples in history chunks written once), measured with dynalite.
import { BatchWriteItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbStore } from '../../lib/state/dynamodb-store.js';
import { ACCOUNT_STATE_RETENTION_DAYS, type AccountState, type BalanceSample } from '../../lib/state/types.js';
import { legacyAccountItem } from '../../test/helpers/legacy-state.js';
import { printTable, verdict } from './stats.js';

const HOUR_MS = 3_600_000;
/** Hourly samples in a 40-day history: what a balance-only account holds from its second month on. */
const HISTORY_SAMPLES = 40 * 24;
/** Samples already in the account item's tail, spread over accounts (a tail fills in ~80 hourly runs), so a day of runs sees its share of seals. */
const TAIL_SPREAD = 80;
/** The target of issue 13. */
export const WRU_TARGET_PER_ACCOUNT_RUN = 2;

/** Capacity units per account per run. */
export interface UnitsPerAccountRun {
  readonly rru: number;
  readonly wru: number;
}

export interface DynamoUnits {
  readonly accounts: number;
  /** Accounts whose consumption comes from balance history (they carry 40-day histories). */
  readonly historyAccounts: number;
  /** The layout before issue 13: reads of the first run on its items; writes of the same states written in it. */
  readonly before: UnitsPerAccountRun;
  /** Today's layout: the mean of `runs` hourly runs (alert claims included), and the run that wrote most. */
  readonly after: UnitsPerAccountRun & { readonly runs: number; readonly maxWru: number; readonly alerts: number };
  /** Write units of the first run on old items (a one-off: it rewrites them in today's layout). */
  readonly migrationWru: number;
}

/** A handler invocation at `now`, with the DynamoDB units it consumed. */
export type Invoke = (label: string, now: Date) => Promise<{ readonly rru: number; readonly wru: number; readonly alerts: number }>;

/**
 * Gives each account in `ids` a 40-day hourly history ending an hour before `at`, as a store writes it
 * over successive runs, with tails of different lengths (so seals are spread over runs as in a real table).
 */
export async function seedHistories(client: DynamoDBClient, tableName: string, at: Date, ids: readonly string[]): Promise<void> {
  const store = createDynamoDbStore({ client, tableName, now: () => at });
  const history = hourlyHistory(at);
  const state = (samples: readonly BalanceSample[]): AccountState => ({ consecutiveFailures: 0, balanceHistory: samples, lastCheckedAt: samples.at(-1)!.at });
  await store.saveAccounts(new Map(ids.map((id, i) => [id, state(history.slice(0, history.length - ((i * 37) % TAIL_SPREAD)))])));
  await store.saveAccounts(new Map(ids.map((id) => [id, state(history)])));
}

/**
 * After the steady-state run at `from`: `runs - 1` more hourly runs (today's layout), then the same states
 * written in the old layout (its write units per run), its history chunks removed, and one run on it (its
 * read units, and the one-off migration).
 */
export async function measureDynamoUnits(input: {
  readonly invoke: Invoke;
  readonly steady: { readonly rru: number; readonly wru: number; readonly alerts: number };
  readonly from: Date;
  readonly runs: number;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly accountIds: readonly string[];
  readonly historyAccounts: number;
}): Promise<DynamoUnits> {
  const { invoke, from, runs, client, tableName, accountIds } = input;
  const after = [input.steady];
  for (let h = 1; h < runs; h++) after.push(await invoke(`steady state, run ${h + 1} of ${runs}`, new Date(from.getTime() + h * HOUR_MS)));
  const upgradeAt = new Date(from.getTime() + runs * HOUR_MS);
  const legacyWru = await writeLegacyLayout(client, tableName, upgradeAt, accountIds);
  const upgrade = await invoke('first run on the old layout', upgradeAt);
  const n = accountIds.length;
  return {
    accounts: n,
    historyAccounts: input.historyAccounts,
    before: { rru: upgrade.rru / n, wru: legacyWru / n },
    after: {
      rru: after.reduce((s, r) => s + r.rru, 0) / after.length / n,
      wru: after.reduce((s, r) => s + r.wru, 0) / after.length / n,
      runs: after.length,
      maxWru: Math.max(...after.map((r) => r.wru)) / n,
      alerts: after.reduce((s, r) => s + r.alerts, 0),
    },
    migrationWru: upgrade.wru,
  };
}

export function printDynamoUnits(units: DynamoUnits): void {
  const { before, after } = units;
  printTable(
    `DynamoDB units per account per run, steady state (${units.accounts} accounts, ${units.historyAccounts} with 40-day hourly balance histories)`,
    ['item layout', 'RRU / account-run', 'WRU / account-run', 'measured'],
    [
      ['before: one item per account, history as JSON', before.rru.toFixed(2), before.wru.toFixed(2), 'reads: the first run on it; writes: the same states put in it'],
      [
        'after: account item < 1 KB + history chunks',
        after.rru.toFixed(2),
        after.wru.toFixed(2),
        `mean of ${after.runs} hourly runs, ${after.alerts} alerts sent in them (the most in a run: ${after.maxWru.toFixed(2)} WRU / account)`,
      ],
    ],
  );
  const met = after.wru <= WRU_TARGET_PER_ACCOUNT_RUN;
  console.log(`  ≤ ${WRU_TARGET_PER_ACCOUNT_RUN} WRU per account per run: ${verdict(met)} (${after.wru.toFixed(2)}; before ${before.wru.toFixed(2)}, ${(before.wru / after.wru).toFixed(1)}× fewer)`);
  console.log(`  reads no more than before: ${verdict(after.rru <= before.rru)} (${after.rru.toFixed(2)} RRU / account-run; before ${before.rru.toFixed(2)})`);
  console.log(`  one-off: the first run on old items rewrites them in today's layout: ${units.migrationWru.toFixed(0)} WRU`);
}

/** 40 days of hourly samples ending an hour before `at`, falling 1.3 credits an hour (with floating-point noise, as sums have). */
function hourlyHistory(at: Date): BalanceSample[] {
  return Array.from({ length: HISTORY_SAMPLES }, (_, i) => ({
    at: new Date(at.getTime() - (HISTORY_SAMPLES - i) * HOUR_MS).toISOString(),
    available: 2_000 + (HISTORY_SAMPLES - i) * 1.3,
  }));
}

/** Puts every account's state in the old layout (write units returned), and deletes the history chunks it did not have. */
async function writeLegacyLayout(client: DynamoDBClient, tableName: string, at: Date, accountIds: readonly string[]): Promise<number> {
  const view = await createDynamoDbStore({ client, tableName, now: () => at }).load(accountIds);
  const expires = Math.ceil(at.getTime() / 1000 + ACCOUNT_STATE_RETENTION_DAYS * 86_400);
  let wru = 0;
  for (const [id, state] of view.accounts) {
    // One PutItem per account, as the old store's batch wrote it; DynamoDB bills a replaced item at the larger of both sizes.
    const put = await client.send(new PutItemCommand({ TableName: tableName, Item: legacyAccountItem(id, state, expires), ReturnConsumedCapacity: 'TOTAL' }));
    wru += put.ConsumedCapacity?.CapacityUnits ?? 0;
  }
  for (const id of accountIds) {
    const { Items = [] } = await client.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)', ExpressionAttributeValues: { ':pk': { S: id }, ':chunk': { S: 'balance#' } } }),
    );
    for (let i = 0; i < Items.length; i += 25) {
      const batch = Items.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } }));
      await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
    }
  }
  return wru;
}
