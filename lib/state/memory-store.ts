import type { AlertRecord } from '../alerts/types.js';
import { claimIn, confirmIn, releaseIn } from './record-map.js';
import type { AccountState, AlertStateStore, StateView } from './types.js';

/**
 * An AlertStateStore in memory, with the same claim semantics as the real stores (conditional writes
 * on the version). Benchmarks use it so their figures measure the check, not a state backend; the
 * property tests wrap it in fault injectors.
 */
export function createMemoryStore(): AlertStateStore & {
  readonly alerts: ReadonlyMap<string, AlertRecord>;
  readonly accounts: ReadonlyMap<string, AccountState>;
} {
  const alerts = new Map<string, AlertRecord>();
  const accounts = new Map<string, AccountState>();
  return {
    alerts,
    accounts,
    async load(accountIds: readonly string[]): Promise<StateView> {
      const wanted = new Set(accountIds);
      return {
        alerts: new Map([...alerts].filter(([, record]) => wanted.has(record.account))),
        accounts: new Map([...accounts].filter(([id]) => wanted.has(id))),
      };
    },
    claim: async (next, prior) => claimIn(alerts, next, prior),
    confirm: async (claimed) => void confirmIn(alerts, claimed),
    release: async (claimed, prior) => void releaseIn(alerts, claimed, prior),
    async saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void> {
      for (const [id, state] of states) accounts.set(id, state);
    },
  };
}
