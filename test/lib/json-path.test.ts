import { describe, expect, it } from 'vitest';
import { parseJsonPath, readNumberAt, readStringAt, type JsonPath } from '../../lib/json-path.js';

function path(text: string): JsonPath {
  const parsed = parseJsonPath(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse: ${parsed.error}`);
  return parsed.path;
}

const BODY = {
  data: { remaining: '12.5', limit: 100, used: 87.5, currency: 'EUR', nothing: null, text: 'lots', nested: { a: 1 } },
  balances: [
    { currency: 'EUR', amount: 3 },
    { currency: 'USD', amount: '4.25' },
  ],
  list: [7, 8, 9],
  flags: [{ on: true, n: 1 }],
};

describe('parseJsonPath', () => {
  it('parses dot keys, [n], [key=value] and [*] into steps', () => {
    // Act
    const parsed = parseJsonPath('data.items[2].balances[currency=USD].parts[*].amount');

    // Assess
    expect(parsed.ok && parsed.path.steps).toEqual([
      { kind: 'key', key: 'data' },
      { kind: 'key', key: 'items' },
      { kind: 'index', index: 2 },
      { kind: 'key', key: 'balances' },
      { kind: 'match', key: 'currency', value: 'USD' },
      { kind: 'key', key: 'parts' },
      { kind: 'sum' },
      { kind: 'key', key: 'amount' },
    ]);
  });

  it.each([
    ['', 'is empty'],
    ['data..x', 'unexpected "." at character 5'],
    ['.data', 'unexpected "." at character 1'],
    ['data.', 'unexpected "." at character 5'],
    ['data[x]', 'unexpected "[" at character 5'],
    ['data[1', 'unexpected "[" at character 5'],
    ['data[-1]', 'unexpected "[" at character 5'],
    ['da ta', 'unexpected " " at character 3'],
    ['a'.repeat(300), 'is longer than 256 characters'],
    [Array.from({ length: 40 }, () => 'k').join('.'), 'has more than 32 steps'],
  ])('refuses %j, saying where and why', (text, error) => {
    // Act
    const parsed = parseJsonPath(text);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(error);
  });
});

describe('readNumberAt', () => {
  it.each([
    ['data.limit', 100],
    ['data.remaining', 12.5],
    ['list[1]', 8],
    ['balances[currency=USD].amount', 4.25],
    ['balances[*].amount', 7.25],
    ['flags[on=true].n', 1],
  ])('reads %s', (text, value) => {
    // Act
    const read = readNumberAt(BODY, path(text));

    // Assess
    expect(read).toEqual({ ok: true, value });
  });

  it.each([
    ['data.missing', 'data.missing', 'missing'],
    ['data.nothing', 'data.nothing', 'expected a number, found null'],
    ['data.text', 'data.text', 'expected a number, found text that is not a number'],
    ['data.nested', 'data.nested', 'expected a number, found an object'],
    ['balances', 'balances', 'expected a number, found an array'],
    ['list[5]', 'list[5]', 'missing (the array has 3 items)'],
    ['data[0]', 'data[0]', 'missing (data is an object, not an array)'],
    ['data.limit.x', 'data.limit.x', 'missing (data.limit is a number, not an object)'],
    ['balances[currency=GBP].amount', 'balances[currency=GBP]', 'missing (no item of 2 has currency equal to GBP)'],
    ['balances[*].currency', 'balances[0].currency', 'expected a number, found text that is not a number'],
    ['data[*]', 'data', 'expected an array to sum over, found an object'],
  ])('fails on %s at %s, describing the kind of value, never a zero', (text, at, problem) => {
    // Act
    const read = readNumberAt(BODY, path(text));

    // Assess
    expect(read).toEqual({ ok: false, at, problem });
  });

  it('never reads an inherited property such as __proto__ or constructor', () => {
    // Act
    const proto = readNumberAt({}, path('constructor'));
    const parsed = readNumberAt(JSON.parse('{"__proto__": {"x": 5}}'), path('x'));

    // Assess
    expect(proto).toEqual({ ok: false, at: 'constructor', problem: 'missing' });
    expect(parsed).toEqual({ ok: false, at: 'x', problem: 'missing' });
  });

  it('refuses an empty sum and a sum that overflows rather than report 0 or Infinity', () => {
    // Act
    const empty = readNumberAt({ items: [] }, path('items[*]'));
    const huge = readNumberAt({ items: [1.7e308, 1.7e308] }, path('items[*]'));

    // Assess
    expect(empty).toEqual({ ok: false, at: 'items', problem: 'found an empty array: nothing to sum' });
    expect(huge).toEqual({ ok: false, at: 'items[*]', problem: 'the sum is not a finite number' });
  });
});

describe('readStringAt', () => {
  it('reads text and refuses anything else by its kind', () => {
    // Act
    const code = readStringAt(BODY, path('balances[1].currency'));
    const notText = readStringAt(BODY, path('data.limit'));

    // Assess
    expect(code).toEqual({ ok: true, value: 'USD' });
    expect(notText).toEqual({ ok: false, at: 'data.limit', problem: 'expected text, found a number' });
  });
});
