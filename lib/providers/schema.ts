import * as z from 'zod/mini';
import { ProviderResponseError } from '../errors.js';
import { redact } from '../redact.js';
import { urlPath, type HttpClient, type JsonRequest } from './http.js';
import type { ProviderName } from '../model.js';
import { formatPath } from '../format-path.js';
import { WITH_ISSUE_TEXT } from '../issue-text.js';
import { stripControls } from './vendor-text.js';

const NUMERIC_STRING = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * No real balance or amount comes near this; beyond it sums, differences and roundings (×1e9 here, ×100 in
 * the report) lose precision or overflow to ±Infinity, which would print as null in JSON.
 */
export const MAX_CREDITS = 1e15;

/** A finite number, or a string holding one (`"12.5"`); `""`, `"abc"` and null are errors, never 0. */
export const numeric = z.pipe(
  z.custom<number | string>((value) => typeof value === 'number' || typeof value === 'string', { error: 'expected a number' }),
  z.transform((value: number | string, ctx) => {
    const parsed = typeof value === 'number' ? value : NUMERIC_STRING.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(parsed)) {
      ctx.issues.push({ code: 'custom', message: 'expected a number', input: value });
      return z.NEVER;
    }
    if (Math.abs(parsed) > MAX_CREDITS) {
      ctx.issues.push({ code: 'custom', message: `expected a number of credits (at most ${MAX_CREDITS} in size)`, input: value });
      return z.NEVER;
    }
    return parsed;
  }),
);

/**
 * Reads one list item by hand, exactly as its zod schema would (same fields, same values, same keys
 * present), or returns undefined when it cannot tell: zod then decides, and words any error. A ledger
 * holds hundreds of items per account, and zod's generic path cost ten times as much per item.
 */
export type ItemReader<T> = (value: unknown) => T | undefined;

/**
 * An array whose items are checked one by one, stopping at the first bad item: a 16 MiB array of bad
 * entries yields one issue, not one per element (which ran a check out of memory). `read` takes the
 * items it can vouch for without zod.
 */
export function arrayOf<T extends z.ZodMiniType>(item: T, read?: ItemReader<z.output<T>>) {
  return z.pipe(
    z.custom<unknown[]>((value) => Array.isArray(value), { error: 'expected an array' }),
    z.transform((items: unknown[], ctx) => {
      const out: z.output<T>[] = [];
      for (let index = 0; index < items.length; index += 1) {
        const quick = read?.(items[index]);
        if (quick !== undefined) {
          out.push(quick);
          continue;
        }
        const result = item.safeParse(items[index], WITH_ISSUE_TEXT);
        if (!result.success) {
          const first = result.error.issues[0];
          ctx.issues.push({ ...(first ?? { code: 'custom', message: 'invalid item' }), path: [index, ...(first?.path ?? [])], input: items[index] } as never);
          return z.NEVER;
        }
        out.push(result.data);
      }
      return out;
    }),
  );
}

/** An ISO 4217 code (three letters, upper-cased); anything else, the key echoed back included, is an error. */
export const currencyCode = z.pipe(
  z.custom<string>((value) => typeof value === 'string' && /^[A-Za-z]{3}$/.test(value), {
    error: 'expected an ISO 4217 currency code (three letters)',
  }),
  z.transform((value: string) => value.toUpperCase()),
);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Vendors' timestamps are UTC; without an offset, `Date` would read them in the host's zone. */
function parseTimestamp(value: string): number {
  const text = value.trim();
  const usual = parseUsualUtc(text);
  if (!Number.isNaN(usual)) return usual;
  if (!ISO_DATE_TIME.test(text)) return Number.NaN;
  // The usual form (`2026-11-05T12:00:00.000Z`) answers the offset test at once.
  const last = text.charCodeAt(text.length - 1);
  const hasOffset =
    (text.charCodeAt(10) === 84 && (last === 90 || last === 122)) || (/(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T'));
  return Date.parse(hasOffset ? text : text.includes('T') ? `${text}Z` : `${text}T00:00:00Z`);
}

/**
 * The form nearly every vendor sends, `YYYY-MM-DDTHH:MM:SS[.mmm]Z` with a real calendar date, read digit
 * by digit (a ledger holds hundreds; this is a fifth of the regular expressions and `Date.parse`, with
 * the same result); NaN for anything else, which the general path then reads.
 */
function parseUsualUtc(text: string): number {
  const n = text.length;
  if ((n !== 20 && n !== 24) || text.charCodeAt(n - 1) !== 90) return Number.NaN;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84) return Number.NaN;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || (n === 24 && text.charCodeAt(19) !== 46)) return Number.NaN;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const ms = n === 24 ? digitsAt(text, 20, 3) : 0;
  // NaN fails every comparison, so a non-digit anywhere falls through to the general path too.
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return Number.NaN;
  if (!(hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** An ISO 8601 timestamp (UTC unless it carries an offset), as a Date. */
export const timestamp = z.pipe(
  z.custom<string>((value) => typeof value === 'string', { error: 'expected an ISO 8601 date-time' }),
  // Parsed once, here (a ledger holds hundreds of them): an unreadable string is the same issue as a non-string.
  z.transform((value: string, ctx) => {
    const ms = parseTimestamp(value);
    if (Number.isNaN(ms)) {
      ctx.issues.push({ code: 'custom', message: 'expected an ISO 8601 date-time', input: value });
      return z.NEVER;
    }
    return new Date(ms);
  }),
);

/** An id that vendors send as a string or an integer; kept as a string. */
export const identifier = z.pipe(
  z.custom<string | number>(
    (value) => (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)),
    { error: 'expected a string or number id' },
  ),
  z.transform((value: string | number) => String(value)),
);

/** The longest free text kept from a vendor (a ledger entry's description). */
const MAX_TEXT = 500;

/** Free text that a vendor may leave out or send as null; control characters stripped, length bounded. */
export const optionalText = z.pipe(
  z.nullish(z.string()),
  z.transform((value: string | null | undefined) => (value == null ? undefined : stripControls(value).slice(0, MAX_TEXT))),
);

/** What the hand readers below return for a value they leave to zod. */
export const UNSURE = null;

/** An object as zod's `z.object` accepts it (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `numeric` by hand for a number in range; undefined otherwise (strings are left to zod). */
export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_CREDITS ? value : undefined;
}

/** `numeric.nullish()` read as undefined when absent: the number, undefined, or UNSURE. */
export function readOptionalNumber(value: unknown): number | undefined | typeof UNSURE {
  if (value === undefined || value === null) return undefined;
  return readNumber(value) ?? UNSURE;
}

/** `timestamp` by hand: the Date, or undefined for anything zod must judge. */
export function readTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseTimestamp(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** `identifier` by hand: the id as a string, or undefined. */
export function readIdentifier(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** `optionalText` by hand: the cleaned text, undefined when absent or null, or UNSURE. */
export function readOptionalText(value: unknown): string | undefined | typeof UNSURE {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? stripControls(value).slice(0, MAX_TEXT) : UNSURE;
}

/**
 * Sets an optional field as `z.object` does: present when the input has the key (a JSON null read as
 * undefined included), absent when it does not.
 */
export function setOptional(out: Record<string, unknown>, input: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined || key in input) out[key] = value;
}

/** Rounds away float noise (100 − 99.4 = 0.5999999999999943) from credits computed by subtraction. */
export function roundCredits(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** Where a response came from, for error messages. */
export interface ResponseOrigin {
  readonly provider: ProviderName;
  /** URL path without the query; a note such as ` (offset 200)` may follow. */
  readonly path: string;
  readonly secrets: readonly string[];
}

/** GETs a JSON document and validates it; errors name the URL path (plus `note`) and the field. */
export async function getParsed<T extends z.ZodMiniType>(
  http: HttpClient,
  request: JsonRequest,
  schema: T,
  note = '',
): Promise<z.output<T>> {
  const response = await http.getJson(request);
  return parseResponse(schema, response.body, {
    provider: request.provider,
    // Only an error message needs the path (and the URL parsed for it): most responses never do.
    get path() {
      return urlPath(request.url) + note;
    },
    secrets: request.secrets,
  });
}

/** Validates a response body, or throws a ProviderResponseError naming the first bad field. */
export function parseResponse<T extends z.ZodMiniType>(schema: T, body: unknown, origin: ResponseOrigin): z.output<T> {
  const result = schema.safeParse(body, WITH_ISSUE_TEXT);
  if (result.success) return result.data;
  throw responseError(result.error.issues, body, origin);
}

/** A ProviderResponseError for a body of the wrong shape, with the field path as `field`. */
export function shapeError(field: string, problem: string, origin: ResponseOrigin): ProviderResponseError {
  const message = `${origin.provider} ${origin.path}: ${field === '' ? '(body)' : field}: ${problem}`;
  return new ProviderResponseError(redact(message, origin.secrets), field);
}

function responseError(issues: readonly z.core.$ZodIssue[], body: unknown, origin: ResponseOrigin): ProviderResponseError {
  const first = issues[0];
  if (first === undefined) return shapeError('', 'invalid response', origin);
  const field = formatPath(first.path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return shapeError(field, describeIssue(first, body, origin.secrets) + more, origin);
}

function describeIssue(issue: z.core.$ZodIssue, body: unknown, secrets: readonly string[]): string {
  const found = valueAt(body, issue.path);
  if (!found.present) return 'required field is missing';
  let expectation: string;
  switch (issue.code) {
    case 'invalid_type':
      expectation = `expected ${article(issue.expected)}`;
      break;
    case 'invalid_value':
      expectation = `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
      break;
    default:
      expectation = issue.message;
  }
  return `${expectation}, got ${describeValue(found.value, secrets)}`;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let current: unknown = body;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || !(part in current)) return { present: false };
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return { present: current !== undefined, value: current };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short plain word a vendor sent (`"refund"`, `"abc"`) is worth quoting; anything else is described by its kind. */
const QUOTABLE = /^[A-Za-z0-9 _.:-]{0,24}$/;

/**
 * A vendor's value for a message: a short plain word quoted (so `"abc"`, `abc` and `""` read differently),
 * anything longer or stranger — which may be a key echoed back in any encoding — only by its kind and length.
 */
export function describeValue(value: unknown, secrets: readonly string[] = []): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return QUOTABLE.test(value) && redact(value, secrets) === value
        ? JSON.stringify(value)
        : `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
