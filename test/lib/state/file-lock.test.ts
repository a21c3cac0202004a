import { spawn } from 'node:child_process';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StateError } from '../../../lib/errors.js';
import { withFileLock } from '../../../lib/state/file-lock.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A run "killed" after `after` file-system calls: the call takes effect, and the run never goes on. */
const crash = vi.hoisted(() => ({ after: Infinity, calls: 0, frozen: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await fn(...args);
      if (++crash.calls >= crash.after) {
        crash.frozen = true;
        return new Promise<R>(() => {});
      }
      return result;
    };
  const open = counted(async (...args: Parameters<typeof actual.open>) => {
    const handle = await actual.open(...args);
    return Object.assign(handle, { writeFile: counted(handle.writeFile.bind(handle)) });
  });
  return { ...actual, open, writeFile: counted(actual.writeFile), link: counted(actual.link), rm: counted(actual.rm) };
});

const actualFs = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');

/** The pid of a process of this machine that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the state file lock', () => {
  let dir: string;
  let lock: string;
  beforeEach(async () => {
    dir = await tempDir('file-lock-');
    lock = join(dir, 'state.json.lock');
  });
  afterEach(() => {
    crash.after = Infinity;
  });

  it('never leaves a lock file that does not say whose it is, wherever the run taking it is killed', async () => {
    // Each round lets the run make n file-system calls, then freezes it for good (as kill -9 would), and looks at what it left.
    for (let n = 1; ; n++) {
      crash.calls = 0;
      crash.after = n;
      crash.frozen = false;
      let finished = false;
      void withFileLock(lock, { timeoutMs: 60_000, describe: 'state' }, async () => 'ran').then(() => (finished = true));
      while (!crash.frozen && !finished) await new Promise((resolve) => setTimeout(resolve, 1));
      if (finished) break;

      const left = await actualFs.readFile(lock, 'utf8').catch(() => undefined);
      if (left !== undefined) expect(JSON.parse(left), `after ${n} calls`).toMatchObject({ pid: process.pid, host: hostname() });
      await actualFs.rm(lock, { force: true });
    }
    expect(crash.calls).toBeGreaterThan(2);
  });

  it('takes over at once a lock whose holder on this machine has ended (kill -9)', async () => {
    await writeFile(lock, JSON.stringify({ pid: await deadPid(), host: hostname(), at: '2026-11-15T12:00:00.000Z' }));

    const result = await withFileLock(lock, { timeoutMs: 60_000, describe: 'state file s.json' }, async () => 'ran');

    expect(result).toBe('ran');
  });

  it("removes the holder drafts that runs of this machine killed mid-take left, and only those", async () => {
    // Prepare: a draft is `<lock>.<pid>-<8 hex>` holding its writer's holder (see tryTake).
    const draft = (pid: number, host: string) => {
      const path = `${lock}.${pid}-${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}`;
      return actualFs.writeFile(path, JSON.stringify({ pid, host, at: '2026-11-15T12:00:00.000Z' })).then(() => path);
    };
    const dead = await deadPid();
    const ofEnded = await draft(dead, hostname());
    const ofLive = await draft(process.pid, hostname());
    const ofElsewhere = await draft(dead, 'another-host');
    const unrelated = join(dir, 'state.json.lock.notes');
    await actualFs.writeFile(unrelated, '{}');

    // Act
    await withFileLock(lock, { timeoutMs: 60_000, describe: 'state file s.json' }, async () => 'ran');

    // Assess
    const exists = (path: string) => actualFs.stat(path).then(() => true, () => false);
    expect(await exists(ofEnded)).toBe(false);
    expect(await exists(ofLive)).toBe(true);
    expect(await exists(ofElsewhere)).toBe(true);
    expect(await exists(unrelated)).toBe(true);
  });

  it('waits for a live holder, then refuses naming it', async () => {
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), at: '2026-11-15T12:00:00.000Z' }));

    const attempt = withFileLock(lock, { timeoutMs: 50, describe: 'state file s.json' }, async () => 'ran');

    await expect(attempt).rejects.toThrow(StateError);
    await expect(attempt).rejects.toThrow(`state file s.json is locked by another run (pid ${process.pid} on ${hostname()} since 2026-11-15T12:00:00.000Z)`);
  });

  it('takes over a lock that names no holder only once it is clearly stale', async () => {
    await writeFile(lock, '');
    const fresh = withFileLock(lock, { timeoutMs: 50, describe: 'state file s.json' }, async () => 'ran');
    await expect(fresh).rejects.toThrow(/is locked by another run: /);

    const old = new Date(Date.now() - 3_600_000);
    await utimes(lock, old, old);
    const stale = await withFileLock(lock, { timeoutMs: 50, describe: 'state file s.json' }, async () => 'ran');

    expect(stale).toBe('ran');
  });
});
