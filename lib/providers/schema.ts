import * as z from 'zod';
import { ProviderResponseError } from '../errors.js';
import { redact } from '../redact.js';
import { urlPath, type HttpClient, type JsonRequest } from './http.js';
import type { ProviderName } from '../model.js';
import { formatPath } from '../format-path.js';

const NUMERIC_STRING = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A finite number, or a string holding one (`"12.5"`); `""`, `"abc"` and null are errors, never 0. */
export const numeric = z
  .custom<number | string>((value) => typeof value === 'number' || typeof value === 'string', {
    error: 'expected a number',
  })
  .transform((value, ctx) => {
    const parsed = typeof value === 'number' ? value : NUMERIC_STRING.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(parsed)) {
      ctx.issues.push({ code: 'custom', message: 'expected a number', input: value });
      return z.NEVER;
    }
    return parsed;
  });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Vendors' timestamps are UTC; without an offset, `Date` would read them in the host's zone. */
function parseTimestamp(value: string): number {
  const text = value.trim();
  if (!ISO_DATE_TIME.test(text)) return Number.NaN;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T');
  return Date.parse(hasOffset ? text : text.includes('T') ? `${text}Z` : `${text}T00:00:00Z`);
}

/** An ISO 8601 timestamp (UTC unless it carries an offset), as a Date. */
export const timestamp = z
  .custom<string>((value) => typeof value === 'string', { error: 'expected an ISO 8601 date-time' })
  // Parsed once, here (a ledger holds hundreds of them): an unreadable string is the same issue as a non-string.
  .transform((value, ctx) => {
    const ms = parseTimestamp(value);
    if (Number.isNaN(ms)) {
      ctx.issues.push({ code: 'custom', message: 'expected an ISO 8601 date-time', input: value });
      return z.NEVER;
    }
    return new Date(ms);
  });

/** An id that vendors send as a string or an integer; kept as a string. */
export const identifier = z
  .custom<string | number>(
    (value) => (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)),
    { error: 'expected a string or number id' },
  )
  .transform(String);

/** Free text that a vendor may leave out or send as null. */
export const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

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
export async function getParsed<T extends z.ZodType>(
  http: HttpClient,
  request: JsonRequest,
  schema: T,
  note = '',
): Promise<z.output<T>> {
  const response = await http.getJson(request);
  return parseResponse(schema, response.body, {
    provider: request.provider,
    path: urlPath(request.url) + note,
    secrets: request.secrets,
  });
}

/** Validates a response body, or throws a ProviderResponseError naming the first bad field. */
export function parseResponse<T extends z.ZodType>(schema: T, body: unknown, origin: ResponseOrigin): z.output<T> {
  const result = schema.safeParse(body);
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

/** Short and quoted, so `"abc"` and `abc` and `""` read differently; redacted before it is cut short. */
export function describeValue(value: unknown, secrets: readonly string[] = []): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const quoted = JSON.stringify(redact(value, secrets));
      return quoted.length > 60 ? `${quoted.slice(0, 57)}…"` : quoted;
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
