import { expect } from 'vitest';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../../lib/providers/http.js';

/** A sleep that returns at once and remembers what it was asked to wait, advancing a fake clock. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[]; now: () => number } {
  const delays: number[] = [];
  let clock = 0;
  return {
    delays,
    now: () => clock,
    sleep: async (ms) => {
      delays.push(ms);
      clock += ms;
    },
  };
}

/** A client that never really waits, with the backoff jitter pinned, and its recorded sleeps. */
export function instantClient(options: HttpClientOptions = {}): { http: HttpClient; delays: number[] } {
  const recorder = recordingSleep();
  const http = createHttpClient({
    sleep: recorder.sleep,
    now: recorder.now,
    random: () => 0.5,
    timeoutMs: 2_000,
    ...options,
  });
  return { http, delays: recorder.delays };
}

/** The rejection of a promise, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

/** Every string a user or a log could see of an error: message, stack, name and the cause chain's. */
export function visibleText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.name, current.message, current.stack ?? '', String(current), JSON.stringify(current));
      current = current.cause;
    } else {
      parts.push(String(current), JSON.stringify(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}
