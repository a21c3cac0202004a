import type { AccountConfig } from '../config-schema.js';
import type { AlertStateStore } from '../state/types.js';
import { buildDigest, DIGEST_PERIOD_MS, type Digest, type DigestPeriod } from './build.js';

/** A digest of these accounts from a state store (shared by the CLI and the Lambda). */
export async function digestOf(store: AlertStateStore, accounts: readonly AccountConfig[], now: Date, period: DigestPeriod): Promise<Digest> {
  const ids = accounts.map((a) => a.id);
  const [view, history] = await Promise.all([store.load(ids), store.loadHistory(ids, new Date(now.getTime() - DIGEST_PERIOD_MS[period]))]);
  return buildDigest({ accounts, states: view.accounts, records: view.alerts.values(), history, now, period });
}
