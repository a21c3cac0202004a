import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { SandboxVendor } from '../../lib/sandbox/index.js';
import type { ChildRequest, RequestSummary } from './sandbox-child.js';
import type { SpecJson } from './workload.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/** A sandbox running in a child process (real loopback HTTP, as always). */
export interface RemoteSandbox {
  readonly urls: Readonly<Record<SandboxVendor, string>>;
  /** What the sandbox answered since the last call (and forgets it). */
  takeSummary(): Promise<RequestSummary>;
  setNow(now: Date): Promise<void>;
  close(): Promise<void>;
}

/** Starts the sandbox in a child Node process (TypeScript through tsx). */
export async function startRemoteSandbox(options: {
  now: Date;
  latencyMs: number;
  enforceRateLimits: boolean;
  /** Default true: answers memoized while the world is unchanged (SandboxOptions.memoize). */
  memoize?: boolean;
  accounts: readonly SpecJson[];
}): Promise<RemoteSandbox> {
  const child = fork(resolve(ROOT, 'bench/lib/sandbox-child.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(request: ChildRequest, answer: string): Promise<T> =>
    new Promise<T>((done, fail) => {
      const onMessage = (message: { type: string; message?: string } & Record<string, unknown>): void => {
        if (message.type === 'error') {
          cleanup();
          fail(new Error(`sandbox child: ${message.message}`));
        } else if (message.type === answer) {
          cleanup();
          done(message as T);
        }
      };
      const onExit = (code: number | null): void => {
        cleanup();
        fail(new Error(`sandbox child exited (${code}) before answering ${request.type}`));
      };
      const cleanup = (): void => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(request);
    });

  const started = await ask<{ urls: Record<SandboxVendor, string> }>(
    {
      type: 'start',
      now: options.now.toISOString(),
      latencyMs: options.latencyMs,
      enforceRateLimits: options.enforceRateLimits,
      memoize: options.memoize ?? true,
      accounts: [...options.accounts],
    },
    'started',
  );
  return {
    urls: started.urls,
    takeSummary: async () => (await ask<{ summary: RequestSummary }>({ type: 'summary', clear: true }, 'summary')).summary,
    setNow: async (now) => {
      await ask({ type: 'setNow', now: now.toISOString() }, 'ok');
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      await ask({ type: 'close' }, 'closed').catch(() => undefined);
      await Promise.race([exited, new Promise((done) => setTimeout(done, 2_000).unref())]);
      if (child.exitCode === null) killChild(child);
    },
  };
}

function killChild(child: ChildProcess): void {
  if (child.pid !== undefined) child.kill();
}
