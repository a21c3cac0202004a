#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx's loader compiles lib/ on the fly.
import { hostname } from 'node:os';
import { register } from 'tsx/esm/api';

register();
// `budget-alerts check | head -1`: a reader that goes away must not crash the run mid-send (its claims
// would be left pending); the rest of the output is dropped, the run finishes and records what it sent.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});
const { main } = await import('../lib/cli.ts');
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  processId: `${hostname()}:${process.pid}`,
});
