#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx's loader compiles lib/ on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli.ts');
process.exitCode = await main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
