import { confirmedRecord, recordId, releasedRecord } from '../alerts/records.js';
import type { AlertRecord } from '../alerts/types.js';

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
