import type { AlertRecord, HeldAlert, HistoryEntry } from '../alerts/types.js';
import type { Silence } from '../alerts/silences.js';
import { addSilenceIn, appendedHistory, claimIn, confirmIn, heldId, historyOf, knownSilences, releaseIn, removeSilenceIn } from './record-map.js';
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
  const held = new Map<string, HeldAlert>();
  let history: HistoryEntry[] = [];
  return {
    alerts,
    accounts,
    async load(accountIds: readonly string[]): Promise<StateView> {
      const wanted = new Set(accountIds);
      return {
        alerts: new Map([...alerts].filter(([, record]) => wanted.has(record.account))),
        accounts: new Map([...accounts].filter(([id]) => wanted.has(id))),
        silences: knownSilences(silences, now()),
        held: [...held.values()].filter((h) => wanted.has(h.account)),
      };
    },
    async hold(items) {
      for (const item of items) held.set(heldId(item), item);
    },
    async dropHeld(items) {
      for (const item of items) held.delete(heldId(item));
    },
    async appendHistory(entries) {
      history = appendedHistory(history, entries, now());
    },
    loadHistory: async (accountIds, from) => historyOf(history, accountIds, from),
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
