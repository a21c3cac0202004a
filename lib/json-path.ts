// The PATH syntax of the `json` provider (DESIGN.md, "Contract additions"): dot-separated keys, `[n]`
// index, `[key=value]` (the array item whose key equals the value), `[*]` (the sum over all items).
// Pure and import-free: the budgets file validates PATHs with it, the json adapter reads bodies with it.

/** One step of a PATH. */
export type PathStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'match'; readonly key: string; readonly value: string }
  | { readonly kind: 'sum' };

/** A parsed PATH and the text it came from. */
export interface JsonPath {
  readonly text: string;
  readonly steps: readonly PathStep[];
}

export type PathParse = { readonly ok: true; readonly path: JsonPath } | { readonly ok: false; readonly error: string };

/** Long enough for any vendor's field, short enough that a PATH cannot be used to burn CPU. */
export const MAX_PATH_LENGTH = 256;
const MAX_STEPS = 32;
const KEY = /^[A-Za-z0-9_$@:-]+/;
const INDEX = /^\[(\d{1,6})\]/;
const SUM = /^\[\*\]/;
const MATCH = /^\[([A-Za-z0-9_$@:-]+)=([^\]\[]{1,100})\]/;

/** Parses a PATH such as `balances[currency=USD].amount`; the error says where and why it cannot. */
export function parseJsonPath(text: string): PathParse {
  if (text.trim() === '') return { ok: false, error: 'is empty' };
  if (text.length > MAX_PATH_LENGTH) return { ok: false, error: `is longer than ${MAX_PATH_LENGTH} characters` };
  const steps: PathStep[] = [];
  let rest = text;
  while (rest !== '') {
    const at = text.length - rest.length;
    const step = nextStep(rest, at === 0);
    if (step === undefined) return { ok: false, error: unexpected(text, at) };
    steps.push(step.step);
    rest = rest.slice(step.length);
    if (steps.length > MAX_STEPS) return { ok: false, error: `has more than ${MAX_STEPS} steps` };
  }
  return { ok: true, path: { text, steps } };
}

function nextStep(rest: string, first: boolean): { step: PathStep; length: number } | undefined {
  const dotted = !first && rest.startsWith('.') ? KEY.exec(rest.slice(1)) : null;
  if (dotted !== null) return { step: { kind: 'key', key: dotted[0] }, length: dotted[0].length + 1 };
  const bare = first ? KEY.exec(rest) : null;
  if (bare !== null) return { step: { kind: 'key', key: bare[0] }, length: bare[0].length };
  const index = INDEX.exec(rest);
  if (index !== null) return { step: { kind: 'index', index: Number(index[1]) }, length: index[0].length };
  const sum = SUM.exec(rest);
  if (sum !== null) return { step: { kind: 'sum' }, length: sum[0].length };
  const match = MATCH.exec(rest);
  if (match !== null) {
    return { step: { kind: 'match', key: match[1] ?? '', value: (match[2] ?? '').trim() }, length: match[0].length };
  }
  return undefined;
}

function unexpected(text: string, at: number): string {
  const found = text[at] === undefined ? 'the end' : JSON.stringify(text[at]);
  return `unexpected ${found} at character ${at + 1} (expected ${at === 0 ? 'a key' : '".key"'}, [n], [key=value] or [*])`;
}

/** What a PATH led to: a value, or where it broke and what was there (a type, never the value). */
export type PathRead<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly at: string; readonly problem: string };

const NUMERIC_STRING = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Reads a number (or a numeric string) at `path`; `[*]` sums the numbers over every item. */
export function readNumberAt(body: unknown, path: JsonPath): PathRead<number> {
  return walkNumber(body, path.steps, 0, '');
}

/** Reads a string at `path` (no `[*]`: a sum of strings means nothing). */
export function readStringAt(body: unknown, path: JsonPath): PathRead<string> {
  let current: unknown = body;
  let at = '';
  for (const step of path.steps) {
    const next = stepInto(current, step, at);
    if (!next.ok) return next;
    current = next.value;
    at = next.at;
  }
  return typeof current === 'string' ? { ok: true, value: current } : { ok: false, at, problem: `expected text, found ${describeType(current)}` };
}

function walkNumber(current: unknown, steps: readonly PathStep[], from: number, at: string): PathRead<number> {
  for (let i = from; i < steps.length; i += 1) {
    const step = steps[i]!;
    if (step.kind === 'sum') return sumItems(current, steps, i + 1, at);
    const next = stepInto(current, step, at);
    if (!next.ok) return next;
    current = next.value;
    at = next.at;
  }
  return asNumber(current, at);
}

function sumItems(current: unknown, steps: readonly PathStep[], from: number, at: string): PathRead<number> {
  if (!Array.isArray(current)) return { ok: false, at: at || '(body)', problem: `expected an array to sum over, found ${describeType(current)}` };
  if (current.length === 0) return { ok: false, at: at || '(body)', problem: 'found an empty array: nothing to sum' };
  let total = 0;
  for (let index = 0; index < current.length; index += 1) {
    const item = walkNumber(current[index], steps, from, `${at}[${index}]`);
    if (!item.ok) return item;
    total += item.value;
  }
  return Number.isFinite(total) ? { ok: true, value: total } : { ok: false, at: `${at}[*]`, problem: 'the sum is not a finite number' };
}

type Stepped = { readonly ok: true; readonly value: unknown; readonly at: string } | { readonly ok: false; readonly at: string; readonly problem: string };

function stepInto(current: unknown, step: PathStep, at: string): Stepped {
  switch (step.kind) {
    case 'key': {
      const here = at === '' ? step.key : `${at}.${step.key}`;
      if (!isRecord(current)) return { ok: false, at: here, problem: `missing (${at || 'the body'} is ${describeType(current)}, not an object)` };
      if (!Object.hasOwn(current, step.key)) return { ok: false, at: here, problem: 'missing' };
      return { ok: true, value: current[step.key], at: here };
    }
    case 'index': {
      const here = `${at}[${step.index}]`;
      if (!Array.isArray(current)) return { ok: false, at: here, problem: `missing (${at || 'the body'} is ${describeType(current)}, not an array)` };
      if (step.index >= current.length) return { ok: false, at: here, problem: `missing (the array has ${current.length} item${current.length === 1 ? '' : 's'})` };
      return { ok: true, value: current[step.index], at: here };
    }
    case 'match':
      return matchItem(current, step, at);
    case 'sum':
      return { ok: false, at: `${at}[*]`, problem: 'a sum cannot lead to text' };
  }
}

function matchItem(current: unknown, step: { readonly key: string; readonly value: string }, at: string): Stepped {
  const here = `${at}[${step.key}=${step.value}]`;
  if (!Array.isArray(current)) return { ok: false, at: here, problem: `missing (${at || 'the body'} is ${describeType(current)}, not an array)` };
  const index = current.findIndex(
    (item) => isRecord(item) && Object.hasOwn(item, step.key) && matches(item[step.key], step.value),
  );
  if (index === -1) return { ok: false, at: here, problem: `missing (no item of ${current.length} has ${step.key} equal to ${step.value})` };
  return { ok: true, value: current[index], at: here };
}

function matches(candidate: unknown, value: string): boolean {
  if (typeof candidate === 'string') return candidate === value;
  return (typeof candidate === 'number' || typeof candidate === 'boolean') && String(candidate) === value;
}

function asNumber(value: unknown, at: string): PathRead<number> {
  const where = at || '(body)';
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, at: where, problem: 'expected a number, found a number that is not finite' };
  }
  if (typeof value === 'string' && NUMERIC_STRING.test(value)) {
    const parsed = Number(value);
    if (Number.isFinite(parsed)) return { ok: true, value: parsed };
    return { ok: false, at: where, problem: 'expected a number, found a numeric string that is not finite' };
  }
  return { ok: false, at: where, problem: `expected a number, found ${describeType(value)}` };
}

/** The kind of a JSON value, never its content: vendor values may carry secrets. */
export function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      return value.trim() === '' ? 'an empty string' : 'text that is not a number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
