import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { link, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateError } from '../errors.js';

/** What a lock file says about its holder. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly at: string;
}

/**
 * A lock file beside the state file, held for one read-modify-write. It names its holder (pid and
 * host), so a lock left by a killed run on this machine is taken over at once; one whose holder
 * cannot be told is taken over only once it is clearly stale.
 */
export async function withFileLock<T>(
  lockPath: string,
  options: { readonly timeoutMs: number; readonly describe: string },
  action: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const taken = await tryTake(lockPath);
    if (taken) break;
    const holder = await readHolder(lockPath);
    if (await isAbandoned(lockPath, holder, options.timeoutMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() - started > options.timeoutMs) {
      const who = holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.at})` : '';
      throw new StateError(`${options.describe} is locked by another run${who}: ${lockPath}; try again when it has finished`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt, 100)));
  }
  try {
    await removeDraftsOfEndedRuns(lockPath);
    return await action();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/**
 * Creates the lock file with its holder already in it: the holder is written to a file of its own, which is
 * then hard-linked to the lock path (atomic, and refused when the lock exists). A run killed at any point
 * thus never leaves a lock file that does not say whose it is (an empty one would block every run until it
 * is old). Where hard links are not supported, the lock is created empty and then written.
 */
async function tryTake(lockPath: string): Promise<boolean> {
  const holder: Holder = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  const draft = `${lockPath}.${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    await writeFile(draft, JSON.stringify(holder), { mode: 0o600, flag: 'wx' });
    await link(draft, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return tryTakeWithoutLink(lockPath, holder);
    throw new StateError(`cannot create the lock file ${lockPath}: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * Removes holder drafts (see `tryTake`) left by runs of this machine that were killed between writing one and
 * removing it. Done by the lock's holder, so no other run is sweeping; best effort, since a left draft only
 * takes space. Drafts of live runs and of other machines are left alone.
 */
async function removeDraftsOfEndedRuns(lockPath: string): Promise<void> {
  const prefix = `${basename(lockPath)}.`;
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+-[0-9a-f]{8}$/.test(name.slice(prefix.length))) continue;
    const draft = join(dirname(lockPath), name);
    const holder = await readHolder(draft);
    if (holder !== undefined && holder.host === hostname() && !isRunning(holder.pid)) await rm(draft, { force: true }).catch(() => undefined);
  }
}

async function tryTakeWithoutLink(lockPath: string, holder: Holder): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError(`cannot create the lock file ${lockPath}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(lockPath, 'utf8'));
    const { pid, host, at } = parsed as Partial<Holder>;
    return typeof pid === 'number' && typeof host === 'string' && typeof at === 'string' ? { pid, host, at } : undefined;
  } catch {
    // Just created and not yet written, or removed meanwhile: undecided.
    return undefined;
  }
}

/** A holder on this machine that no longer runs has abandoned the lock; otherwise only age tells. */
async function isAbandoned(lockPath: string, holder: Holder | undefined, timeoutMs: number): Promise<boolean> {
  if (holder !== undefined && holder.host === hostname()) return !isRunning(holder.pid);
  const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
  return age > timeoutMs * 3;
}

/** Whether `host:pid` names a process of this machine that has ended (a claim it can never confirm). */
export function ownerIsGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const pid = Number(owner.slice(at + 1));
  return owner.slice(0, at) === hostname() && Number.isInteger(pid) && pid > 0 && !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
