import type { CliIo } from '../../lib/cli-io.js';

/** CLI I/O that records what the command writes; the clock reads `now` unless `extra` says otherwise. */
export function captureIo(env: Record<string, string>, now: Date, extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    clock: () => now,
    ...extra,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
