import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { validateBudgets, type BudgetsConfig } from './config-schema.js';

// The schema lives in config-schema.ts (no YAML there, for the Lambda's bundle); this module adds the file formats.
export * from './config-schema.js';

/** A budgets file of 1,000 accounts is ~200 KB; anything near this is not a budgets file. */
export const MAX_BUDGETS_FILE_BYTES = 5 * 1024 * 1024;
/**
 * YAML aliases a file may expand: a file of thousands of accounts sharing `apiKey: *key` loads, an
 * alias bomb (aliases of aliases, exponentially) does not.
 */
const MAX_ALIAS_COUNT = 20_000;

/** Parses budgets-file text (YAML or JSON); throws ConfigError naming the file, field path and reason. */
export function parseBudgets(text: string, file: string): BudgetsConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => ({ file: locate(file, error.linePos?.[0]), path: '', message: firstLine(error.message) })),
    );
  }
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof RangeError ? 'is nested too deeply to read' : firstLine((error as Error).message);
    throw new ConfigError([{ file, path: '', message: `${message} (YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes, or the nesting is too deep)` }], {
      cause: error,
    });
  }
  return validateBudgets(input, file);
}

/** Reads and validates a budgets file from disk. */
export async function loadBudgets(file: string): Promise<BudgetsConfig> {
  let text: string;
  try {
    text = await readCapped(file, MAX_BUDGETS_FILE_BYTES);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot be read (${(error as Error).message})`;
    throw new ConfigError([{ file, path: '', message: reason }], { cause: error });
  }
  return parseBudgets(text, file);
}

/** Reads at most `max` bytes of a regular file; a larger one (or a FIFO, a device) is refused without reading it all. */
async function readCapped(file: string, max: number): Promise<string> {
  // Non-blocking, so that opening a FIFO does not wait for a writer.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ConfigError([{ file, path: '', message: 'is not a regular file' }]);
    if (info.size > max) {
      throw new ConfigError([{ file, path: '', message: `is ${(info.size / 1024 / 1024).toFixed(1)} MiB; a budgets file may be at most ${max / 1024 / 1024} MiB` }]);
    }
    const buffer = Buffer.alloc(max + 1);
    const { bytesRead } = await handle.read(buffer, 0, max + 1, 0);
    if (bytesRead > max) throw new ConfigError([{ file, path: '', message: `is larger than ${max / 1024 / 1024} MiB` }]);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

function locate(file: string, pos: { line: number; col: number } | undefined): string {
  return pos ? `${file}:${pos.line}:${pos.col}` : file;
}

function firstLine(message: string): string {
  // yaml appends the position, which `locate` already put in front.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
