import type { AlertStateStore } from '../../lib/state/types.js';

/** Every method of the store interface (a missing one fails the typecheck). */
const METHODS: Record<keyof AlertStateStore, true> = {
  load: true,
  claim: true,
  confirm: true,
  release: true,
  saveAccounts: true,
  hold: true,
  dropHeld: true,
  appendHistory: true,
  loadHistory: true,
  listSilences: true,
  addSilence: true,
  removeSilence: true,
};

/**
 * The store with some methods replaced and the rest calling the store's own. Stores keep their methods on
 * their prototype (a class), so spreading one into a new object would lose them.
 */
export function storeWith(store: AlertStateStore, overrides: Partial<AlertStateStore>): AlertStateStore {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(METHODS) as (keyof AlertStateStore)[]) {
    out[name] = overrides[name] ?? (store[name] as (...args: never[]) => unknown).bind(store);
  }
  return out as unknown as AlertStateStore;
}
