import { confirmedRecord, recordId, releasedRecord } from '../alerts/records.js';
import type { Silence } from '../alerts/silences.js';
import type { AlertRecord, HeldAlert, HistoryEntry } from '../alerts/types.js';
import { HISTORY_MAX_PER_ACCOUNT, HISTORY_RETENTION_DAYS } from './types.js';

/** Alert records by `recordId(target, key)`, as the file and memory stores hold them. */
export type RecordMap = Map<string, AlertRecord> | Record<string, AlertRecord>;

const get = (records: RecordMap, id: string): AlertRecord | undefined =>
  records instanceof Map ? records.get(id) : records[id];
const set = (records: RecordMap, id: string, record: AlertRecord): void => {
  if (records instanceof Map) records.set(id, record);
  else records[id] = record;
};
const remove = (records: RecordMap, id: string): void => {
  if (records instanceof Map) records.delete(id);
  else delete records[id];
};
const idOf = (record: AlertRecord): string => recordId(record.target, record.key);

/** Stores `next` if the stored record is still `prior` (same version, or both absent); false otherwise. */
export function claimIn(records: RecordMap, next: AlertRecord, prior: AlertRecord | undefined): boolean {
  if (get(records, idOf(next))?.version !== prior?.version) return false;
  set(records, idOf(next), next);
  return true;
}

/** Confirms a claim that is still ours; false (and nothing changed) otherwise. */
export function confirmIn(records: RecordMap, claimed: AlertRecord): boolean {
  if (get(records, idOf(claimed))?.version !== claimed.version) return false;
  set(records, idOf(claimed), confirmedRecord(claimed));
  return true;
}

/** Releases a claim that is still ours, back to what was confirmed before it; false otherwise. */
export function releaseIn(records: RecordMap, claimed: AlertRecord, prior: AlertRecord | undefined): boolean {
  if (get(records, idOf(claimed))?.version !== claimed.version) return false;
  const restored = releasedRecord(claimed, prior);
  if (restored === undefined) remove(records, idOf(claimed));
  else set(records, idOf(claimed), restored);
  return true;
}

/** Silences by id, as the file and memory stores hold them. */
export type SilenceMap = Map<string, Silence> | Record<string, Silence>;

/** Adds a silence unless its id is taken. */
export function addSilenceIn(silences: SilenceMap, silence: Silence): boolean {
  if (silences instanceof Map ? silences.has(silence.id) : Object.hasOwn(silences, silence.id)) return false;
  if (silences instanceof Map) silences.set(silence.id, silence);
  else silences[silence.id] = silence;
  return true;
}

/** Marks a silence removed at `at` (it stays known until it expires); the updated silence, if known. */
export function removeSilenceIn(silences: SilenceMap, id: string, at: Date): Silence | undefined {
  const known = silences instanceof Map ? silences.get(id) : Object.hasOwn(silences, id) ? silences[id] : undefined;
  if (known === undefined) return undefined;
  const removed: Silence = known.removedAt !== undefined ? known : { ...known, removedAt: at.toISOString() };
  if (silences instanceof Map) silences.set(id, removed);
  else silences[id] = removed;
  return removed;
}

/** The silences not yet past their `expiresAt`. */
export function knownSilences(silences: SilenceMap, now: Date): Silence[] {
  const at = now.toISOString();
  return [...(silences instanceof Map ? silences.values() : Object.values(silences))].filter((s) => s.expiresAt > at);
}

/** The id of a held alert: its target and key. */
export function heldId(held: Pick<HeldAlert, 'target' | 'key'>): string {
  return recordId(held.target, held.key);
}

/**
 * Order of two ISO-8601 UTC instants as the store writes them (`Date#toISOString`): their text order. Not
 * `localeCompare`, which orders them alike but starts ICU (~18 ms) in a process that had not needed it.
 */
export function compareIso(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** History with `entries` added: past retention dropped, at most HISTORY_MAX_PER_ACCOUNT per account (the newest). */
export function appendedHistory(history: readonly HistoryEntry[], entries: readonly HistoryEntry[], now: Date): HistoryEntry[] {
  const cutoff = new Date(now.getTime() - HISTORY_RETENTION_DAYS * 86_400_000).toISOString();
  const all = [...history, ...entries].filter((e) => e.at >= cutoff).sort((a, b) => compareIso(a.at, b.at));
  const perAccount = new Map<string, number>();
  const kept: HistoryEntry[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const entry = all[i]!;
    const count = perAccount.get(entry.account) ?? 0;
    if (count >= HISTORY_MAX_PER_ACCOUNT) continue;
    perAccount.set(entry.account, count + 1);
    kept.push(entry);
  }
  return kept.reverse();
}

/** History of some accounts since `from`. */
export function historyOf(history: readonly HistoryEntry[], accountIds: readonly string[], from: Date): HistoryEntry[] {
  const wanted = new Set(accountIds);
  const since = from.toISOString();
  return history.filter((e) => wanted.has(e.account) && e.at >= since);
}
