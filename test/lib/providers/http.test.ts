import { describe, expect, it } from 'vitest';
import { backoffDelayMs, buildUrl, parseRetryAfter, redact, urlPath } from '../../../lib/providers/http.js';

describe('backoffDelayMs', () => {
  it('grows exponentially from the base and never exceeds the cap', () => {
    // Prepare: the largest jitter draw, so the delay sits at its ceiling.
    const options = { baseDelayMs: 250, maxDelayMs: 8_000, random: () => 0.999999 };

    // Act
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 40].map((retry) => backoffDelayMs(retry, options));

    // Assess
    expect(delays).toEqual([249, 499, 999, 1_999, 3_999, 7_999, 7_999, 7_999, 7_999]);
  });

  it('draws uniformly between 0 and the ceiling (full jitter)', () => {
    // Prepare
    const draws = [0, 0.25, 0.5, 0.75];
    const base = { baseDelayMs: 100, maxDelayMs: 8_000 };

    // Act
    const delays = draws.map((r) => backoffDelayMs(3, { ...base, random: () => r }));

    // Assess: ceiling for retry 3 is 800 ms.
    expect(delays).toEqual([0, 200, 400, 600]);
  });

  it('stays within [0, cap] even when the random source misbehaves', () => {
    // Prepare
    const options = { baseDelayMs: 250, maxDelayMs: 1_000 };

    // Act
    const low = backoffDelayMs(2, { ...options, random: () => -3 });
    const high = backoffDelayMs(8, { ...options, random: () => 7 });

    // Assess
    expect(low).toBe(0);
    expect(high).toBe(1_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates relative to the given clock, and rejects junk', () => {
    // Prepare
    const now = Date.parse('2026-05-08T12:00:00Z');

    // Act
    const seconds = parseRetryAfter('3', now);
    const fractional = parseRetryAfter('1.5', now);
    const date = parseRetryAfter('Fri, 08 May 2026 12:00:07 GMT', now);
    const past = parseRetryAfter('Fri, 08 May 2026 11:00:00 GMT', now);
    const junk = parseRetryAfter('soon', now);
    const absent = parseRetryAfter(null, now);

    // Assess
    expect(seconds).toBe(3_000);
    expect(fractional).toBe(1_500);
    expect(date).toBe(7_000);
    expect(past).toBe(0);
    expect(junk).toBeUndefined();
    expect(absent).toBeUndefined();
  });
});

describe('redact', () => {
  it('replaces every occurrence of every secret, including URL-encoded ones, and ignores empty secrets', () => {
    // Prepare
    const key = 'pictai_s3cr3t/+=';
    const text = `key ${key} again ${key} encoded ${encodeURIComponent(key)} other tok_1`;

    // Act
    const result = redact(text, [key, 'tok_1', '']);

    // Assess
    expect(result).toBe('key [redacted] again [redacted] encoded [redacted] other [redacted]');
  });

  it('replaces a longer secret whole when a shorter one is inside it', () => {
    // Act
    const result = redact('abc-LONG-secret', ['LONG', 'abc-LONG-secret']);

    // Assess
    expect(result).toBe('[redacted]');
  });
});

describe('buildUrl and urlPath', () => {
  it('tolerates trailing slashes and keeps the query out of the path', () => {
    // Act
    const url = buildUrl('http://127.0.0.1:9/base//', '/v1/credits', { year: 2026, month: 5 });

    // Assess
    expect(url).toBe('http://127.0.0.1:9/base/v1/credits?year=2026&month=5');
    expect(urlPath(url)).toBe('/base/v1/credits');
  });
});
