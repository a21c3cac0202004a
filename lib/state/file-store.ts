import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { recordId } from '../alerts/records.js';
import type { Silence } from '../alerts/silences.js';
import type { AlertRecord, HeldAlert, HistoryEntry } from '../alerts/types.js';
import { StateError, StateFileError } from '../errors.js';
import { ownerIsGone, withFileLock } from './file-lock.js';
import { addSilenceIn, appendedHistory, claimIn, confirmIn, heldId, historyOf, knownSilences, releaseIn, removeSilenceIn } from './record-map.js';
import {
  accountStateSchema,
  alertRecordSchema,
  fromLegacyRecord,
  legacyAlertRecordSchema,
  heldAlertSchema,
  historyEntrySchema,
  silenceSchema,
  toAccountState,
  withoutUndefined,
} from './record-schema.js';
import { ACCOUNT_STATE_RETENTION_DAYS, HELD_RETENTION_DAYS, type AccountState, type AlertStateStore, type StateView } from './types.js';
import { WITH_ISSUE_TEXT } from '../issue-text.js';

const fileSchema = z.object({
  version: z.literal(2),
  alerts: z.record(z.string(), alertRecordSchema),
  accounts: z.record(z.string(), accountStateSchema),
  silences: z._default(z.record(z.string(), silenceSchema), {}),
  held: z._default(z.record(z.string(), heldAlertSchema), {}),
  history: z._default(z.array(historyEntrySchema), []),
});
const legacyFileSchema = z.object({
  version: z.literal(1),
  alerts: z.record(z.string(), legacyAlertRecordSchema),
  accounts: z.record(z.string(), accountStateSchema),
});
type StateFile = {
  version: 2;
  alerts: Record<string, AlertRecord>;
  accounts: Record<string, AccountState>;
  silences: Record<string, Silence>;
  held: Record<string, HeldAlert>;
  history: HistoryEntry[];
};

/** The target of the records a version-1 state file holds: the file store backs the CLI, which prints. */
const LEGACY_FILE_TARGET = 'stdout';

/** Options of the JSON-file store. */
export interface FileStoreOptions {
  /** The run's instant (`--now`): judges what expired. */
  readonly now: () => Date;
  /**
   * The machine's clock. Records are pruned only once expired by both clocks, so a replay at a
   * future `--now` cannot drop what a live run still needs. @default now
   */
  readonly wallClock?: () => Date;
  /** How long to wait for another process's lock before failing. @default 10 s */
  readonly lockTimeoutMs?: number;
}

/**
 * Alert state in one JSON file, for local runs. Every write is a locked read-modify-write that lands
 * atomically (temp file + rename), so a crash never leaves half a file and two CLI runs never
 * interleave. A file that cannot be used is reported (StateFileError), never silently reset — that
 * would re-send every alert. A symlink is written through; its target keeps its mode.
 */
export function createFileStore(path: string, options: FileStoreOptions): AlertStateStore {
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const file = locateStateFile(path);

  // Writers in this process queue here (confirmations and releases ahead of new claims, so that a
  // published alert is recorded at once); the lock file serialises them against other processes.
  const queue = createPriorityQueue();
  const locked = <T>(urgent: boolean, action: (state: StateFile) => Promise<T>): Promise<T> =>
    queue.run(urgent, async () => {
      const { real } = await file.writable();
      return withFileLock(`${real}.lock`, { timeoutMs: lockTimeoutMs, describe: `state file ${path}` }, async () =>
        action(await readState(path, real)),
      );
    });
  const write = async (state: StateFile): Promise<void> => {
    const { real, mode } = await file.writable();
    prune(state, earlier(options.now(), (options.wallClock ?? options.now)()));
    await writeAtomically(real, `${JSON.stringify(state, null, 2)}\n`, mode);
  };

  /** A locked read-modify-write: `change` edits the state and says whether it changed anything to write. */
  const update = <T>(urgent: boolean, change: (state: StateFile) => T, changed: (result: T) => boolean = () => true): Promise<T> =>
    locked(urgent, async (state) => {
      const result = change(state);
      if (changed(result)) await write(state);
      return result;
    });
  const read = async (): Promise<StateFile> => {
    const real = await file.readable();
    return real === undefined ? emptyState() : readState(path, real);
  };

  return {
    load: async (accountIds) => viewOf(await read(), accountIds, options.now()),
    claim: (next, prior) => update(false, (state) => claimIn(state.alerts, next, prior), (won) => won),
    confirm: (claimed) => update(true, (state) => confirmIn(state.alerts, claimed), (done) => done).then(() => undefined),
    release: (claimed, prior) => update(true, (state) => releaseIn(state.alerts, claimed, prior), (done) => done).then(() => undefined),
    saveAccounts: (states) =>
      states.size === 0
        ? Promise.resolve()
        : update(false, (state) => {
            for (const [id, account] of states) state.accounts[id] = { ...account, balanceHistory: [...account.balanceHistory] };
          }),
    hold: (items) => (items.length === 0 ? Promise.resolve() : update(false, (state) => void items.forEach((h) => (state.held[heldId(h)] = h)))),
    dropHeld: (items) => (items.length === 0 ? Promise.resolve() : update(true, (state) => void items.forEach((h) => delete state.held[heldId(h)]))),
    appendHistory: (entries) =>
      entries.length === 0 ? Promise.resolve() : update(false, (state) => void (state.history = appendedHistory(state.history, entries, options.now()))),
    loadHistory: async (accountIds, from) => historyOf((await read()).history, accountIds, from),
    listSilences: async () => knownSilences((await read()).silences, options.now()),
    addSilence: (silence) => update(false, (state) => addSilenceIn(state.silences, silence), (added) => added),
    removeSilence: (id, at) => update(true, (state) => removeSilenceIn(state.silences, id, at), (removed) => removed !== undefined),
  };
}

/** Where the state really lives (through a symlink), checked once: a regular file, or none yet. */
function locateStateFile(path: string) {
  let found: { real: string; mode: number } | undefined;
  const inspect = async (): Promise<{ real: string; mode: number } | undefined> => {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateFileError(`state file ${path} cannot be opened: ${(error as Error).message}`, { cause: error });
    }
    const info = await stat(real);
    if (!info.isFile()) {
      throw new StateFileError(`state file ${path} is not a regular file (${real}); give --state a file path`);
    }
    return { real, mode: info.mode & 0o777 };
  };
  // Remembered once found (the real path of a symlink does not change mid-run); looked for again until then.
  const existing = async () => (found ??= await inspect());
  return {
    /** The real path if the file exists (reading never creates anything). */
    readable: async () => (await existing())?.real,
    /** The real path and mode to write, creating the folder if needed; refuses a read-only file. */
    async writable(): Promise<{ real: string; mode: number }> {
      const file = await existing();
      if (file !== undefined) {
        if ((file.mode & 0o200) === 0) {
          throw new StateFileError(`state file ${path} is read-only; make it writable (chmod u+w) or give --state another file`);
        }
        return file;
      }
      try {
        await mkdir(dirname(path), { recursive: true });
      } catch (error) {
        throw new StateFileError(`cannot create the folder of state file ${path}: ${(error as Error).message}`, { cause: error });
      }
      return { real: path, mode: 0o600 };
    },
  };
}

async function readState(path: string, real: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(real, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new StateFileError(`state file ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      `state file ${path} is corrupt (not JSON: ${(error as Error).message}); fix or remove it — it is not reset automatically, since that would re-send every alert`,
      { cause: error },
    );
  }
  return parseState(path, json);
}

function parseState(path: string, json: unknown): StateFile {
  const corrupt = (error: z.core.$ZodError): StateFileError => {
    const issue = error.issues[0];
    return new StateFileError(
      `state file ${path} is corrupt at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; fix or remove it — it is not reset automatically`,
    );
  };
  if ((json as { version?: unknown } | null)?.version === 1) {
    const legacy = legacyFileSchema.safeParse(json, WITH_ISSUE_TEXT);
    if (!legacy.success) throw corrupt(legacy.error);
    const alerts: Record<string, AlertRecord> = {};
    for (const old of Object.values(legacy.data.alerts)) {
      const record = fromLegacyRecord(old, LEGACY_FILE_TARGET);
      alerts[recordId(record.target, record.key)] = record;
    }
    return { version: 2, alerts, accounts: accountsOf(legacy.data.accounts), silences: {}, held: {}, history: [] };
  }
  const parsed = fileSchema.safeParse(json, WITH_ISSUE_TEXT);
  if (!parsed.success) throw corrupt(parsed.error);
  const alerts = Object.fromEntries(Object.entries(parsed.data.alerts).map(([id, r]) => [id, withoutUndefined(r) as AlertRecord]));
  const silences = Object.fromEntries(Object.entries(parsed.data.silences).map(([id, s]) => [id, withoutUndefined(s) as Silence]));
  const held = Object.fromEntries(Object.entries(parsed.data.held).map(([id, h]) => [id, withoutUndefined(h) as HeldAlert]));
  const history = parsed.data.history.map((h) => withoutUndefined(h) as HistoryEntry);
  return { version: 2, alerts, accounts: accountsOf(parsed.data.accounts), silences, held, history };
}

function accountsOf(raw: Record<string, z.output<typeof accountStateSchema>>): Record<string, AccountState> {
  return Object.fromEntries(Object.entries(raw).map(([id, account]) => [id, toAccountState(account)]));
}

function emptyState(): StateFile {
  return { version: 2, alerts: {}, accounts: {}, silences: {}, held: {}, history: [] };
}

function viewOf(state: StateFile, accountIds: readonly string[], now: Date): StateView {
  const wanted = new Set(accountIds);
  return {
    silences: knownSilences(state.silences, now),
    held: Object.values(state.held).filter((h) => wanted.has(h.account)),
    alerts: new Map(Object.entries(state.alerts).filter(([, record]) => wanted.has(record.account)).map(([id, r]) => [id, orphanLapsed(r)])),
    accounts: new Map(Object.entries(state.accounts).filter(([id]) => wanted.has(id))),
  };
}

/** A claim whose process died (`kill -9`) can never be confirmed: it counts as lapsed at once, not after its deadline. */
function orphanLapsed(record: AlertRecord): AlertRecord {
  const pending = record.pending;
  if (pending?.owner === undefined || !ownerIsGone(pending.owner)) return record;
  return { ...record, pending: { ...pending, until: new Date(0).toISOString() } };
}

/** Drops expired records and accounts unchecked for the retention period. */
function prune(state: StateFile, now: Date): void {
  const nowIso = now.toISOString();
  for (const [id, record] of Object.entries(state.alerts)) {
    if (record.expiresAt !== undefined && record.expiresAt < nowIso) delete state.alerts[id];
  }
  for (const [id, silence] of Object.entries(state.silences)) if (silence.expiresAt < nowIso) delete state.silences[id];
  const heldBefore = new Date(now.getTime() - HELD_RETENTION_DAYS * 86_400_000).toISOString();
  for (const [id, held] of Object.entries(state.held)) if (held.heldAt < heldBefore) delete state.held[id];
  const staleBefore = new Date(now.getTime() - ACCOUNT_STATE_RETENTION_DAYS * 86_400_000).toISOString();
  for (const [id, account] of Object.entries(state.accounts)) {
    if (account.lastCheckedAt !== undefined && account.lastCheckedAt < staleBefore) delete state.accounts[id];
  }
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

async function writeAtomically(real: string, text: string, mode: number): Promise<void> {
  const temp = `${real}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, real);
  } catch (error) {
    await rm(temp, { force: true });
    throw new StateError(`cannot write state file ${real}: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs actions one at a time; urgent ones (confirm, release) before any waiting ordinary one. */
function createPriorityQueue() {
  const waiting: { urgent: boolean; start: () => void }[] = [];
  let busy = false;
  const next = (): void => {
    const index = waiting.findIndex((w) => w.urgent);
    const [item] = waiting.splice(index >= 0 ? index : 0, 1);
    if (item === undefined) busy = false;
    else item.start();
  };
  return {
    run<T>(urgent: boolean, action: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          busy = true;
          action().then(resolve, reject).finally(next);
        };
        if (busy) waiting.push({ urgent, start });
        else start();
      });
    },
  };
}
