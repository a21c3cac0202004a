import { describe, expect, it } from 'vitest';
import { throughputBound, type CheckLimits } from '../../bench/lib/bound.js';
import { median } from '../../bench/lib/stats.js';
import { accountNeeds, benchSpec, benchSpecs } from '../../bench/lib/workload.js';

const LIMITS: CheckLimits = {
  accountConcurrency: 16,
  vendorConcurrency: { pictory: 8, 'account-api': 8, pixelcut: 8 },
  perSecondPerKey: { pictory: Infinity, 'account-api': Infinity, pixelcut: 5 },
};

describe('the throughput lower bound', () => {
  it('is the critical path when there are few accounts', () => {
    // Prepare: one account of each vendor, the Account API with 3 ledger pages
    const needs = benchSpecs(3).map((s) => accountNeeds(s, 248, 1));

    // Act
    const bound = throughputBound(needs, 50, LIMITS);

    // Assess
    expect(needs.map((n) => [n.provider, n.requests, n.depth])).toEqual([
      ['pictory', 2, 1],
      ['account-api', 5, 3],
      ['pixelcut', 1, 1],
    ]);
    expect(bound).toMatchObject({ criticalPathMs: 150, boundMs: 150, binding: 'critical path', sequentialBoundMs: 250 });
  });

  it('is the busiest vendor when its requests exceed what its concurrency clears in one critical path', () => {
    // Prepare: 1,000 accounts, 333 of them Account API with 5 requests each
    const needs = benchSpecs(1_000).map((s) => accountNeeds(s, 248, 1));

    // Act
    const bound = throughputBound(needs, 50, LIMITS);

    // Assess: ⌈1665 / 8⌉ × 50 ms
    expect(bound.requests).toEqual({ pictory: 668, 'account-api': 1_665, pixelcut: 333 });
    expect(bound.vendorMs['account-api']).toBe(209 * 50);
    expect(bound).toMatchObject({ boundMs: 10_450, binding: 'account-api concurrency' });
    // Σ depths = 334 + 333 × 3 + 333 = 1666 chains of 50 ms over 16 slots
    expect(bound.accountSlotsMs).toBeCloseTo((1_666 * 50) / 16);
  });

  it('counts a per-key rate limit only for requests sharing a key', () => {
    // Prepare: six Pixelcut requests on one key (5 per second) and one on another
    const shared = { provider: 'pixelcut' as const, requests: 1, depth: 1, rateKey: 'k1' };
    const needs = [...Array.from({ length: 6 }, () => shared), { ...shared, rateKey: 'k2' }];

    // Act
    const bound = throughputBound(needs, 50, { ...LIMITS, vendorConcurrency: { ...LIMITS.vendorConcurrency, pixelcut: Infinity } });

    // Assess: the sixth request on k1 waits a second
    expect(bound).toMatchObject({ rateLimitMs: 1_050, binding: 'rate limit' });
  });
});

describe('the benchmark workload', () => {
  it('gives every account its own key, so Pixelcut limits each account separately', () => {
    const keys = benchSpecs(1_000).map((s) => s.key);
    expect(new Set(keys).size).toBe(1_000);
    expect(benchSpec(2).vendor).toBe('pixelcut');
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
