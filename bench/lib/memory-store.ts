import type { AlertRecord } from '../../lib/alerts/types.js';
import type { AlertPublisher } from '../../lib/delivery/types.js';
import type { AccountState, AlertStateStore, StateView } from '../../lib/state/types.js';

/**
 * An AlertStateStore in memory, with the same claim semantics as the real stores (a conditional write
 * on the version). The benchmarks use it so their figures measure the check, not a state backend.
 */
export function createMemoryStore(): AlertStateStore & { readonly alerts: ReadonlyMap<string, AlertRecord> } {
  const alerts = new Map<string, AlertRecord>();
  const accounts = new Map<string, AccountState>();
  return {
    alerts,
    async load(accountIds: readonly string[]): Promise<StateView> {
      const wanted = new Set(accountIds);
      return {
        alerts: new Map([...alerts].filter(([, record]) => wanted.has(record.account))),
        accounts: new Map([...accounts].filter(([id]) => wanted.has(id))),
      };
    },
    async claim(next: AlertRecord, prior: AlertRecord | undefined): Promise<boolean> {
      const stored = alerts.get(next.key);
      if ((stored?.version ?? undefined) !== (prior?.version ?? undefined)) return false;
      alerts.set(next.key, next);
      return true;
    },
    async confirm(claimed: AlertRecord): Promise<void> {
      const stored = alerts.get(claimed.key);
      if (stored?.version !== claimed.version) return;
      const { pendingUntil: _pending, ...rest } = stored;
      alerts.set(claimed.key, { ...rest, version: claimed.version + 1 });
    },
    async release(claimed: AlertRecord, prior: AlertRecord | undefined): Promise<void> {
      if (alerts.get(claimed.key)?.version !== claimed.version) return;
      if (prior === undefined) alerts.delete(claimed.key);
      else alerts.set(claimed.key, { ...prior, version: claimed.version + 1 });
    },
    async saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void> {
      for (const [id, state] of states) accounts.set(id, state);
    },
  };
}

/** A publisher that sends nothing and never fails. */
export function createNoopPublisher(): AlertPublisher & { readonly count: () => number } {
  let published = 0;
  return {
    count: () => published,
    async publish(): Promise<void> {
      published += 1;
    },
  };
}
