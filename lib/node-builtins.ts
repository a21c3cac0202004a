// Node's built-in modules that the check function loads at cold start, read with `require` rather than `import`.
// An ESM import of a built-in builds its namespace from every export, and reading them runs the module's lazy
// getters: on Node 24 (the function's runtime) node:http's load undici, worker_threads and the web streams, and
// node:fs's `promises` loads readline; the check uses none of them. Measured: the function's module load 1.26x
// -> 1.14x the SDK-only bundle on Node 24, 1.23x -> 1.17x on Node 20 (README, "Cold start").
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof import('node:http');
export const https = load('node:https') as typeof import('node:https');
export const fs = load('node:fs') as typeof import('node:fs');
