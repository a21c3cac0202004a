import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Directories made by this test file (vitest runs each file in its own process: one list per file). */
const made: string[] = [];

/**
 * A new directory under the system's temp directory, removed when the test file ends (test/helpers/setup.ts).
 * Synchronous for a CDK App's outdir, which the App would otherwise make under the temp directory and keep.
 */
export function tempDirSync(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** `tempDirSync` for async setup code. */
export async function tempDir(prefix: string): Promise<string> {
  return tempDirSync(prefix);
}

/** Removes every directory `tempDir` made, with what the tests wrote in them. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
