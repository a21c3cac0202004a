// Text a vendor sent us, made safe before it reaches a message, a report or an alert: decoded (so a key
// echoed JSON- or HTML-escaped is recognised), stripped of terminal escapes and control characters,
// redacted, and cut short. Only known fields of an error body are taken, never the whole body.
import { redact } from '../redact.js';

/** The longest vendor text a message shows. */
export const MAX_VENDOR_TEXT = 200;
/** One field of an error body (a code, a message) is cut to this before it is joined to the others. */
const MAX_FIELD = 100;
/** Nobody reads further than this into a body, and decoding it must stay cheap. */
const MAX_SCANNED = 16 * 1024;

const ERROR_FIELDS = ['error_code', 'code', 'err_code', 'error', 'message', 'err_msg', 'detail', 'title'] as const;
const NESTED_FIELDS = ['code', 'type', 'message', 'detail'] as const;

/** Vendor text decoded, stripped of control characters and markup, redacted and cut to `max` characters. */
export function vendorText(raw: string, secrets: readonly string[], max = MAX_VENDOR_TEXT): string {
  const decoded = decodeEscapes(raw.length > MAX_SCANNED ? raw.slice(0, MAX_SCANNED) : raw);
  const readable = /^\s*</.test(decoded) ? stripMarkup(decoded) : decoded;
  const clean = redact(stripControls(readable), secrets).replace(/\s+/g, ' ').trim();
  if (clean === '') return '(empty body)';
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Every character that stripControls removes or replaces (an escape sequence starts with one). */
const STRIPPED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** Removes terminal escape sequences, control characters (CR/LF, bell …) and invisible direction marks. */
export function stripControls(text: string): string {
  // Nearly every vendor text is clean: one test instead of five replacements (a ledger has hundreds).
  if (!STRIPPED.test(text)) return text;
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g, '')
    .replace(/\u001b[@-_]?/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '');
}

/** The vendor's own words about a failure: known fields of a JSON error body, else the start of the body. */
export function vendorSays(body: unknown, text: string, secrets: readonly string[]): string {
  const fields = errorFields(body);
  if (fields.length > 0) return vendorText(fields.map((field) => field.slice(0, MAX_FIELD)).join(': '), secrets);
  return vendorText(text, secrets);
}

/** Whether a parsed body looks like an error object (so a missing field can say so). */
export function looksLikeError(body: unknown): boolean {
  return isRecord(body) && ['error', 'errors', 'error_code', 'err_code', 'err_msg'].some((name) => Object.hasOwn(body, name));
}

function errorFields(body: unknown): string[] {
  if (!isRecord(body)) return [];
  const parts: string[] = [];
  for (const name of ERROR_FIELDS) {
    const value = Object.hasOwn(body, name) ? body[name] : undefined;
    if (typeof value === 'string' || typeof value === 'number') parts.push(String(value));
    else if (name === 'error') parts.push(...nestedFields(value));
  }
  if (Array.isArray(body['errors'])) parts.push(...nestedFields(body['errors'][0]));
  return [...new Set(parts)];
}

function nestedFields(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!isRecord(value)) return [];
  return NESTED_FIELDS.map((name) => (Object.hasOwn(value, name) ? value[name] : undefined)).flatMap((v) =>
    typeof v === 'string' || typeof v === 'number' ? [String(v)] : [],
  );
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", sol: '/', bsol: '\\', plus: '+', equals: '=', colon: ':',
  num: '#', percnt: '%', lowbar: '_', period: '.', comma: ',', excl: '!', quest: '?', nbsp: ' ', dash: '-', hyphen: '-',
};

/** Decodes JSON string escapes (`\/`, `\uXXXX`) and HTML entities, so an escaped key reads as the key. */
function decodeEscapes(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([\\/"'])/g, '$1')
    .replace(/\\[nrtbf]/g, ' ')
    .replace(/&#(\d{1,7});?/g, (whole, dec: string) => fromCodePoint(Number(dec), whole))
    .replace(/&#x([0-9a-fA-F]{1,6});?/g, (whole, hex: string) => fromCodePoint(parseInt(hex, 16), whole))
    .replace(/&([a-zA-Z]{2,8});/g, (whole, name: string) => NAMED_ENTITIES[name.toLowerCase()] ?? whole);
}

function fromCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

function stripMarkup(html: string): string {
  return html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
