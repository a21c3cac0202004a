import { describe, expect, it } from 'vitest';
import {
  adviseNextSteps,
  CATALOGUE,
  describeAlert,
  describeThreshold,
  summarizeForSms,
  type Describable,
} from '../../../lib/alerts/catalogue.js';
import { availabilitySentence, burnRate, joinSentences, reloadSentence, setAsideSentence } from '../../../lib/alerts/sentences.js';
import type { FindingFacts } from '../../../lib/budget/types.js';
import { ALERT_KINDS, type AlertKind, type AlertStatus } from '../../../lib/model.js';

const STATUSES: readonly AlertStatus[] = ['firing', 'resolved'];
const EVENT_KINDS: readonly AlertKind[] = ['budget.actual', 'budget.forecast', 'autoreload.triggered', 'usage.spike'];

/** Every fact a finding can carry, so each kind finds what it speaks of. */
const FULL_FACTS: FindingFacts = {
  period: '2026-11',
  used: 412.5,
  budget: 500,
  forecast: 640,
  available: 88,
  runwayDays: 2.1,
  averageDailyUsed: 42,
  reloadThreshold: 100,
  reloadAmount: 500,
  todayUsed: 90,
  medianDailyUsed: 20,
  errorRate: 12,
  failedRequests: 24,
  totalRequests: 200,
  expiresAt: '2026-11-22T00:00:00.000Z',
  consecutiveFailures: 3,
  errorCode: 'http',
  errorMessage: 'HTTP 503',
  day: '2026-11-20',
  reloadedAt: '2026-11-20T07:00:00.000Z',
};

function findingOf(kind: AlertKind, overrides: Partial<Describable> = {}): Describable {
  return { kind, account: 'video-prod', provider: 'pictory', severity: 'warning', threshold: 5, value: 3, facts: FULL_FACTS, ...overrides };
}

describe('CATALOGUE', () => {
  it('has exactly one entry per alert kind', () => {
    // Act
    const kinds = Object.keys(CATALOGUE);

    // Assess
    expect(kinds.sort()).toEqual([...ALERT_KINDS].sort());
  });

  for (const kind of ALERT_KINDS) {
    for (const status of STATUSES) {
      it(`gives ${kind} a title naming the account and a message when ${status}`, () => {
        // Prepare
        const cases = [findingOf(kind), findingOf(kind, { threshold: undefined, value: undefined, facts: {} })];

        // Act
        const texts = cases.map((finding) => describeAlert(finding, status));

        // Assess
        for (const { title, message } of texts) {
          expect(title.startsWith('video-prod: ')).toBe(true);
          expect(title.length).toBeGreaterThan('video-prod: '.length);
          expect(message.length).toBeGreaterThan(0);
          expect(`${title} ${message}`).not.toMatch(/undefined|NaN|\[object/);
        }
      });
    }

    it(`advises at least one next step for a firing ${kind}, and none needed once resolved`, () => {
      // Act
      const firing = adviseNextSteps(findingOf(kind), 'firing');
      const bare = adviseNextSteps(findingOf(kind, { facts: {} }), 'firing');
      const resolved = adviseNextSteps(findingOf(kind), 'resolved');

      // Assess
      expect(firing.length).toBeGreaterThan(0);
      expect(bare.length).toBeGreaterThan(0);
      for (const step of [...firing, ...bare]) expect(step).toMatch(/^[A-Z].*\.$/);
      expect(resolved).toEqual(['No action needed.']);
    });
  }
});

describe('describeAlert', () => {
  it('gives one-shot events a shared all-clear text, since they never resolve', () => {
    // Act
    const texts = EVENT_KINDS.map((kind) => describeAlert(findingOf(kind, { facts: { available: 88 } }), 'resolved'));

    // Assess
    expect(texts).toEqual(
      EVENT_KINDS.map((kind) => ({ title: `video-prod: ${kind} alert cleared`, message: 'The condition no longer holds. Available: 88 credits.' })),
    );
  });

  it('says which way a failed check failed', () => {
    // Prepare
    const failed = (errorCode?: string) => findingOf('check.failed', { facts: { consecutiveFailures: 1, ...(errorCode && { errorCode }) } });

    // Act
    const auth = describeAlert(failed('auth'), 'firing');
    const key = describeAlert(failed('key'), 'firing');
    const other = describeAlert(failed(), 'firing');

    // Assess
    expect(auth).toEqual({ title: 'video-prod: the vendor rejects the API key', message: 'The check failed (auth).' });
    expect(key.title).toBe('video-prod: the API key cannot be read');
    expect(other).toEqual({ title: 'video-prod: balance checks failing', message: 'The check failed.' });
  });

  it('tells an expired token from one about to expire', () => {
    // Act
    const soon = describeAlert(findingOf('auth.expiring', { threshold: 3, value: 1.5 }), 'firing');
    const expired = describeAlert(findingOf('auth.expiring', { value: 0 }), 'firing');

    // Assess
    expect(soon).toEqual({
      title: 'video-prod: the API token expires in 1.5 days',
      message: 'The API token expires at 2026-11-22 00:00 UTC (warning 3 days ahead).',
    });
    expect(expired.message).toBe('The API token expired at 2026-11-22 00:00 UTC; checks fail until it is replaced.');
  });

  it('says the burn rate, the days it covers and what it left out in runway and forecast texts', () => {
    // Prepare
    const rate: FindingFacts = { averageDailyUsed: 0.5, rateDays: 7, rateBasis: 'usual', rateSetAside: 900 };
    const runway = findingOf('balance.runway', { threshold: 7, value: 1.4, facts: { available: 0.7, runwayDays: 1.4, ...rate } });
    const forecast = findingOf('budget.forecast', { threshold: 100, facts: { period: '2026-11', used: 910, budget: 500, forecast: 920, ...rate } });

    // Act
    const runwayText = describeAlert(runway, 'firing');
    const forecastText = describeAlert(forecast, 'firing');

    // Assess
    expect(runwayText.message).toBe(
      'Available: 0.7 credits. At about 0.5 credits a day over the last 7 days, that lasts about 1.4 days (alert under 7 days). ' +
        'A one-off use of 900 credits is left out of the rate.',
    );
    expect(forecastText.message).toBe(
      'At about 0.5 credits a day over the last 7 days, 2026-11 ends with about 920 credits used, 184% of the monthly budget of 500. ' +
        'Used so far: 910. A one-off use of 900 credits is left out of the rate.',
    );
  });

  it('says when a forecast rests on no regular use', () => {
    // Act
    const text = describeAlert(findingOf('budget.forecast', { facts: { period: '2026-11', used: 600, forecast: 600, rateDays: 7, rateBasis: 'usual', rateSetAside: 600 } }), 'firing');

    // Assess
    expect(text.message).toBe('With no regular use over the last 7 days, 2026-11 ends with about 600 credits used. Used so far: 600. A one-off use of 600 credits is left out of the rate.');
  });

  it('falls back to "the alert level" when a resolved state has no threshold', () => {
    // Act
    const low = describeAlert(findingOf('balance.low', { threshold: undefined }), 'resolved');
    const runway = describeAlert(findingOf('balance.runway', { threshold: undefined }), 'resolved');

    // Assess
    expect(low.title).toBe('video-prod: balance back above the alert level');
    expect(runway.title).toBe('video-prod: runway back above the alert level');
  });
});

describe('describeThreshold', () => {
  const cases: [AlertKind, number, string][] = [
    ['budget.actual', 80, '80%'],
    ['budget.forecast', 100, '100%'],
    ['balance.low', 1_500, '1,500 EUR'],
    ['balance.runway', 7, '7 days'],
    ['autoreload.near', 150, '150 EUR'],
    ['autoreload.triggered', 500, '500 EUR'],
    ['autoreload.off', 0, '0 EUR'],
    ['usage.spike', 3, '3x the median day'],
    ['usage.errors', 5, '5%'],
    ['check.failed', 1, '1 failed check'],
    ['check.failed', 3, '3 failed checks'],
    ['auth.expiring', 0.5, '12 hours'],
  ];

  it('covers every kind in these cases', () => {
    // Assess
    expect(new Set(cases.map(([kind]) => kind))).toEqual(new Set(ALERT_KINDS));
  });

  for (const [kind, threshold, expected] of cases) {
    it(`words a ${kind} threshold of ${threshold} as "${expected}"`, () => {
      // Act
      const text = describeThreshold(findingOf(kind, { threshold, facts: { currency: 'EUR' } }));

      // Assess
      expect(text).toBe(expected);
    });
  }

  it('gives nothing when the finding has no threshold', () => {
    // Act
    const texts = ALERT_KINDS.map((kind) => describeThreshold(findingOf(kind, { threshold: undefined })));

    // Assess
    expect(texts.every((text) => text === undefined)).toBe(true);
  });
});

describe('summarizeForSms', () => {
  it("gives each firing kind its own figures", () => {
    // Act
    const details = Object.fromEntries(ALERT_KINDS.map((kind) => [kind, summarizeForSms(findingOf(kind), 'firing')]));

    // Assess
    expect(details).toEqual({
      'budget.actual': '412.5/500 used',
      'budget.forecast': 'forecast 640/500',
      'balance.low': 'avail 88',
      'balance.runway': 'avail 88',
      'autoreload.near': 'avail 88, reload below 100',
      'autoreload.triggered': 'avail 88',
      'autoreload.off': 'avail 88',
      'usage.spike': 'today 90 vs usual 20',
      'usage.errors': '24/200 failed',
      'check.failed': 'http: HTTP 503',
      'auth.expiring': 'expires 2026-11-22 00:00 UTC',
    });
  });

  it('gives only the balance once resolved, and nothing when it is unknown', () => {
    // Act
    const withBalance = ALERT_KINDS.map((kind) => summarizeForSms(findingOf(kind), 'resolved'));
    const without = ALERT_KINDS.map((kind) => summarizeForSms(findingOf(kind, { facts: {} }), 'resolved'));

    // Assess
    expect(new Set(withBalance)).toEqual(new Set(['avail 88']));
    expect(new Set(without)).toEqual(new Set([undefined]));
  });
});

describe('sentences', () => {
  const cases: { name: string; sentence: (f: FindingFacts) => string | undefined; facts: FindingFacts; expected: string | undefined }[] = [
    { name: 'the balance with the runway', sentence: availabilitySentence, facts: { available: 1234.5, runwayDays: 0.25, currency: 'USD' }, expected: 'Available: 1,234.5 USD, runway 6 hours.' },
    { name: 'the balance alone', sentence: availabilitySentence, facts: { available: 88 }, expected: 'Available: 88 credits.' },
    { name: 'no balance', sentence: availabilitySentence, facts: { runwayDays: 3 }, expected: undefined },
    { name: 'what auto-reload adds', sentence: reloadSentence, facts: { reloadThreshold: 100, reloadAmount: 500 }, expected: 'Auto-reload adds 500 credits when the balance falls below 100 credits.' },
    { name: 'an auto-reload of unknown amount', sentence: reloadSentence, facts: { reloadThreshold: 100 }, expected: 'Auto-reload tops up when the balance falls below 100 credits.' },
    { name: 'no auto-reload threshold', sentence: reloadSentence, facts: { reloadAmount: 500 }, expected: undefined },
    { name: 'the usual burn rate', sentence: burnRate, facts: { averageDailyUsed: 20, rateDays: 7, rateBasis: 'usual', currency: 'USD' }, expected: 'about 20 USD a day over the last 7 days' },
    { name: 'a burn rate since a change', sentence: burnRate, facts: { averageDailyUsed: 40, rateDays: 3, rateBasis: 'changed' }, expected: 'about 40 credits a day over the last 3 days, since use changed' },
    { name: 'a burn rate from little history', sentence: burnRate, facts: { averageDailyUsed: 30, rateDays: 1.5, rateBasis: 'little-history' }, expected: 'about 30 credits a day (only 1.5 days of history so far)' },
    { name: 'a burn rate over unnamed days', sentence: burnRate, facts: { averageDailyUsed: 42 }, expected: '42 a day' },
    { name: 'no burn rate', sentence: burnRate, facts: { rateDays: 7 }, expected: undefined },
    { name: 'a one-off use left out of the rate', sentence: setAsideSentence, facts: { rateSetAside: 899.5 }, expected: 'A one-off use of 899.5 credits is left out of the rate.' },
    { name: 'nothing left out of the rate', sentence: setAsideSentence, facts: {}, expected: undefined },
  ];

  for (const { name, sentence, facts, expected } of cases) {
    it(`states ${name}`, () => {
      // Act
      const text = sentence(facts);

      // Assess
      expect(text).toBe(expected);
    });
  }

  it('joins sentences, leaving out absent and empty ones', () => {
    // Act
    const text = joinSentences('One.', undefined, '', 'Two.');

    // Assess
    expect(text).toBe('One. Two.');
  });
});

describe('money beside credits', () => {
  it('says what the budget use and the balance cost where a credit price is set', () => {
    const facts = { period: '2026-11', used: 697.5, budget: 800, available: 202.5, price: { amount: 0.0125, currency: 'USD' } };
    const finding = { kind: 'budget.actual' as const, account: 'video-prod', provider: 'pictory' as const, severity: 'warning' as const, threshold: 80, value: 87.19, facts };

    const { message } = describeAlert(finding, 'firing');

    expect(message).toContain('697.5 of 800 credits ($8.72 of $10.00) used in 2026-11 (87.2%)');
    expect(message).toContain('Available: 202.5 credits ($2.53)');
  });

  it('says nothing of money without a price', () => {
    const finding = { kind: 'budget.actual' as const, account: 'a', provider: 'pictory' as const, severity: 'warning' as const, threshold: 80, facts: { used: 697.5, budget: 800 } };
    expect(describeAlert(finding, 'firing').message).not.toMatch(/\$/);
  });
});

describe('a failed check', () => {
  it('says since when the figures are stale', () => {
    const finding = {
      kind: 'check.failed' as const,
      account: 'vid',
      provider: 'pictory' as const,
      severity: 'warning' as const,
      value: 3,
      facts: { consecutiveFailures: 3, errorCode: 'server', errorMessage: 'HTTP 503', lastGoodAt: '2026-11-20T06:00:00.000Z' },
    };
    expect(describeAlert(finding, 'firing').message).toBe(
      '3 consecutive checks failed (server: HTTP 503). The figures are stale since the last good check at 2026-11-20 06:00 UTC.',
    );
  });
});
