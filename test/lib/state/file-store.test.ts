import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../lib/alerts/types.js';
import { StateError } from '../../../lib/errors.js';
import { createFileStore } from '../../../lib/state/file-store.js';

const NOW = new Date('2026-11-10T12:00:00Z');

function record(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    key: 'video-prod/balance.low',
    account: 'video-prod',
    kind: 'balance.low',
    status: 'firing',
    severity: 'warning',
    notifiedAt: NOW.toISOString(),
    version: 1,
    ...overrides,
  };
}

describe('createFileStore', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-test-'));
    path = join(dir, 'nested', 'state.json');
  });

  it('starts empty when the file does not exist', async () => {
    const view = await createFileStore(path, { now: () => NOW }).load(['video-prod']);
    expect(view.alerts.size).toBe(0);
    expect(view.accounts.size).toBe(0);
  });

  it('claims only against the version it planned from', async () => {
    // Prepare
    const store = createFileStore(path, { now: () => NOW });
    const first = record();

    // Act
    const won = await store.claim(first, undefined);
    const lost = await store.claim(record({ version: 1 }), undefined); // another run that also saw no record
    const next = await store.claim(record({ status: 'resolved', version: 2 }), first);

    // Assess
    expect([won, lost, next]).toEqual([true, false, true]);
    expect((await store.load(['video-prod'])).alerts.get(first.key)?.status).toBe('resolved');
  });

  it('releases a claim back to the prior record, or removes it when there was none', async () => {
    // Prepare
    const store = createFileStore(path, { now: () => NOW });
    const prior = record({ status: 'resolved', version: 3 });
    await store.claim(prior, undefined);
    const claimed = record({ version: 4, pendingUntil: NOW.toISOString() });
    await store.claim(claimed, prior);
    const other = record({ key: 'video-prod/balance.runway', version: 1 });
    await store.claim(other, undefined);

    // Act
    await store.release(claimed, prior);
    await store.release(other, undefined);

    // Assess
    const alerts = (await store.load(['video-prod'])).alerts;
    expect(alerts.get(prior.key)).toMatchObject({ status: 'resolved', version: 5 });
    expect(alerts.get(prior.key)?.pendingUntil).toBeUndefined();
    expect(alerts.has(other.key)).toBe(false);
  });

  it('confirms a claim by clearing its pending mark and bumping the version', async () => {
    const store = createFileStore(path, { now: () => NOW });
    const claimed = record({ pendingUntil: '2026-11-10T12:10:00Z' });
    await store.claim(claimed, undefined);

    await store.confirm(claimed);

    const stored = (await store.load(['video-prod'])).alerts.get(claimed.key);
    expect(stored?.pendingUntil).toBeUndefined();
    expect(stored?.version).toBe(2);
  });

  it('keeps account states and drops expired alert records on write', async () => {
    const store = createFileStore(path, { now: () => NOW });
    await store.claim(record({ key: 'video-prod/budget.actual:50/2026-08', expiresAt: '2026-10-01T00:00:00Z' }), undefined);
    await store.saveAccounts(
      new Map([['video-prod', { consecutiveFailures: 2, balanceHistory: [{ at: NOW.toISOString(), available: 5 }] }]]),
    );

    const view = await store.load(['video-prod']);

    expect(view.alerts.size).toBe(0);
    expect(view.accounts.get('video-prod')).toMatchObject({ consecutiveFailures: 2, balanceHistory: [{ available: 5 }] });
  });

  it('loads only the accounts asked for', async () => {
    const store = createFileStore(path, { now: () => NOW });
    await store.claim(record(), undefined);
    await store.claim(record({ key: 'other/balance.low', account: 'other' }), undefined);

    const view = await store.load(['other']);

    expect([...view.alerts.keys()]).toEqual(['other/balance.low']);
  });

  it('reports a corrupt file instead of resetting it, and leaves it untouched', async () => {
    // Prepare
    await writeFile(join(dir, 'state.json'), '{"version":1,"alerts":{');
    const store = createFileStore(join(dir, 'state.json'), { now: () => NOW });

    // Act / Assess
    await expect(store.load(['video-prod'])).rejects.toThrow(StateError);
    await expect(store.claim(record(), undefined)).rejects.toThrow(/corrupt/);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe('{"version":1,"alerts":{');
  });

  it('reports a file of the wrong shape, naming where', async () => {
    await writeFile(join(dir, 'state.json'), JSON.stringify({ version: 1, alerts: { k: { key: 'k' } }, accounts: {} }));
    await expect(createFileStore(join(dir, 'state.json'), { now: () => NOW }).load([])).rejects.toThrow(/corrupt at alerts\.k\./);
  });

  it('serialises concurrent writers: every claim of distinct keys lands, no temp files remain', async () => {
    const store = createFileStore(path, { now: () => NOW });
    const keys = Array.from({ length: 20 }, (_, i) => `video-prod/k${i}`);

    const results = await Promise.all(keys.map((key) => store.claim(record({ key }), undefined)));

    expect(results.every(Boolean)).toBe(true);
    expect((await store.load(['video-prod'])).alerts.size).toBe(20);
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual(['state.json']);
  });
});
