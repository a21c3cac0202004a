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
/** A balance this few units in the last place from a k-decimal number is that number plus rounding noise. */
const NOISE_ULPS = 8;
const TOKEN = /^-?[0-9a-z]+$/;
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
    if (!Number.isFinite(at) || new Date(at).toISOString() !== sample.at) return undefined;
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
  const factor = 10 ** Number(header[1]);
  const body = text.slice(header[0].length);
  if (body === '') return [];
  const samples: BalanceSample[] = [];
  let t = 0;
  let m = 0;
  for (const part of body.split(';')) {
    const [dt, dm, u, extra] = part.split(',');
    if (extra !== undefined) throw new Error(`malformed balance sample "${part}"`);
    t += integer(dt);
    m += integer(dm);
    const nearest = m / factor;
    samples.push({ at: new Date(t).toISOString(), available: u === undefined ? nearest : movedBy(nearest, integer(u)) });
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
  bits.setBigInt64(0, bitsOf(base) + BigInt(ulps));
  return bits.getFloat64(0);
}

function bitsOf(value: number): bigint {
  bits.setFloat64(0, value);
  return bits.getBigInt64(0);
}

function integer(token: string | undefined): number {
  if (token === undefined || !TOKEN.test(token)) throw new Error(`malformed balance-sample number "${token ?? ''}"`);
  const value = Number.parseInt(token, BASE);
  if (!Number.isSafeInteger(value)) throw new Error(`balance-sample number "${token}" out of range`);
  return value;
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
