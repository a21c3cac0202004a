// A sandbox in its own process, so the vendors' CPU work does not share a core with the check being measured.
// Driven over IPC by sandbox-process.ts.
import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { startSandbox, type Sandbox, type SandboxAccountSpec } from '../../lib/sandbox/index.js';
import { median, percentile } from './stats.js';
import type { SpecJson } from './workload.js';

export type ChildRequest =
  | { type: 'start'; now: string; latencyMs: number; enforceRateLimits: boolean; memoize: boolean; accounts: SpecJson[] }
  | { type: 'summary'; clear: boolean }
  | { type: 'setNow'; now: string }
  | { type: 'close' };

/** Requests the sandbox answered since the last clear: per vendor and path, and per status. */
export interface RequestSummary {
  readonly total: number;
  readonly byRoute: Record<string, number>;
  readonly byStatus: Record<string, number>;
  /** CPU time the sandbox process used since the last summary, in ms. */
  readonly cpuMs: number;
  /**
   * How long the sandbox took to answer, from a request's arrival to the end of its response (the latency
   * it adds, plus its own work and waits for the CPU it shares with the check): median and 90th percentile, ms.
   */
  readonly answerMs: { readonly median: number; readonly p90: number } | undefined;
}

export function toSpec(json: SpecJson): SandboxAccountSpec {
  return { ...json, start: new Date(json.start) };
}

let sandbox: Sandbox | undefined;
let cpuSince = process.cpuUsage();
let answerMs: number[] = [];

// Every answer timed from the server's side through node:http's diagnostics channels, without touching the
// sandbox: this process serves nothing else.
const answerStarts = new WeakMap<ServerResponse, number>();
subscribe('http.server.request.start', (message) => answerStarts.set((message as { response: ServerResponse }).response, performance.now()));
subscribe('http.server.response.finish', (message) => {
  const started = answerStarts.get((message as { response: ServerResponse }).response);
  if (started !== undefined) answerMs.push(performance.now() - started);
});

function answerFigures(ms: readonly number[]): RequestSummary['answerMs'] {
  return ms.length === 0 ? undefined : { median: median(ms), p90: percentile(ms, 90) };
}

process.on('message', (message: ChildRequest) => {
  void handle(message).catch((error: unknown) => {
    process.send?.({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
  });
});

async function handle(message: ChildRequest): Promise<void> {
  switch (message.type) {
    case 'start':
      sandbox = await startSandbox({
        now: new Date(message.now),
        latencyMs: message.latencyMs,
        enforceRateLimits: message.enforceRateLimits,
        memoize: message.memoize,
        accounts: message.accounts.map(toSpec),
      });
      process.send?.({ type: 'started', urls: sandbox.urls });
      return;
    case 'summary': {
      const requests = sandbox?.requests() ?? [];
      const byRoute: Record<string, number> = {};
      const byStatus: Record<string, number> = {};
      for (const r of requests) {
        const route = `${r.vendor} ${r.path}`;
        byRoute[route] = (byRoute[route] ?? 0) + 1;
        byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      }
      const cpu = process.cpuUsage(cpuSince);
      const answered = answerFigures(answerMs);
      if (message.clear) {
        sandbox?.clearRequests();
        cpuSince = process.cpuUsage();
        answerMs = [];
      }
      const cpuMs = (cpu.user + cpu.system) / 1_000;
      process.send?.({ type: 'summary', summary: { total: requests.length, byRoute, byStatus, cpuMs, answerMs: answered } satisfies RequestSummary });
      return;
    }
    case 'setNow':
      sandbox?.setNow(new Date(message.now));
      process.send?.({ type: 'ok' });
      return;
    case 'close':
      await sandbox?.close();
      process.send?.({ type: 'closed' });
      process.disconnect?.();
      return;
  }
}
