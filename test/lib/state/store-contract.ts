import { beforeEach, describe, expect, it } from 'vitest';
import { recordId } from '../../../lib/alerts/records.js';
import type { AlertRecord } from '../../../lib/alerts/types.js';
import type { AlertStateStore } from '../../../lib/state/types.js';

export const NOW = new Date('2026-11-10T12:00:00Z');

/** A notification with test defaults. */
export function notification(status: 'firing' | 'resolved' = 'firing', at = NOW.toISOString()) {
  return { status, severity: 'warning' as const, at };
}

/** An alert record (confirmed firing, to the terminal) with test defaults. */
export function record(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    key: 'video-prod/balance.low',
    target: 'stdout',
    account: 'video-prod',
    kind: 'balance.low',
    notified: notification(),
    version: 1,
    ...overrides,
  };
}

/** The record with a claim pending until `until`. */
export function claimed(base: AlertRecord, status: 'firing' | 'resolved', until: string): AlertRecord {
  return { ...base, pending: { ...notification(status), until } };
}

const idOf = (r: AlertRecord) => recordId(r.target, r.key);

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
      const next = await states.claim(record({ notified: notification('resolved'), version: 2 }), first);

      // Assess
      expect([won, lost, stale, next]).toEqual([true, false, false, true]);
      expect((await states.load(['video-prod'])).alerts.get(idOf(first))).toEqual(record({ notified: notification('resolved'), version: 2 }));
    });

    it('round-trips every field of a record', async () => {
      const full = claimed(record({ once: '2026-11', expiresAt: '2026-12-01T00:00:00.000Z', version: 7 }), 'resolved', '2026-11-10T12:10:00.000Z');

      await makeStore().claim(full, undefined);

      expect((await makeStore().load(['video-prod'])).alerts.get(idOf(full))).toEqual(full);
    });

    it('releases a claim back to the prior record, or removes it when there was none', async () => {
      // Prepare
      const states = makeStore();
      const prior = record({ notified: notification('resolved'), version: 3 });
      await states.claim(prior, undefined);
      const claim = claimed({ ...prior, version: 4 }, 'firing', NOW.toISOString());
      await states.claim(claim, prior);
      const other = claimed(record({ key: 'video-prod/balance.runway', notified: undefined }), 'firing', NOW.toISOString());
      await states.claim(other, undefined);

      // Act
      await states.release(claim, prior);
      await states.release(other, undefined);

      // Assess
      const alerts = (await states.load(['video-prod'])).alerts;
      expect(alerts.get(idOf(prior))).toMatchObject({ notified: { status: 'resolved' }, version: 5 });
      expect(alerts.get(idOf(prior))?.pending).toBeUndefined();
      expect(alerts.has(idOf(other))).toBe(false);
    });

    it('leaves a record alone when releasing or confirming a claim that is no longer ours', async () => {
      // Prepare: our claim (v1) was overtaken by another run's (v2).
      const states = makeStore();
      const ours = claimed(record(), 'resolved', '2026-11-10T12:10:00Z');
      await states.claim(ours, undefined);
      const theirs = claimed(record({ version: 2 }), 'resolved', '2026-11-10T12:20:00Z');
      await states.claim(theirs, ours);

      // Act
      await states.confirm(ours);
      await states.release(ours, undefined);

      // Assess
      expect((await states.load(['video-prod'])).alerts.get(idOf(ours))).toEqual(theirs);
    });

    it('confirms a claim: the pending notification becomes the notified one, and the version moves on', async () => {
      const states = makeStore();
      const claim = claimed(record(), 'resolved', '2026-11-10T12:10:00Z');
      await states.claim(claim, undefined);

      await states.confirm(claim);

      const stored = (await states.load(['video-prod'])).alerts.get(idOf(claim));
      expect(stored?.pending).toBeUndefined();
      expect(stored?.notified).toEqual(notification('resolved'));
      expect(stored?.version).toBe(2);
    });

    it('keeps what was confirmed beside a claim, so a lapsed claim loses nothing', async () => {
      // Prepare: firing confirmed; a claim of the resolution is written and never confirmed.
      const states = makeStore();
      const confirmed = record({ version: 2 });
      await states.claim(confirmed, undefined);

      // Act
      await states.claim(claimed({ ...confirmed, version: 3 }, 'resolved', '2026-11-10T12:10:00Z'), confirmed);

      // Assess
      const stored = (await makeStore().load(['video-prod'])).alerts.get(idOf(confirmed));
      expect(stored).toMatchObject({ notified: { status: 'firing' }, pending: { status: 'resolved' }, version: 3 });
    });

    it('keeps silences: adds once per id, removes as a tombstone, forgets after expiry', async () => {
      // Prepare
      const states = makeStore();
      const silence = { id: 's1', matcher: 'video-prod/*', startsAt: NOW.toISOString(), endsAt: '2026-11-11T12:00:00.000Z', expiresAt: '2026-11-11T12:00:00.000Z', reason: 'batch' };

      // Act
      const added = [await states.addSilence(silence), await states.addSilence({ ...silence, matcher: 'other/*' })];
      const removed = await states.removeSilence('s1', new Date('2026-11-10T13:00:00Z'));
      const unknown = await states.removeSilence('nope', NOW);

      // Assess
      expect(added).toEqual([true, false]);
      expect(removed).toEqual({ ...silence, removedAt: '2026-11-10T13:00:00.000Z' });
      expect(unknown).toBeUndefined();
      expect(await makeStore().listSilences()).toEqual([removed]);
      expect((await makeStore().load(['video-prod'])).silences).toEqual([removed]);
    });

    it('keeps alerts held by quiet hours per target and key, and forgets them when dropped', async () => {
      // Prepare
      const states = makeStore();
      const alert = { key: 'video-prod/balance.low', account: 'video-prod', provider: 'pictory' as const, kind: 'balance.low' as const, severity: 'warning' as const, status: 'firing' as const, threshold: 100, at: NOW.toISOString(), facts: { available: 90 } };
      const held = { target: 'email:a@example.com', key: alert.key, account: 'video-prod', heldAt: NOW.toISOString(), alert };

      // Act
      await states.hold([held, { ...held, target: 'slack:T1/C1' }]);
      await states.dropHeld([{ target: 'slack:T1/C1', key: alert.key, account: 'video-prod' }]);

      // Assess
      expect((await makeStore().load(['video-prod'])).held).toEqual([held]);
      expect((await makeStore().load(['other'])).held).toEqual([]);
    });

    it('remembers sent alerts for the digest, by account and since an instant', async () => {
      // Prepare
      const states = makeStore();
      const entry = (at: string, account: string) => ({ at, key: `${account}/balance.low`, account, kind: 'balance.low' as const, severity: 'warning' as const, status: 'firing' as const, title: `${account}: low`, targets: ['stdout'] });

      // Act
      await states.appendHistory([entry('2026-11-09T00:00:00.000Z', 'video-prod'), entry('2026-11-10T00:00:00.000Z', 'video-prod'), entry('2026-11-10T01:00:00.000Z', 'other')]);

      // Assess
      expect(await makeStore().loadHistory(['video-prod'], new Date('2026-11-09T12:00:00Z'))).toEqual([entry('2026-11-10T00:00:00.000Z', 'video-prod')]);
    });

    it('keeps an account state as runs append balance samples and prune old ones, and lets a save replace it', async () => {
      // Prepare: 300 hourly samples, a run adding 10 and dropping the 10 oldest, as the check's retention does.
      const hour = 3_600_000;
      const sample = (i: number) => ({ at: new Date(NOW.getTime() - (300 - i) * hour).toISOString(), available: Math.round((5_000 - i * 1.37) * 100) / 100 });
      const state = (first: number, count: number, failures: number) => ({
        consecutiveFailures: failures,
        balanceHistory: Array.from({ length: count }, (_, i) => sample(first + i)),
        lastCheckedAt: sample(first + count - 1).at,
      });
      const states = makeStore();
      const seen = [];

      // Act
      for (let run = 0; run < 4; run++) {
        await states.load(['video-prod']); // as a check does before it saves
        await states.saveAccounts(new Map([['video-prod', state(run * 10, 300, run)]]));
        seen.push((await makeStore().load(['video-prod'])).accounts.get('video-prod'));
      }
      await makeStore().saveAccounts(new Map([['video-prod', state(400, 2, 0)]]));

      // Assess
      expect(seen).toEqual([0, 1, 2, 3].map((run) => state(run * 10, 300, run)));
      expect((await makeStore().load(['video-prod'])).accounts.get('video-prod')).toEqual(state(400, 2, 0));
    });

    it('keeps one record per alert and target: a claim for one target never blocks or overwrites another', async () => {
      // Prepare
      const states = makeStore();
      const warning = record({ target: 'topic:warning' });
      const critical = record({ target: 'topic:critical', notified: notification('resolved') });

      // Act
      const both = [await states.claim(warning, undefined), await states.claim(critical, undefined)];

      // Assess
      const alerts = (await makeStore().load(['video-prod'])).alerts;
      expect(both).toEqual([true, true]);
      expect(alerts.get(idOf(warning))).toEqual(warning);
      expect(alerts.get(idOf(critical))).toEqual(critical);
    });
  });
}
