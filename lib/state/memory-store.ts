import type { AlertRecord, HeldAlert, HistoryEntry } from '../alerts/types.js';
import type { Silence } from '../alerts/silences.js';
import { addSilenceIn, appendedHistory, claimIn, confirmIn, heldId, historyOf, knownSilences, releaseIn, removeSilenceIn } from './record-map.js';
import type { AccountState, AlertStateStore, StateView } from './types.js';

/**
 * An AlertStateStore in memory, with the same claim semantics as the real stores (conditional writes
 * on the version). Benchmarks use it so their figures measure the check, not a state backend; the
 * property tests wrap it in fault injectors. Its methods live on the prototype, shared by every store: a
 * check's optimized code that inlines them stays valid when the run's store is dropped.
 */
export class MemoryStore implements AlertStateStore {
  readonly alerts = new Map<string, AlertRecord>();
  readonly accounts = new Map<string, AccountState>();
  private readonly silences = new Map<string, Silence>();
  private readonly held = new Map<string, HeldAlert>();
  private history: HistoryEntry[] = [];

  constructor(private readonly now: () => Date = () => new Date(0)) {}

  async load(accountIds: readonly string[]): Promise<StateView> {
    const wanted = new Set(accountIds);
    return {
      alerts: new Map([...this.alerts].filter(([, record]) => wanted.has(record.account))),
      accounts: new Map([...this.accounts].filter(([id]) => wanted.has(id))),
      silences: knownSilences(this.silences, this.now()),
      held: [...this.held.values()].filter((h) => wanted.has(h.account)),
    };
  }

  async hold(items: readonly HeldAlert[]): Promise<void> {
    for (const item of items) this.held.set(heldId(item), item);
  }

  async dropHeld(items: readonly Pick<HeldAlert, 'target' | 'key' | 'account'>[]): Promise<void> {
    for (const item of items) this.held.delete(heldId(item));
  }

  async appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    this.history = appendedHistory(this.history, entries, this.now());
  }

  async loadHistory(accountIds: readonly string[], from: Date): Promise<HistoryEntry[]> {
    return historyOf(this.history, accountIds, from);
  }

  async listSilences(): Promise<Silence[]> {
    return knownSilences(this.silences, this.now());
  }

  async addSilence(silence: Silence): Promise<boolean> {
    return addSilenceIn(this.silences, silence);
  }

  async removeSilence(id: string, at: Date): Promise<Silence | undefined> {
    return removeSilenceIn(this.silences, id, at);
  }

  async claim(next: AlertRecord, prior: AlertRecord | undefined): Promise<boolean> {
    return claimIn(this.alerts, next, prior);
  }

  async confirm(claimed: AlertRecord): Promise<void> {
    confirmIn(this.alerts, claimed);
  }

  async release(claimed: AlertRecord, prior: AlertRecord | undefined): Promise<void> {
    releaseIn(this.alerts, claimed, prior);
  }

  async saveAccounts(states: ReadonlyMap<string, AccountState>): Promise<void> {
    for (const [id, state] of states) this.accounts.set(id, state);
  }
}

/** A new, empty store in memory. */
export function createMemoryStore(now?: () => Date): MemoryStore {
  return new MemoryStore(now);
}
