/**
 * A formatter built on first use, then reused (formatters are immutable). Not at module load: the first Intl
 * object of a process starts ICU (~18 ms), which a check that renders no text should not pay at cold start.
 */
function builtOnUse(options: Intl.NumberFormatOptions): () => Intl.NumberFormat {
  let formatter: Intl.NumberFormat | undefined;
  return () => (formatter ??= new Intl.NumberFormat('en-US', options));
}

const grouped = builtOnUse({ maximumFractionDigits: 2 });
const percentFormat = builtOnUse({ maximumFractionDigits: 1 });

/** A number with at most 2 decimals and thousands separators: `12,345.67`. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'n/a' : n > 0 ? 'unlimited' : '-unlimited';
  // -0 and tiny negatives rounding to 0 would print "-0".
  const text = grouped().format(n);
  return text === '-0' ? '0' : text;
}

/** Credits, or an amount in the vendor's currency where it gives one: `412.5 credits`, `88 USD`. */
export function formatAmount(n: number, currency?: string): string {
  return `${formatNumber(n)} ${currency ?? 'credits'}`;
}

/** A percent with at most one decimal: `82.5%`. */
export function formatPercent(n: number): string {
  if (!Number.isFinite(n)) return formatNumber(n);
  const text = percentFormat().format(n);
  return `${text === '-0' ? '0' : text}%`;
}

/** A span of days in words: `2.1 days`, `1 day`, `5 hours`, `less than an hour`. */
export function formatDays(days: number): string {
  if (!Number.isFinite(days)) return formatNumber(days);
  const abs = Math.abs(days);
  if (abs < 1) {
    const hours = Math.round(abs * 24);
    if (hours < 1) return 'less than an hour';
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const rounded = Math.round(abs * 10) / 10;
  return `${formatNumber(rounded)} day${rounded === 1 ? '' : 's'}`;
}

/** An instant to the minute, in UTC: `2026-11-05 10:00 UTC`. */
export function formatInstant(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Cuts `text` to at most `max` characters, at a word boundary when one is near, ending with `...`
 * (three ASCII dots: '…' is not in every channel's character set).
 */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const ellipsis = '...';
  let cut = chars.slice(0, Math.max(0, max - ellipsis.length)).join('');
  const space = cut.lastIndexOf(' ');
  if (space >= cut.length * 0.7) cut = cut.slice(0, space);
  cut = cut.replace(/[\s.,;:(-]+$/u, '');
  return `${cut}${ellipsis}`;
}

/**
 * The GSM 03.38 basic character set (without ESC and without the extension table, whose characters
 * `^{}[]~\|€` cost two septets and are mangled by some carriers).
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

/** Typographic punctuation and symbols spelled in plain ASCII (shared by the SMS and e-mail subject renderers). */
export const TYPOGRAPHY_TO_ASCII: ReadonlyMap<string, string> = new Map([
  ['‘', "'"],
  ['’', "'"],
  ['‚', "'"],
  ['‛', "'"],
  ['′', "'"],
  ['´', "'"],
  ['“', '"'],
  ['”', '"'],
  ['„', '"'],
  ['″', '"'],
  ['«', '"'],
  ['»', '"'],
  ['…', '...'],
  ['–', '-'],
  ['—', '-'],
  ['―', '-'],
  ['−', '-'],
  ['•', '-'],
  ['·', '-'],
  ['≥', '>='],
  ['≤', '<='],
  ['≈', 'approx. '],
  ['×', 'x'],
  ['→', '->'],
  ['€', 'EUR'],
]);

const GSM7_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ...TYPOGRAPHY_TO_ASCII,
  // ASCII that GSM-7 has only in its two-septet extension table.
  ['`', "'"],
  ['[', '('],
  [']', ')'],
  ['{', '('],
  ['}', ')'],
  ['\\', '/'],
  ['|', '/'],
  ['^', ''],
  ['~', ''],
]);

/** Whether every character of `text` is in the GSM-7 basic set (no extension characters). */
export function isGsm7Basic(text: string): boolean {
  for (const ch of text) if (!GSM7_BASIC.has(ch)) return false;
  return true;
}

/**
 * Rewrites `text` into the GSM-7 basic set on one line: typographic punctuation becomes ASCII,
 * accents not in the set are stripped, whitespace (including no-break spaces and newlines) becomes one
 * space, and anything else (emoji, other scripts) is dropped.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/\s/u.test(ch)) {
      out += ' ';
      continue;
    }
    if (GSM7_BASIC.has(ch)) {
      out += ch;
      continue;
    }
    const replacement = GSM7_REPLACEMENTS.get(ch);
    if (replacement !== undefined) {
      out += [...replacement].filter((c) => GSM7_BASIC.has(c)).join('');
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    if (base !== '' && [...base].every((c) => GSM7_BASIC.has(c))) out += base;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}
