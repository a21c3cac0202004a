import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { AlertRecord } from '../alerts/types.js';
import { StateError } from '../errors.js';
import { ACCOUNT_STATE_RETENTION_DAYS, type AccountState, type AlertStateStore, type StateView } from './types.js';
import { alertRecordSchema } from './record-schema.js';


const accountStateSchema = z.object({
  consecutiveFailures: z.number().int().nonnegative(),
  balanceHistory: z.array(z.object({ at: z.string(), available: z.number() })),
  lastCheckedAt: z.string().optional(),
});

const fileSchema = z.object({
  version: z.literal(1),
  alerts: z.record(z.string(), alertRecordSchema),
  accounts: z.record(z.string(), accountStateSchema),
});
type StateFile = z.infer<typeof fileSchema>;

/** Options of the JSON-file store. */
export interface FileStoreOptions {
  /** Clock for pruning expired records; injected so replays at `--now` prune consistently. */
  readonly now: () => Date;
  /** How long to wait for another process's lock before failing. */
  readonly lockTimeoutMs?: number;
}

/**
 * Alert state in one JSON file, for local runs. Every write is a locked read-modify-write that lands
 * atomically (temp file + rename), so a crash never leaves half a file and two CLI runs never interleave.
 * A file that cannot be parsed is reported, never silently reset (that would re-send every alert).
 */
export function createFileStore(path: string, options: FileStoreOptions): AlertStateStore {
  const lockPath = `${path}.lock`;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;

  async function read(): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, alerts: {}, accounts: {} };
      throw new StateError(`state file ${path} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StateError(
        `state file ${path} is corrupt (not JSON: ${(error as Error).message}); fix or remove it — it is not reset automatically, since that would re-send every alert`,
        { cause: error },
      );
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StateError(
        `state file ${path} is corrupt at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; fix or remove it — it is not reset automatically`,
      );
    }
    return parsed.data;
  }

  async function write(state: StateFile): Promise<void> {
    const now = options.now();
    const nowIso = now.toISOString();
    for (const [key, record] of Object.entries(state.alerts)) {
      if (record.expiresAt !== undefined && record.expiresAt < nowIso) delete state.alerts[key];
    }
    const staleBefore = new Date(now.getTime() - ACCOUNT_STATE_RETENTION_DAYS * 86_400_000).toISOString();
    for (const [id, account] of Object.entries(state.accounts)) {
      if (account.lastCheckedAt !== undefined && account.lastCheckedAt < staleBefore) delete state.accounts[id];
    }
    const temp = `${path}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  }

  // Writers in this process queue here; the lock file serialises them against other processes.
  let queue: Promise<unknown> = Promise.resolve();
  function withLock<T>(action: () => Promise<T>): Promise<T> {
    const run = queue.then(() => withFileLock(action));
    queue = run.catch(() => undefined);
    return run;
  }

  async function withFileLock<T>(action: () => Promise<T>): Promise<T> {
    await mkdir(dirname(path), { recursive: true });
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StateError(`cannot lock state file ${path}: ${(error as Error).message}`, { cause: error });
        }
        // A lock left by a crashed run would block forever: take it over once it is clearly stale.
        const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > lockTimeoutMs * 3) await rm(lockPath, { force: true });
        else if (Date.now() - started > lockTimeoutMs) {
          throw new StateError(`state file ${path} is locked by another run (${lockPath}); try again`);
        } else await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt, 100)));
      }
    }
    try {
      return await action();
    } finally {
      await rm(lockPath, { force: true });
    }
  }

  const sameVersion = (stored: AlertRecord | undefined, expected: AlertRecord | undefined): boolean =>
    stored?.version === expected?.version;

  return {
    async load(accountIds: readonly string[]): Promise<StateView> {
      const state = await read();
      const wanted = new Set(accountIds);
      return {
        alerts: new Map(Object.entries(state.alerts).filter(([, record]) => wanted.has(record.account))),
        accounts: new Map(Object.entries(state.accounts).filter(([id]) => wanted.has(id))),
      };
    },
    claim: (next, prior) =>
      withLock(async () => {
        const state = await read();
        if (!sameVersion(state.alerts[next.key], prior)) return false;
        state.alerts[next.key] = next;
        await write(state);
        return true;
      }),
    confirm: (claimed) =>
      withLock(async () => {
        const state = await read();
        if (state.alerts[claimed.key]?.version !== claimed.version) return;
        const { pendingUntil: _pending, ...confirmed } = claimed;
        state.alerts[claimed.key] = { ...confirmed, version: claimed.version + 1 };
        await write(state);
      }),
    release: (claimed, prior) =>
      withLock(async () => {
        const state = await read();
        if (state.alerts[claimed.key]?.version !== claimed.version) return;
        if (prior === undefined) delete state.alerts[claimed.key];
        else state.alerts[claimed.key] = { ...prior, version: claimed.version + 1 };
        await write(state);
      }),
    saveAccounts: (states: ReadonlyMap<string, AccountState>) =>
      withLock(async () => {
        if (states.size === 0) return;
        const state = await read();
        for (const [id, account] of states) state.accounts[id] = { ...account, balanceHistory: [...account.balanceHistory] };
        await write(state);
      }),
  };
}
