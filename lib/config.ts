import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { validateBudgets, type BudgetsConfig } from './config-schema.js';

// The schema lives in config-schema.ts (no YAML there, for the Lambda's bundle); this module adds the file formats.
export * from './config-schema.js';

/** Parses budgets-file text (YAML or JSON); throws ConfigError naming the file, field path and reason. */
export function parseBudgets(text: string, file: string): BudgetsConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => ({ file: locate(file, error.linePos?.[0]), path: '', message: firstLine(error.message) })),
    );
  }
  return validateBudgets(doc.toJS(), file);
}

/** Reads and validates a budgets file from disk. */
export async function loadBudgets(file: string): Promise<BudgetsConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot be read (${(error as Error).message})`;
    throw new ConfigError([{ file, path: '', message: reason }], { cause: error });
  }
  return parseBudgets(text, file);
}

function locate(file: string, pos: { line: number; col: number } | undefined): string {
  return pos ? `${file}:${pos.line}:${pos.col}` : file;
}

function firstLine(message: string): string {
  // yaml appends the position, which `locate` already put in front.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
