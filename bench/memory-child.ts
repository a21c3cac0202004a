// One check of N accounts in a fresh process, reporting its peak RSS. Bundled by memory.ts and run with
// plain node (no TypeScript loader in the figures). Reads BENCH_URLS (the sandbox's) and BENCH_N.
import { checkAccounts } from '../lib/check.js';
import { createHttpClient } from '../lib/providers/http.js';
import { createMemoryStore, createNoopPublisher } from './lib/memory-store.js';
import { BENCH_NOW, benchConfig, benchSpecs, keyResolver } from './lib/workload.js';

const n = Number(process.env.BENCH_N ?? 1_000);
// Unset: the defaults of lib/check.ts and lib/providers/http.ts.
const concurrency = process.env.BENCH_CONCURRENCY === undefined ? undefined : Number(process.env.BENCH_CONCURRENCY);
const urls = JSON.parse(process.env.BENCH_URLS ?? '{}');
const specs = benchSpecs(n);
const config = benchConfig(specs, urls);
const before = process.resourceUsage().maxRSS * 1_024;
const start = performance.now();
const result = await checkAccounts(
  {
    http: createHttpClient({}),
    store: createMemoryStore(),
    publisher: createNoopPublisher(),
    resolveKey: keyResolver(specs),
    ...(concurrency !== undefined && { concurrency }),
  },
  config,
  BENCH_NOW,
);
const wallMs = performance.now() - start;
// maxRSS is in kilobytes: the process's peak resident set, whatever the GC did since.
const peak = process.resourceUsage().maxRSS * 1_024;
process.stdout.write(
  JSON.stringify({
    n,
    rssBeforeBytes: before,
    peakRssBytes: peak,
    heapUsedAfterBytes: process.memoryUsage().heapUsed,
    wallMs,
    failed: result.report.accounts.filter((a) => a.status === 'error').length,
    alerts: result.sent.length,
  }),
);
