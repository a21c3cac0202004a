// Node's built-in modules that the check function loads at cold start, read with `require` rather than `import`.
// An ESM import of a built-in builds its namespace from every export, and reading them runs the module's lazy
// getters: on Node 24 (the function's runtime) node:http's load undici, worker_threads and the web streams, and
// node:fs's `promises` loads readline; the check uses none of them. Measured side by side: the function's module
// load 1.28x -> 1.19x the SDK-only bundle on Node 24; Node 20 unchanged (README, "On Node 24, the function's runtime").
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof import('node:http');
export const https = load('node:https') as typeof import('node:https');
export const fs = load('node:fs') as typeof import('node:fs');
