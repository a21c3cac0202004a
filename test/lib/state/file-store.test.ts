import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { StateError } from '../../../lib/errors.js';
import { createFileStore } from '../../../lib/state/file-store.js';
import { describeStoreContract, NOW, record } from './store-contract.js';
import { tempDir } from '../../helpers/temp-dir.js';

describeStoreContract('the JSON-file store', async () => {
  const path = join(await tempDir('state-contract-'), 'state.json');
  return () => createFileStore(path, { now: () => NOW });
});

describe('createFileStore', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir('state-test-');
    path = join(dir, 'nested', 'state.json');
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

  it('drops account states not checked for 90 days, so removed accounts do not linger', async () => {
    // Prepare
    const old = new Date(NOW.getTime() - 91 * 86_400_000).toISOString();
    const recent = new Date(NOW.getTime() - 89 * 86_400_000).toISOString();
    const store = createFileStore(path, { now: () => NOW });

    // Act
    await store.saveAccounts(
      new Map([
        ['gone', { consecutiveFailures: 0, balanceHistory: [], lastCheckedAt: old }],
        ['idle', { consecutiveFailures: 0, balanceHistory: [], lastCheckedAt: recent }],
      ]),
    );

    // Assess
    expect([...(await store.load(['gone', 'idle'])).accounts.keys()]).toEqual(['idle']);
  });

  it('loads only the accounts asked for', async () => {
    const store = createFileStore(path, { now: () => NOW });
    await store.claim(record(), undefined);
    await store.claim(record({ key: 'other/balance.low', account: 'other' }), undefined);

    const view = await store.load(['other']);

    expect([...view.alerts.keys()]).toEqual(['stdout#other/balance.low']);
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
