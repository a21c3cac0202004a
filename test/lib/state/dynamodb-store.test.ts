import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { StateError } from '../../../lib/errors.js';
import { createDynamoDbStore } from '../../../lib/state/dynamodb-store.js';
import { STATE_TABLE_KEYS } from '../../../lib/deployment.js';
import type { BalanceSample } from '../../../lib/state/types.js';
import { createStateTable, dynamoClient, startDynalite, type RunningDynalite } from '../../helpers/dynalite.js';
import { legacyAccountItem } from '../../helpers/legacy-state.js';
import { describeStoreContract, NOW, record } from './store-contract.js';

describe('createDynamoDbStore against dynalite', () => {
  let dynamo: RunningDynalite;
  let client: DynamoDBClient;
  let tableName: string;
  let tables = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = dynamoClient(dynamo.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });
  beforeEach(async () => {
    tableName = `state-${++tables}`;
    await createStateTable(client, tableName);
  });

  const store = (now: Date = NOW) => createDynamoDbStore({ client, tableName, now: () => now });

  // The outer beforeEach has made a fresh table for each test.
  describeStoreContract('the DynamoDB store', async () => () => store());

  it('round-trips account states, including a full 3000-sample balance history', async () => {
    // Prepare
    const start = Date.parse('2026-10-01T00:00:00Z');
    const balanceHistory: BalanceSample[] = Array.from({ length: 3000 }, (_, i) => ({
      at: new Date(start + i * 15 * 60_000).toISOString(),
      available: Math.round((100_000 - i * 33.37) * 100) / 100,
    }));
    const states = new Map([
      ['video-prod', { consecutiveFailures: 0, balanceHistory, lastCheckedAt: NOW.toISOString() }],
      ['other', { consecutiveFailures: 2, balanceHistory: [] }],
    ]);

    // Act
    await store().saveAccounts(states);
    await store().saveAccounts(new Map([['other', { consecutiveFailures: 3, balanceHistory: [{ at: NOW.toISOString(), available: 5 }] }]]));

    // Assess
    const view = await store().load(['video-prod', 'other']);
    expect(view.accounts.get('video-prod')).toEqual(states.get('video-prod'));
    expect(view.accounts.get('other')).toEqual({ consecutiveFailures: 3, balanceHistory: [{ at: NOW.toISOString(), available: 5 }] });
  });

  /** Counts the write and read units of every call the client sends from now on. */
  function countUnits() {
    const units = { read: 0, write: 0, writes: 0 };
    const name = `units-${Math.random()}`;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const consumed = [(result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[];
        const sum = consumed.reduce((total, c) => total + (c.CapacityUnits ?? 0), 0);
        if (context.commandName === 'QueryCommand') units.read += sum;
        else (units.write += sum), (units.writes += 1);
        return result;
      },
      { step: 'initialize', name },
    );
    return { units, stop: () => client.middlewareStack.remove(name) };
  }

  /** 40 days of hourly samples ending at `end`, falling 1.3 credits an hour (floating-point noise included). */
  function fortyDays(end: Date): BalanceSample[] {
    let available = 9_000;
    return Array.from({ length: 960 }, (_, i) => ({ at: new Date(end.getTime() - (960 - i) * 3_600_000).toISOString(), available: (available -= 1.3) }));
  }

  it('writes one unit per account per run in steady state, 40-day balance history included, and reads less than half of what the old layout read', async () => {
    // Prepare: a history saved over many runs, then a day of hourly runs that each add a sample and drop the oldest.
    let history = fortyDays(NOW);
    const lastGood = { at: NOW.toISOString(), figures: { balance: { available: 12.5, currency: 'credits' }, consumption: { period: '2026-11', used: 300.25, budget: 500, forecast: 700.5 }, runwayDays: 3.4 } };
    await store().saveAccounts(new Map([['px', { consecutiveFailures: 0, balanceHistory: history, lastCheckedAt: NOW.toISOString(), lastGood }]]));
    const counter = countUnits();
    const perRun: { read: number; write: number }[] = [];

    // Act
    for (let h = 1; h <= 24; h++) {
      const at = new Date(NOW.getTime() + h * 3_600_000);
      const states = store(at);
      const before = { ...counter.units };
      const loaded = (await states.load(['px'])).accounts.get('px')!;
      history = [...loaded.balanceHistory.slice(1), { at: at.toISOString(), available: history.at(-1)!.available - 1.3 }];
      await states.saveAccounts(new Map([['px', { ...loaded, balanceHistory: history, lastCheckedAt: at.toISOString() }]]));
      perRun.push({ read: counter.units.read - before.read, write: counter.units.write - before.write });
    }
    counter.stop();

    // Assess
    const loaded = (await store(new Date(NOW.getTime() + 24 * 3_600_000)).load(['px'])).accounts.get('px');
    expect(loaded?.balanceHistory).toEqual(history);
    expect(Math.max(...perRun.map((r) => r.write))).toBeLessThanOrEqual(2);
    expect(perRun.reduce((sum, r) => sum + r.write, 0) / perRun.length).toBeLessThan(1.2);
    // The old layout's item held ~38 KB of JSON (10 read units a load); the samples now take ~13 KB.
    expect(Math.max(...perRun.map((r) => r.read))).toBeLessThanOrEqual(4);
  });

  it('loads an item written before the history was split, and rewrites it in the new layout on the next save', async () => {
    // Prepare
    const old = { consecutiveFailures: 1, balanceHistory: fortyDays(NOW), lastCheckedAt: NOW.toISOString() };
    await client.send(new PutItemCommand({ TableName: tableName, Item: legacyAccountItem('px', old, NOW.getTime() / 1000 + 86_400) }));
    const states = store();

    // Act
    const loaded = (await states.load(['px'])).accounts.get('px');
    await states.saveAccounts(new Map([['px', { ...old, consecutiveFailures: 2 }]]));

    // Assess
    const { Items = [] } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'px' } } }));
    const account = Items.find((item) => item.sk?.S === 'account');
    expect(loaded).toEqual(old);
    expect(account?.balanceHistory).toBeUndefined();
    expect(account?.history?.S).toBeDefined();
    expect(Items.filter((item) => item.sk?.S?.startsWith('balance#')).length).toBeGreaterThan(5);
    expect((await store().load(['px'])).accounts.get('px')).toEqual({ ...old, consecutiveFailures: 2 });
  });

  it('writes nothing for an account whose state did not change (the same run twice)', async () => {
    // Prepare
    const state = { consecutiveFailures: 0, balanceHistory: fortyDays(NOW), lastCheckedAt: NOW.toISOString() };
    await store().saveAccounts(new Map([['px', state]]));
    const states = store();
    const loaded = (await states.load(['px'])).accounts.get('px')!;
    const counter = countUnits();

    // Act
    await states.saveAccounts(new Map([['px', loaded]]));
    counter.stop();

    // Assess
    expect(counter.units.writes).toBe(0);
  });

  it('lets a history chunk expire (TTL) when its newest sample is past the 40 days the check keeps', async () => {
    // Prepare
    const history = fortyDays(NOW);
    await store().saveAccounts(new Map([['px', { consecutiveFailures: 0, balanceHistory: history }]]));

    // Act
    const { Items = [] } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'px' } } }));
    const later = new Date(NOW.getTime() + 10 * 86_400_000);
    const loaded = (await store(later).load(['px'])).accounts.get('px');

    // Assess: what is left is every sample the check would still keep 10 days later.
    const chunk = Items.find((item) => item.sk?.S?.startsWith('balance#'))!;
    expect(Number(chunk.ttl?.N)).toBeGreaterThan(Date.parse(chunk.sk!.S!.slice('balance#'.length)) / 1000 + 40 * 86_400);
    const cutoff = new Date(later.getTime() - 40 * 86_400_000).toISOString();
    expect(loaded?.balanceHistory.filter((s) => s.at >= cutoff)).toEqual(history.filter((s) => s.at >= cutoff));
    expect(loaded!.balanceHistory.length).toBeLessThan(history.length);
  });

  it('reports a corrupt history chunk instead of ignoring it', async () => {
    await store().saveAccounts(new Map([['px', { consecutiveFailures: 0, balanceHistory: fortyDays(NOW) }]]));
    await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'px' }, sk: { S: 'balance#2026-11-01T00:00:00.000Z' }, samples: { S: 'b1:zz,!' } } }));

    const error = await store().load(['px']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toContain('balance#2026-11-01T00:00:00.000Z');
  });

  it('saves many accounts at once (more than one batch)', async () => {
    const states = new Map(Array.from({ length: 60 }, (_, i) => [`acct-${i}`, { consecutiveFailures: i, balanceHistory: [] }]));

    await store().saveAccounts(states);

    const view = await store().load([...states.keys()]);
    expect(view.accounts.size).toBe(60);
    expect(view.accounts.get('acct-59')?.consecutiveFailures).toBe(59);
  });

  it('loads only the accounts asked for, and hides records past their TTL', async () => {
    // Prepare
    const states = store();
    await states.claim(record(), undefined);
    await states.claim(record({ key: 'other/balance.low', account: 'other' }), undefined);
    await states.claim(record({ key: 'other/budget.actual:50/2026-09', account: 'other', kind: 'budget.actual', expiresAt: '2026-10-01T00:00:00Z' }), undefined);
    await states.saveAccounts(new Map([['video-prod', { consecutiveFailures: 1, balanceHistory: [] }]]));

    // Act
    const view = await states.load(['other']);

    // Assess
    expect([...view.alerts.keys()]).toEqual(['stdout#other/balance.low']);
    expect(view.accounts.size).toBe(0);
  });

  it('writes the TTL attribute in epoch seconds, and lets a new claim replace an expired record DynamoDB has not deleted yet', async () => {
    // Prepare
    const expired = record({ key: 'video-prod/budget.actual:50/2026-09', kind: 'budget.actual', expiresAt: '2026-10-01T00:00:00Z' });
    await store().claim(expired, undefined);

    // Act
    const reclaimed = await store().claim({ ...expired, expiresAt: '2026-12-01T00:00:00Z' }, undefined);

    // Assess
    const { Items } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'video-prod' } } }));
    expect(reclaimed).toBe(true);
    expect(Items?.[0]?.[STATE_TABLE_KEYS.ttlAttribute]).toEqual({ N: String(Date.parse('2026-12-01T00:00:00Z') / 1000) });
    expect(Items?.[0]?.sk).toEqual({ S: 'alert#stdout#video-prod/budget.actual:50/2026-09' });
  });

  it('lets account states expire 90 days after their last save, so removed accounts do not linger', async () => {
    // Prepare
    await store().saveAccounts(new Map([['gone', { consecutiveFailures: 0, balanceHistory: [] }]]));

    // Act
    const { Items } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'gone' } } }));
    const soon = await store(new Date(NOW.getTime() + 89 * 86_400_000)).load(['gone']);
    const later = await store(new Date(NOW.getTime() + 91 * 86_400_000)).load(['gone']);

    // Assess
    expect(Items?.[0]?.[STATE_TABLE_KEYS.ttlAttribute]).toEqual({ N: String(NOW.getTime() / 1000 + 90 * 86_400) });
    expect(soon.accounts.has('gone')).toBe(true);
    expect(later.accounts.has('gone')).toBe(false);
  });

  it('follows query pages past 1 MB', async () => {
    // Prepare: 12 records of ~100 KB each (padding the store ignores) exceed one 1 MB Query page.
    const padding = { S: 'x'.repeat(100_000) };
    for (let i = 0; i < 12; i++) {
      const key = `video-prod/k${String(i).padStart(2, '0')}`;
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: 'video-prod' },
            sk: { S: `alert#${key}` },
            key: { S: key },
            account: { S: 'video-prod' },
            kind: { S: 'balance.low' },
            status: { S: 'firing' },
            severity: { S: 'warning' },
            notifiedAt: { S: NOW.toISOString() },
            version: { N: '1' },
            padding,
          },
        }),
      );
    }
    const send = vi.spyOn(client, 'send');

    // Act
    const view = await store().load(['video-prod']);

    // Assess
    expect(view.alerts.size).toBe(12);
    expect(send.mock.calls.filter(([command]) => command instanceof QueryCommand).length).toBeGreaterThan(1);
    send.mockRestore();
  });

  it('reports a corrupt item instead of ignoring it', async () => {
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'video-prod' }, sk: { S: 'alert#video-prod/x' }, key: { S: 'video-prod/x' } } }),
    );

    const error = await store().load(['video-prod']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toContain(tableName);
    expect((error as Error).message).toContain('alert#video-prod/x');
  });
});

describe('createDynamoDbStore when DynamoDB throttles', () => {
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];

  beforeAll(async () => {
    // Answers every call as DynamoDB does when a table is over its capacity.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const target = String(req.headers['x-amz-target']);
        requests.push(target);
        // Reads over a table's capacity get the first; the control plane's request-rate limit the second.
        const type = target.endsWith('.Query') ? 'ProvisionedThroughputExceededException' : 'ThrottlingException';
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'test' });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'Rate of requests exceeds the allowed throughput.' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    requests.length = 0;
    vi.restoreAllMocks();
  });

  it('lets the SDK retry, then reports a StateError naming the table', async () => {
    // Prepare: the SDK's backoff is random × up to seconds per retry; a small "random" keeps the test fast.
    vi.spyOn(Math, 'random').mockReturnValue(0.01);
    const client = dynamoClient(endpoint);
    const states = createDynamoDbStore({ client, tableName: 'budget-alerts-state', now: () => NOW });

    // Act
    const loadError = await states.load(['video-prod']).catch((e: unknown) => e);
    const loadAttempts = requests.length;
    const claimError = await states.claim(record(), undefined).catch((e: unknown) => e);
    const maxAttempts = await client.config.maxAttempts(); // the SDK's default for DynamoDB (4 in this version)
    client.destroy();

    // Assess
    expect(maxAttempts).toBeGreaterThan(1);
    // load queries the account's partition and the silences' partition.
    expect(loadAttempts).toBe(2 * maxAttempts);
    expect(requests).toHaveLength(3 * maxAttempts);
    expect(requests.every((target) => target.endsWith('.Query') || target.endsWith('.PutItem'))).toBe(true);
    expect(loadError).toBeInstanceOf(StateError);
    expect((loadError as Error).message).toMatch(/Query on table budget-alerts-state .*partition (video-prod|#silences).*ProvisionedThroughputExceededException/);
    expect((loadError as Error).cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(claimError).toBeInstanceOf(StateError);
    expect((claimError as Error).message).toContain('table budget-alerts-state');
    expect((claimError as Error).message).toContain('video-prod / alert#stdout#video-prod/balance.low');
    expect((claimError as Error).message).toContain('ThrottlingException');
  });
});
