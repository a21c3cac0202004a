import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendBalanceSample } from '../../../lib/budget/balance-history.js';
import { accountWrites, itemBytes, NOTHING_STORED, readAccount, type StoredAccount } from '../../../lib/state/dynamodb-accounts.js';
import { planHistory } from '../../../lib/state/history-layout.js';
import { BALANCE_HISTORY_RETENTION_DAYS, type AccountState, type BalanceSample } from '../../../lib/state/types.js';
import { legacyAccountItem } from '../../helpers/legacy-state.js';

type Item = Record<string, AttributeValue>;
const HOUR = 3_600_000;
const START = Date.parse('2026-10-01T00:00:00Z');
const where = (item: Item) => () => `test (${item.sk?.S})`;
const unitsOf = (item: Item) => Math.ceil(itemBytes(item) / 1024);

/** One account's partition in memory: what the DynamoDB store's writes leave, and what its load reads (expired items hidden). */
function partition() {
  const items = new Map<string, Item>();
  const written: { sk: string; units: number; deleted?: true }[] = [];
  return {
    items,
    written,
    apply(requests: readonly WriteRequest[]) {
      for (const r of requests) {
        if (r.PutRequest) {
          items.set(r.PutRequest.Item!.sk!.S!, r.PutRequest.Item!);
          written.push({ sk: r.PutRequest.Item!.sk!.S!, units: unitsOf(r.PutRequest.Item!) });
        } else if (r.DeleteRequest) {
          written.push({ sk: r.DeleteRequest.Key!.sk!.S!, units: unitsOf(items.get(r.DeleteRequest.Key!.sk!.S!) ?? {}) || 1, deleted: true });
          items.delete(r.DeleteRequest.Key!.sk!.S!);
        }
      }
    },
    load(now: number) {
      return readAccount([...items.values()].filter((i) => i.ttl === undefined || Number(i.ttl.N) >= now / 1000), where);
    },
  };
}

/** Saves `state` as the store does (chunks, then the account item, then drops) and returns what is stored after. */
function save(table: ReturnType<typeof partition>, state: AccountState, stored: StoredAccount, now: number): StoredAccount {
  const writes = accountWrites('acct', state, stored, Math.ceil(now / 1000) + 90 * 86_400);
  table.apply(writes.chunks);
  table.apply(writes.account);
  table.apply(writes.drops);
  return writes.stored;
}

/** A run of the check on a balance-only account: the stored history plus today's sample, pruned and thinned as the check does. */
function run(history: readonly BalanceSample[], now: number, available: number): AccountState {
  const next = appendBalanceSample(
    history.map((s) => ({ at: new Date(s.at), available: s.available })),
    { at: new Date(now), available },
    new Date(now),
    BALANCE_HISTORY_RETENTION_DAYS,
  );
  const at = new Date(now).toISOString();
  return { consecutiveFailures: 0, balanceHistory: next.map((s) => ({ at: s.at.toISOString(), available: s.available })), lastCheckedAt: at };
}

describe('the DynamoDB layout of an account state', () => {
  it('writes one unit a run in steady state, seals each chunk once, and loads what it saved (60 days of hourly runs)', () => {
    // Prepare
    const table = partition();
    let balance = 50_000;
    const perRun: number[] = [];

    // Act
    for (let h = 0; h < 60 * 24; h++) {
      const now = START + h * HOUR;
      const loaded = table.load(now);
      const before = table.written.length;
      const state = run(loaded.state?.balanceHistory ?? [], now, (balance -= 1.3));
      save(table, state, loaded.stored, now);
      perRun.push(table.written.slice(before).reduce((sum, w) => sum + w.units, 0));
      // Assess (twice a day)
      if (h % 12 === 0) expect(table.load(now).state).toEqual(state);
    }

    // Assess: chunks past the retention expire (TTL), none is deleted or written twice.
    const chunkWrites = table.written.filter((w) => w.sk.startsWith('balance#')).map((w) => w.sk);
    const steady = perRun.slice(40 * 24);
    expect(new Set(chunkWrites).size).toBe(chunkWrites.length);
    expect(table.written.some((w) => w.deleted)).toBe(false);
    expect(table.written.filter((w) => w.sk === 'account').every((w) => w.units === 1)).toBe(true);
    expect(steady.reduce((a, b) => a + b, 0) / steady.length).toBeLessThan(1.05);
    expect(Math.max(...steady)).toBeLessThanOrEqual(2);
  });

  it('never rewrites a sealed chunk while the check keeps its samples, whatever the balances do (property)', () => {
    // Unchanged balances (thinned by the check), top-ups, drops and failed runs (no sample), in any order.
    const step = fc.oneof(fc.constant<number | undefined>(0), fc.constant<number | undefined>(undefined), fc.integer({ min: -500, max: 50 }).map((n) => n / 10));
    fc.assert(
      fc.property(fc.array(step, { minLength: 50, maxLength: 400 }), fc.integer({ min: 1, max: 6 }), (steps, everyHours) => {
        const table = partition();
        let balance = 1_000;
        steps.forEach((change, i) => {
          const now = START + i * everyHours * HOUR;
          const loaded = table.load(now);
          const prior = loaded.state ?? { consecutiveFailures: 0, balanceHistory: [] };
          const state = change === undefined ? { ...prior, consecutiveFailures: prior.consecutiveFailures + 1 } : run(prior.balanceHistory, now, (balance += change));
          save(table, state, loaded.stored, now);
          expect(table.load(now).state).toEqual(state);
        });
        const chunkWrites = table.written.filter((w) => w.sk.startsWith('balance#')).map((w) => w.sk);
        expect(new Set(chunkWrites).size).toBe(chunkWrites.length);
      }),
      { numRuns: 40 },
    );
  });

  it('loads an item written before the history was split, and moves its history into chunks on the next save', () => {
    // Prepare
    const table = partition();
    const now = START + 40 * 24 * HOUR;
    let balance = 9_000;
    const history = Array.from({ length: 960 }, (_, i) => ({ at: new Date(now - (960 - i) * HOUR).toISOString(), available: (balance -= 1.3) }));
    const old: AccountState = { consecutiveFailures: 1, balanceHistory: history, lastCheckedAt: history.at(-1)!.at };
    table.items.set('account', legacyAccountItem('acct', old, now / 1000 + 86_400));

    // Act
    const loaded = table.load(now);
    const next = run(loaded.state!.balanceHistory, now, balance - 1.3);
    save(table, next, loaded.stored, now);

    // Assess
    expect(loaded.state).toEqual(old);
    expect(table.items.get('account')?.balanceHistory).toBeUndefined();
    expect(unitsOf(table.items.get('account')!)).toBe(1);
    expect([...table.items.keys()].filter((sk) => sk.startsWith('balance#')).length).toBeGreaterThan(5);
    expect(table.load(now).state).toEqual(next);
  });

  it('replaces the history saved over it: a sample that changed drops its chunk, and what was removed never comes back', () => {
    // Prepare: three sealed chunks' worth of samples.
    const table = partition();
    const now = START + 10 * 24 * HOUR;
    const history = Array.from({ length: 300 }, (_, i) => ({ at: new Date(START + i * HOUR).toISOString(), available: 5_000 - i }));
    const first = save(table, { consecutiveFailures: 0, balanceHistory: history }, NOTHING_STORED, now);
    const rewritten = history.map((s, i) => (i === 150 ? { ...s, available: 1 } : s)).slice(0, 280);

    // Act
    save(table, { consecutiveFailures: 0, balanceHistory: rewritten }, first, now);
    const afterRewrite = table.load(now).state;
    save(table, { consecutiveFailures: 0, balanceHistory: [] }, table.load(now).stored, now);

    // Assess
    expect(afterRewrite?.balanceHistory).toEqual(rewritten);
    expect(table.load(now).state).toEqual({ consecutiveFailures: 0, balanceHistory: [] });
    expect([...table.items.keys()]).toEqual(['account']);
  });
});

describe('planHistory', () => {
  const limits = { tailFits: (text: string) => text.length <= 200, chunkBytes: 500 };
  const samples = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => ({ at: new Date(START + (from + i) * HOUR).toISOString(), available: 100 - from - i }));

  it('keeps the newest samples in the account item while they fit, and seals all but the newest when they do not', () => {
    const fits = planHistory(samples(5), [], limits);
    const sealed = planHistory(samples(60), [], limits);

    expect(fits).toMatchObject({ tail: samples(5), put: [], drop: [] });
    expect(sealed.tail).toEqual(samples(60).slice(-1));
    expect(sealed.put.flatMap((c) => c.samples)).toEqual(samples(59));
    expect(sealed.put.every((c) => c.text.length <= limits.chunkBytes)).toBe(true);
  });

  it('keeps chunks whose samples were pruned from the front, and drops chunks wholly before the history', () => {
    // Prepare
    const sealed = planHistory(samples(60), [], limits).put;
    const pruned = samples(60).slice(sealed[0]!.samples.length + 2);

    // Act
    const plan = planHistory(pruned, sealed, limits);

    // Assess
    expect(plan.put).toEqual([]);
    expect(plan.drop).toEqual([sealed[0]!.id]);
    expect(plan.from).toBe(pruned[0]!.at);
  });

  it('keeps a history out of order as it is, all in the account item, dropping every chunk', () => {
    const shuffled = [...samples(3)].reverse();

    const plan = planHistory(shuffled, [{ id: 'x', samples: samples(2) }], limits);

    expect(plan).toEqual({ tail: shuffled, put: [], drop: ['x'] });
  });
});
