import type { AlertRecord } from '../alerts/types.js';
import type { Silence } from '../alerts/silences.js';
import { addSilenceIn, claimIn, confirmIn, knownSilences, releaseIn, removeSilenceIn } from './record-map.js';
import type { AccountState, AlertStateStore, StateView } from './types.js';

/**
 * An AlertStateStore in memory, with the same claim semantics as the real stores (conditional writes
 * on the version). Benchmarks use it so their figures measure the check, not a state backend; the
 * property tests wrap it in fault injectors.
 */
export function createMemoryStore(now: () => Date = () => new Date(0)): AlertStateStore & {
  readonly alerts: ReadonlyMap<string, AlertRecord>;
  readonly accounts: ReadonlyMap<string, AccountState>;
} {
  const alerts = new Map<string, AlertRecord>();
  const accounts = new Map<string, AccountState>();
  const silences = new Map<string, Silence>();
  return {
    alerts,
    accounts,
    async load(accountIds: readonly string[]): Promise<StateView> {
      const wanted = new Set(accountIds);
      return {
        alerts: new Map([...alerts].filter(([, record]) => wanted.has(record.account))),
        accounts: new Map([...accounts].filter(([id]) => wanted.has(id))),
        silences: knownSilences(silences, now()),
      };
    },
    listSilences: async () => knownSilences(silences, now()),
    addSilence: async (silence) => addSilenceIn(silences, silence),
    removeSilence: async (id, at) => removeSilenceIn(silences, id, at),
    claim: async (next, prior) => claimIn(alerts, next, prior),
    confirm: async (claimed) => void confirmIn(alerts, claimed),
    release: async (claimed, prior) => void releaseIn(alerts, claimed, prior),
    async saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void> {
      for (const [id, state] of states) accounts.set(id, state);
    },
  };
}
