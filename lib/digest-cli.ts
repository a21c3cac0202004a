import { parseFlags, parseInstant, requiredFlag } from './cli-args.js';
import { DEFAULT_STATE_FILE, EXIT, type CliIo } from './cli-io.js';
import { loadBudgets } from './config.js';
import { anyStale, DIGEST_PERIOD_MS, type DigestPeriod } from './digest/build.js';
import { digestOf } from './digest/from-store.js';
import { renderDigestEmail } from './digest/render.js';
import { UsageError } from './errors.js';
import { createFileStore } from './state/file-store.js';

/** Runs `budget-alerts digest`: the summary from the state file alone (no vendor is called); exit 3 if an account is stale. */
export async function runDigest(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: 'string' },
    state: { type: 'string' },
    now: { type: 'string' },
    period: { type: 'string' },
    json: { type: 'boolean' },
  });
  const file = requiredFlag(values.config, '--config');
  const period = values.period ?? 'day';
  if (!(period in DIGEST_PERIOD_MS)) throw new UsageError(`--period: "${period}" is not day or week`);
  const now = values.now === undefined ? (io.clock ?? (() => new Date()))() : parseInstant(values.now, '--now');
  const config = await loadBudgets(file);
  const store = createFileStore(values.state ?? DEFAULT_STATE_FILE, { now: () => now });
  const digest = await digestOf(store, config.accounts, now, period as DigestPeriod);
  io.stdout.write(values.json === true ? `${JSON.stringify(digest, null, 2)}\n` : renderDigestEmail(digest, period === 'day' ? 'daily' : 'weekly').text);
  return anyStale(digest) ? EXIT.someFailed : EXIT.ok;
}
