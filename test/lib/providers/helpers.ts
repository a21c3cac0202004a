import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../../lib/providers/http.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../lib/sandbox/index.js';

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

/** A bare loopback server that records every request it gets (raw URL and headers) and answers 200 `{}`. */
export async function recordingServer(): Promise<{
  readonly url: string;
  readonly requests: { url: string; headers: Record<string, unknown> }[];
  close(): Promise<void>;
}> {
  const { createServer } = await import('node:http');
  const requests: { url: string; headers: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: { ...req.headers } });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The error a promise rejects with, as a ProviderError-like object with its code. */
export async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string; field?: string }> {
  return (await rejectionOf(promise)) as Error & { code?: string; field?: string };
}

/**
 * A sandbox for a test file: started before its tests, closed after them, with faults and the request
 * log cleared after each test. Read it through the returned function once the tests run.
 */
export function useSandbox(options: SandboxOptions): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ enforceRateLimits: false, ...options });
  });
  afterAll(() => sandbox?.close());
  afterEach(() => {
    sandbox?.clearFaults();
    sandbox?.clearRequests();
  });
  return () => {
    if (sandbox === undefined) throw new Error('the sandbox starts in beforeAll');
    return sandbox;
  };
}
