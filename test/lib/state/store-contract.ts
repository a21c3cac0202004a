import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../lib/alerts/types.js';
import type { AlertStateStore } from '../../../lib/state/types.js';

export const NOW = new Date('2026-11-10T12:00:00Z');

/** An alert record with test defaults. */
export function record(overrides: Partial<AlertRecord> = {}): AlertRecord {
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

/**
 * What every AlertStateStore must do, whatever it stores in: the claim-before-publish semantics the
 * check relies on. `fresh` returns a factory for an empty store (a new file, a new table).
 */
export function describeStoreContract(name: string, fresh: () => Promise<() => AlertStateStore>): void {
  describe(`${name}: the AlertStateStore contract`, () => {
    let makeStore: () => AlertStateStore;
    beforeEach(async () => {
      makeStore = await fresh();
    });

    it('starts empty', async () => {
      const view = await makeStore().load(['video-prod']);
      expect(view.alerts.size).toBe(0);
      expect(view.accounts.size).toBe(0);
    });

    it('claims only against the version it planned from', async () => {
      // Prepare
      const states = makeStore();
      const first = record({ once: '2026-11', expiresAt: '2026-12-01T00:00:00Z' });

      // Act
      const won = await states.claim(first, undefined);
      const lost = await states.claim(record({ version: 1 }), undefined); // another run that also saw no record
      const stale = await states.claim(record({ version: 5 }), record({ version: 4 })); // planned from an older version
      const next = await states.claim(record({ status: 'resolved', version: 2 }), first);

      // Assess
      expect([won, lost, stale, next]).toEqual([true, false, false, true]);
      expect((await states.load(['video-prod'])).alerts.get(first.key)).toEqual(record({ status: 'resolved', version: 2 }));
    });

    it('round-trips every field of a record', async () => {
      const full = record({ once: '2026-11', expiresAt: '2026-12-01T00:00:00.000Z', pendingUntil: '2026-11-10T12:10:00.000Z', version: 7 });

      await makeStore().claim(full, undefined);

      expect((await makeStore().load(['video-prod'])).alerts.get(full.key)).toEqual(full);
    });

    it('releases a claim back to the prior record, or removes it when there was none', async () => {
      // Prepare
      const states = makeStore();
      const prior = record({ status: 'resolved', version: 3 });
      await states.claim(prior, undefined);
      const claimed = record({ version: 4, pendingUntil: NOW.toISOString() });
      await states.claim(claimed, prior);
      const other = record({ key: 'video-prod/balance.runway', version: 1 });
      await states.claim(other, undefined);

      // Act
      await states.release(claimed, prior);
      await states.release(other, undefined);

      // Assess
      const alerts = (await states.load(['video-prod'])).alerts;
      expect(alerts.get(prior.key)).toMatchObject({ status: 'resolved', version: 5 });
      expect(alerts.get(prior.key)?.pendingUntil).toBeUndefined();
      expect(alerts.has(other.key)).toBe(false);
    });

    it('leaves a record alone when releasing or confirming a claim that is no longer ours', async () => {
      // Prepare: our claim (v1) was overtaken by another run's (v2).
      const states = makeStore();
      const ours = record({ pendingUntil: '2026-11-10T12:10:00Z' });
      await states.claim(ours, undefined);
      const theirs = record({ version: 2, status: 'resolved', pendingUntil: '2026-11-10T12:20:00Z' });
      await states.claim(theirs, ours);

      // Act
      await states.confirm(ours);
      await states.release(ours, undefined);

      // Assess
      expect((await states.load(['video-prod'])).alerts.get(ours.key)).toEqual(theirs);
    });

    it('confirms a claim by clearing its pending mark and bumping the version', async () => {
      const states = makeStore();
      const claimed = record({ pendingUntil: '2026-11-10T12:10:00Z' });
      await states.claim(claimed, undefined);

      await states.confirm(claimed);

      const stored = (await states.load(['video-prod'])).alerts.get(claimed.key);
      expect(stored?.pendingUntil).toBeUndefined();
      expect(stored?.version).toBe(2);
    });
  });
}
