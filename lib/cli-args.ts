import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type Options = Parameters<typeof parseArgs>[0] extends infer C ? (C extends { options?: infer O } ? O : never) : never;

/** Parses a command's flags strictly; a mistake becomes a UsageError (exit 2). */
export function parseFlags<O extends NonNullable<Options>>(args: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** The value of a required flag, or a UsageError naming it. */
export function requiredFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}
