import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { ProviderResponseError } from '../../../lib/errors.js';
import { numeric, parseResponse, timestamp } from '../../../lib/providers/schema.js';

const origin = { provider: 'pictory' as const, path: '/x', secrets: ['pictai_SECRET'] };
const schema = z.object({ value: numeric });

function parseError(body: unknown): ProviderResponseError {
  try {
    parseResponse(schema, body, origin);
  } catch (error) {
    if (error instanceof ProviderResponseError) return error;
    throw error;
  }
  throw new Error('expected a ProviderResponseError');
}

describe('numeric', () => {
  it('accepts numbers and numeric strings', () => {
    // Act
    const values = [42, '42', '12.5', ' -3 ', '1e3', 0].map((value) => parseResponse(schema, { value }, origin).value);

    // Assess
    expect(values).toEqual([42, 42, 12.5, -3, 1_000, 0]);
  });

  it.each([
    ['', 'expected a number, got ""'],
    ['abc', 'expected a number, got "abc"'],
    [null, 'expected a number, got null'],
    ['0x10', 'expected a number, got "0x10"'],
    [true, 'expected a number, got true'],
    [{ n: 1 }, 'expected a number, got an object'],
  ])('rejects %j instead of reading it as 0', (value, problem) => {
    // Act
    const error = parseError({ value });

    // Assess
    expect(error.field).toBe('value');
    expect(error.message).toBe(`pictory /x: value: ${problem}`);
  });

  it('says a required field is missing, and describes a long or odd value by its kind, never its text', () => {
    // Act
    const missing = parseError({});
    const echoed = parseError({ value: `${'x'.repeat(45)}pictai_SECRET${'y'.repeat(20)}` });
    const short = parseError({ value: 'pictai_SECRET' });

    // Assess
    expect(missing.message).toBe('pictory /x: value: required field is missing');
    expect(echoed.message).toBe('pictory /x: value: expected a number, got a string of 78 characters');
    expect(short.message).toBe('pictory /x: value: expected a number, got a string of 13 characters');
    expect(`${echoed.message}${short.message}`).not.toMatch(/pictai|SECRET/);
  });
});

describe('timestamp', () => {
  it('reads ISO date-times as UTC unless they carry an offset, and rejects other text', () => {
    // Prepare
    const schema = z.object({ at: timestamp });
    const read = (at: unknown): unknown => {
      const result = schema.safeParse({ at });
      return result.success ? result.data.at.toISOString() : 'error';
    };

    // Act
    const values = [
      '2026-05-08T15:37:11.176Z',
      '2026-05-08T15:37:11',
      '2026-05-08T17:37:11+02:00',
      '2026-05-08',
      'May 8',
      '',
      1_700_000_000,
    ].map(read);

    // Assess
    expect(values).toEqual([
      '2026-05-08T15:37:11.176Z',
      '2026-05-08T15:37:11.000Z',
      '2026-05-08T15:37:11.000Z',
      '2026-05-08T00:00:00.000Z',
      'error',
      'error',
      'error',
    ]);
  });
});
