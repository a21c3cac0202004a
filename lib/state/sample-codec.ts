import type { BalanceSample } from './types.js';

// Balance samples as compact text, for the DynamoDB store (whose write units are bytes). The usual form,
// `b<k>:<t>,<m>[,<u>];<dt>,<dm>[,<u>];…`, keeps each instant in epoch milliseconds and each balance as
// an integer count m of 10^-k credits, the first sample absolute and every other as the difference from
// the one before, all in base 36: an hourly sample takes ~9 bytes instead of the ~40 of
// `["<ISO>",<n>]`. Balances that went through floating-point arithmetic (3244.1000000000004) are the
// nearest double to m × 10^-k moved by u units in the last place, so every round trip is exact. What
// cannot be written so (an instant that is not a canonical ISO string, a balance beyond 2^52 × 10^-k)
// falls back to JSON pairs, `j[["<at>",<available>],…]`.

const BASE = 36;
const MAX_SCALE = 9;
/** Half the safe-integer range, so that differences of two scaled balances stay exact. */
const MAX_SCALED = 2 ** 52;
/**
 * A balance this few units in the last place from a k-decimal number is that number plus rounding noise
 * (sums drift by more than a unit): writing the units takes at most 2 characters, one more decimal ~0.65.
 */
const NOISE_ULPS = 36 ** 2 - 1;
const bits = new DataView(new ArrayBuffer(8));

/** Samples ready to be written: per sample, its token as the first of a run and as the successor of the one before. */
export interface SampleTokens {
  readonly count: number;
  /** The text that starts a run (its format and scale). */
  readonly header: string;
  /** Sample `i` written absolute: what starts a run. */
  first(i: number): string;
  /** Sample `i` written as the difference from sample `i - 1`. */
  next(i: number): string;
}

/** The compact text of these samples (in their order). */
export function encodeSamples(samples: readonly BalanceSample[]): string {
  const tokens = sampleTokens(samples);
  if (tokens === undefined) return jsonSamples(samples);
  return runText(tokens, 0, samples.length);
}

/** The text of samples `from` (included) to `to` (excluded), as `encodeSamples` writes them. */
export function runText(tokens: SampleTokens, from: number, to: number): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(i === from ? tokens.first(i) : tokens.next(i));
  return tokens.header + parts.join(';');
}

/** Tokens of the compact form, or undefined when some sample cannot be written so (use `jsonSamples`). */
export function sampleTokens(samples: readonly BalanceSample[]): SampleTokens | undefined {
  const ms: number[] = [];
  for (const sample of samples) {
    const at = Date.parse(sample.at);
    if (!Number.isFinite(at) || isoInstant(at) !== sample.at) return undefined;
    ms.push(at);
  }
  const scale = Math.max(0, ...samples.map((s) => scaleOf(s.available)));
  const factor = 10 ** scale;
  const scaled: number[] = [];
  const ulps: number[] = [];
  for (const { available } of samples) {
    const m = Math.round(available * factor) + 0; // never -0, which base 36 cannot write
    const u = Math.abs(m) <= MAX_SCALED ? ulpsFrom(m / factor, available) : undefined;
    if (u === undefined) return undefined;
    scaled.push(m);
    ulps.push(u);
  }
  const token = (i: number, t: number, m: number): string =>
    `${t.toString(BASE)},${m.toString(BASE)}${ulps[i] === 0 ? '' : `,${ulps[i]!.toString(BASE)}`}`;
  return {
    count: samples.length,
    header: `b${scale}:`,
    first: (i) => token(i, ms[i]!, scaled[i]!),
    next: (i) => token(i, ms[i]! - ms[i - 1]!, scaled[i]! - scaled[i - 1]!),
  };
}

/** The JSON form, for samples the compact form cannot hold exactly. */
export function jsonSamples(samples: readonly BalanceSample[]): string {
  return `j${JSON.stringify(samples.map((s) => [s.at, s.available]))}`;
}

/** The samples of a text written by `encodeSamples`; throws on anything else. */
export function decodeSamples(text: string): BalanceSample[] {
  if (text.startsWith('j')) return decodeJson(text.slice(1));
  const header = /^b(\d):/.exec(text);
  if (header === null) throw new Error('unknown balance-sample format');
  return decodeCompact(text.slice(header[0].length), 10 ** Number(header[1]));
}

/** `<dt>,<dm>[,<u>]` separated by `;`, read in one pass (a load reads every sample of every balance-only account). */
function decodeCompact(body: string, factor: number): BalanceSample[] {
  const samples: BalanceSample[] = [];
  let pos = 0;
  const read = (): number => {
    const negative = body.charCodeAt(pos) === 45; // '-'
    if (negative) pos++;
    const start = pos;
    let value = 0;
    for (; pos < body.length; pos++) {
      const c = body.charCodeAt(pos);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : -1;
      if (digit < 0) break;
      value = value * BASE + digit;
    }
    if (pos === start || !Number.isSafeInteger(value)) throw new Error(`malformed balance-sample number at ${start}`);
    return negative ? -value : value;
  };
  const expect = (code: number): void => {
    if (body.charCodeAt(pos) !== code) throw new Error(`malformed balance sample at ${pos}`);
    pos++;
  };
  let t = 0;
  let m = 0;
  while (pos < body.length) {
    if (samples.length > 0) expect(59); // ';'
    t += read();
    expect(44); // ','
    m += read();
    const nearest = m / factor;
    let available = nearest;
    if (body.charCodeAt(pos) === 44) {
      pos++;
      available = movedBy(nearest, read());
    }
    samples.push({ at: isoInstant(t), available });
  }
  return samples;
}

/** The fewest decimals (0–9) that write `value` up to rounding noise (9 when none does). */
function scaleOf(value: number): number {
  for (let scale = 0; scale < MAX_SCALE; scale++) {
    const factor = 10 ** scale;
    const m = Math.round(value * factor);
    // `m / factor` is the double nearest the decimal m × 10^-scale: what is read back before moving by u.
    const u = Math.abs(m) <= MAX_SCALED ? ulpsFrom(m / factor, value) : undefined;
    if (u !== undefined && Math.abs(u) <= NOISE_ULPS) return scale;
  }
  return MAX_SCALE;
}

/** How many units in the last place `value` lies from `base` (the difference of their bit patterns), when a safe integer. */
function ulpsFrom(base: number, value: number): number | undefined {
  if (base === value && !Object.is(base, -0) && !Object.is(value, -0)) return 0;
  const difference = bitsOf(value) - bitsOf(base);
  const n = Number(difference);
  return Number.isSafeInteger(n) ? n : undefined;
}

function movedBy(base: number, ulps: number): number {
  bits.setFloat64(0, base);
  // Rounding noise is a few units: add them to the low word and carry, without BigInt (ten times slower).
  const low = bits.getUint32(4) + ulps;
  if (Math.abs(ulps) < 2 ** 31) {
    const carry = Math.floor(low / 2 ** 32);
    bits.setUint32(4, low - carry * 2 ** 32);
    bits.setUint32(0, (bits.getUint32(0) + carry) >>> 0);
  } else {
    bits.setBigInt64(0, bits.getBigInt64(0) + BigInt(ulps));
  }
  return bits.getFloat64(0);
}

const DAY_MS = 86_400_000;
/** The last instant `toISOString` writes with a four-digit year. */
const LAST_FOUR_DIGIT_YEAR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** `YYYY-MM-DDThh:mm:ss.sssZ` as character codes, the date part that of `isoDay`. */
const isoCodes = [...'0000-00-00T00:00:00.000Z'].map((c) => c.charCodeAt(0));
let isoDay = Number.NaN;

/**
 * `new Date(ms).toISOString()`, three times faster for runs of instants in the same day (the date part is
 * kept), and a flat string (a template literal would build a rope that every comparison flattens again).
 */
export function isoInstant(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS && Number.isInteger(ms))) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    const date = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 11; i++) isoCodes[i] = date.charCodeAt(i);
  }
  const t = ms - day * DAY_MS;
  const h = Math.floor(t / 3_600_000);
  const min = Math.floor(t / 60_000) % 60;
  const sec = Math.floor(t / 1000) % 60;
  const milli = t % 1000;
  isoCodes[11] = 48 + Math.floor(h / 10);
  isoCodes[12] = 48 + (h % 10);
  isoCodes[14] = 48 + Math.floor(min / 10);
  isoCodes[15] = 48 + (min % 10);
  isoCodes[17] = 48 + Math.floor(sec / 10);
  isoCodes[18] = 48 + (sec % 10);
  isoCodes[20] = 48 + Math.floor(milli / 100);
  isoCodes[21] = 48 + (Math.floor(milli / 10) % 10);
  isoCodes[22] = 48 + (milli % 10);
  return String.fromCharCode.apply(null, isoCodes);
}

function bitsOf(value: number): bigint {
  bits.setFloat64(0, value);
  return bits.getBigInt64(0);
}

function decodeJson(text: string): BalanceSample[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('balance samples are not a list');
  return parsed.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'number') {
      throw new Error('malformed balance sample');
    }
    return { at: pair[0], available: pair[1] };
  });
}
