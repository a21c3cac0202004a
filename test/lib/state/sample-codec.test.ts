import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSamples, encodeSamples, isoInstant } from '../../../lib/state/sample-codec.js';
import type { BalanceSample } from '../../../lib/state/types.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-10-01T00:00:00Z');

/** Hourly samples (with a few milliseconds of jitter, as a live run's clock has), each `step` below the one before. */
function hourly(count: number, step: number, from = 2_000): BalanceSample[] {
  let available = from;
  return Array.from({ length: count }, (_, i) => ({ at: new Date(START + i * HOUR + ((i * 7) % 13)).toISOString(), available: (available -= step) }));
}

describe('encodeSamples / decodeSamples', () => {
  it('round-trips balances exactly, floating-point noise included', () => {
    // Prepare: subtracting 1.3 again and again gives values such as 1985.6999999999996.
    const samples = hourly(200, 1.3);

    // Act
    const text = encodeSamples(samples);

    // Assess
    expect(samples.some((s) => String(s.available).length > 12)).toBe(true);
    expect(decodeSamples(text)).toEqual(samples);
  });

  it('takes about 10 bytes a sample for hourly samples, a quarter of the JSON form', () => {
    // Prepare
    const samples = hourly(960, 0.25);

    // Act
    const text = encodeSamples(samples);

    // Assess
    expect(text.length / samples.length).toBeLessThan(12);
    expect(text.length).toBeLessThan(JSON.stringify(samples.map((s) => [s.at, s.available])).length / 3);
  });

  it('round-trips any finite balance and any ordering of canonical instants (property)', () => {
    const sample = fc.record({
      at: fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }).map((ms) => new Date(ms).toISOString()),
      available: fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
        fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100),
        fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 9 })).map(([n, k]) => n * (1 / 10 ** k)),
      ),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 50 }), (samples) => {
        expect(decodeSamples(encodeSamples(samples))).toEqual(samples);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps instants that are not canonical ISO strings as they are (the JSON form)', () => {
    // Prepare
    const samples = [
      { at: '2026-11-10T12:00:00Z', available: 5 },
      { at: '2026-11-10T13:00:00.000Z', available: 4 },
    ];

    // Act
    const text = encodeSamples(samples);

    // Assess
    expect(text.startsWith('j')).toBe(true);
    expect(decodeSamples(text)).toEqual(samples);
  });

  it('round-trips an empty list', () => {
    expect(decodeSamples(encodeSamples([]))).toEqual([]);
  });

  it.each(['', 'x1,2', 'b2:1,2;3', 'b2:1,2,3,4', 'b2:1,2;!,3', 'j{"a":1}', 'j[["2026-11-10T12:00:00.000Z","5"]]'])('rejects malformed text %j', (text) => {
    expect(() => decodeSamples(text)).toThrow();
  });

  it('writes instants exactly as toISOString does (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5_000 },
    );
  });
});
