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

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 instant from the command line: `2026-11-22T09:00:00Z`, with an offset, or without one
 * (then UTC, never the host's zone). Impossible dates (`2027-02-30`) are a UsageError, not a rollover.
 */
export function parseInstant(text: string, flag: string): Date {
  const match = INSTANT.exec(text.trim());
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match ?? [];
  const valid =
    match !== null &&
    Number(mo) >= 1 &&
    Number(mo) <= 12 &&
    Number(d) >= 1 &&
    Number(d) <= new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate() &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s) < 60;
  if (!valid) {
    throw new UsageError(`${flag}: "${text}" is not a valid ISO instant such as 2026-11-22T09:00:00Z (without an offset it is read as UTC)`);
  }
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${offset}`);
}
