import { describe, expect, it } from 'vitest';
import { describeAlert } from '../../../lib/alerts/catalogue.js';
import { alertKey } from '../../../lib/alerts/lifecycle.js';
import { renderChatbot, renderEmail, renderJson, renderSms } from '../../../lib/alerts/render.js';
import { isGsm7Basic, toGsm7 } from '../../../lib/alerts/text.js';
import type { Alert } from '../../../lib/alerts/types.js';
import { ALERT_KINDS, type AlertKind } from '../../../lib/model.js';
import { type Finding, type FindingFacts } from '../../../lib/budget/types.js';

const NOW = new Date('2026-11-20T12:00:00Z');

/** A representative finding of each kind, with the facts evaluate gives it. */
function findingOf(kind: AlertKind, account: string, n: number, extra: FindingFacts = {}): Finding {
  const facts: FindingFacts = {
    period: '2026-11',
    used: 412.5 * n,
    budget: 500 * n,
    forecast: 640 * n,
    available: 88 * n,
    runwayDays: 2.1,
    averageDailyUsed: 42 * n,
    ...extra,
  };
  const base = { account, provider: 'account-api' as const, state: 'on' as const, severity: 'warning' as const, facts };
  switch (kind) {
    case 'budget.actual':
      return { ...base, id: 'budget.actual:80', kind, threshold: 80, value: 82.5, once: '2026-11' };
    case 'budget.forecast':
      return { ...base, id: 'budget.forecast:100', kind, threshold: 100, value: 128, once: '2026-11' };
    case 'balance.low':
      return { ...base, id: kind, kind, threshold: 100 * n, value: 88 * n };
    case 'balance.runway':
      return { ...base, id: kind, kind, threshold: 7, value: 2.1 };
    case 'autoreload.near':
      return { ...base, id: kind, kind, threshold: 150 * n, value: 88 * n, facts: { ...facts, reloadThreshold: 100 * n, reloadAmount: 500 * n } };
    case 'autoreload.triggered':
      return { ...base, id: kind, kind, value: 500 * n, once: 'ledger-entry-1234567890', facts: { ...facts, reloadedAt: '2026-11-20T07:00:00.000Z' } };
    case 'autoreload.off':
      return { ...base, id: kind, kind };
    case 'usage.spike':
      return { ...base, id: kind, kind, threshold: 3, value: 4.5, once: '2026-11-20', facts: { ...facts, todayUsed: 90 * n, medianDailyUsed: 20 * n, day: '2026-11-20' } };
    case 'usage.errors':
      return { ...base, id: kind, kind, threshold: 5, value: 12, facts: { ...facts, errorRate: 12, failedRequests: 24 * n, totalRequests: 200 * n } };
    case 'check.failed':
      return {
        ...base,
        id: kind,
        kind,
        severity: 'critical',
        threshold: 1,
        value: 3,
        facts: { consecutiveFailures: 3, errorCode: 'auth', errorMessage: 'The vendor said “Unauthorized” — token rejected {code: 401} [see docs] ~ ≥ 1 attempt… 🚨' },
      };
    case 'auth.expiring':
      return { ...base, id: kind, kind, threshold: 3, value: 1.5, facts: { ...facts, expiresAt: '2026-11-22T00:00:00.000Z' } };
  }
}

/** The alert a run sends for a finding: what the lifecycle decides plus the catalogue's wording. */
function alertOf(finding: Finding, status: Alert['status'], at: Date): Alert {
  return {
    key: alertKey(finding),
    account: finding.account,
    provider: finding.provider,
    kind: finding.kind,
    severity: finding.severity,
    status,
    ...(finding.threshold !== undefined && { threshold: finding.threshold }),
    ...(finding.value !== undefined && { value: finding.value }),
    ...describeAlert(finding, status),
    at: at.toISOString(),
    facts: finding.facts,
  };
}

/** Firing alerts for every kind, plus resolved ones (an hour later) for every state kind. */
function alertsFor(account: string, n: number, extra: FindingFacts = {}): Alert[] {
  const findings = ALERT_KINDS.map((kind) => findingOf(kind, account, n, extra));
  const firing = findings.map((f) => alertOf(f, 'firing', NOW));
  const resolved = findings.filter((f) => f.once === undefined).map((f) => alertOf(f, 'resolved', new Date(NOW.getTime() + 3_600_000)));
  return [...firing, ...resolved];
}

const LONG_ID = 'a-very-long-account-identifier-for-the-video-production-team-01';
const variants = [
  { name: 'ordinary', alerts: alertsFor('video-prod', 1) },
  { name: 'long id and huge numbers', alerts: alertsFor(LONG_ID, 123_456_789_012.345, { currency: 'EUR' }) },
];

describe('describeAlert', () => {
  it('states the budget numbers plainly', () => {
    // Act
    const text = describeAlert(findingOf('budget.actual', 'video-prod', 1), 'firing');

    // Assess
    expect(text.title).toBe('video-prod: 80% of the monthly budget used');
    expect(text.message).toBe(
      '412.5 of 500 credits used in 2026-11 (82.5%). Forecast: 640 by month end. Available: 88 credits, runway 2.1 days.',
    );
  });

  it('says that a resolved condition cleared', () => {
    // Act
    const text = describeAlert({ ...findingOf('balance.low', 'video-prod', 1), facts: { available: 120 } }, 'resolved');

    // Assess
    expect(text.title).toBe('video-prod: balance back above 100 credits');
    expect(text.message).toContain('cleared');
    expect(text.message).toContain('120 credits');
  });

  it('calls an empty balance out of credits', () => {
    // Act
    const text = describeAlert({ ...findingOf('balance.low', 'video-prod', 1), value: 0, facts: { available: 0 } }, 'firing');

    // Assess
    expect(text.title).toBe('video-prod: out of credits');
  });
});

describe('renderSms', () => {
  for (const { name, alerts } of variants) {
    it(`fits 140 GSM-7 basic characters for every kind (${name})`, () => {
      // Act
      const messages = alerts.map((alert) => ({ alert, sms: renderSms(alert) }));

      // Assess
      expect(messages.length).toBe(ALERT_KINDS.length + 7);
      for (const { alert, sms } of messages) {
        expect(sms.length, `${alert.key} ${alert.status}: ${sms}`).toBeLessThanOrEqual(140);
        expect(isGsm7Basic(sms), `${alert.key}: ${sms}`).toBe(true);
        expect(sms).not.toMatch(/[\n\r^{}[\]~\\|€]/);
        expect(sms.startsWith(alert.status === 'resolved' ? 'RESOLVED:' : `${alert.severity.toUpperCase()}:`)).toBe(true);
      }
    });
  }

  it('keeps the key numbers when there is room', () => {
    // Act
    const sms = renderSms(variants[0]!.alerts.find((a) => a.kind === 'budget.actual')!);

    // Assess
    expect(sms).toBe('WARNING: video-prod: 80% of the monthly budget used - 412.5/500 used');
  });

  it('truncates cleanly with three dots', () => {
    // Act
    const sms = renderSms(variants[1]!.alerts.find((a) => a.kind === 'autoreload.near')!);

    // Assess
    expect(sms.length).toBeLessThanOrEqual(140);
    expect(sms.endsWith('...')).toBe(true);
    expect(sms).not.toMatch(/[ ,.:-]\.\.\.$/);
  });
});

describe('toGsm7', () => {
  it('replaces typographic characters and drops what GSM-7 cannot carry', () => {
    // Act
    const text = toGsm7('“Quoted” ‘single’ … — ≥ 5 € {a} [b] ~c\\d|e^ 🚨 naïve café\u00a0ok\nnext');

    // Assess
    expect(text).toBe('"Quoted" \'single\' ... - >= 5 EUR (a) (b) c/d/e naive café ok next');
    expect(isGsm7Basic(text)).toBe(true);
  });
});

describe('renderEmail', () => {
  for (const { name, alerts } of variants) {
    it(`has a one-line subject of at most 100 characters with a severity tag (${name})`, () => {
      for (const alert of alerts) {
        // Act
        const { subject } = renderEmail(alert);

        // Assess
        expect(subject.length, subject).toBeLessThanOrEqual(100);
        expect(subject).not.toMatch(/[\r\n]/);
        expect(subject).toMatch(/^\[(CRITICAL|WARNING|INFO|RESOLVED)\] /);
      }
    });
  }

  it('carries the numbers that matter and advice for the kind', () => {
    // Prepare
    const alert = variants[0]!.alerts.find((a) => a.kind === 'budget.actual')!;

    // Act
    const { subject, text } = renderEmail(alert);

    // Assess
    expect(subject).toBe('[WARNING] video-prod: 80% of the monthly budget used');
    expect(text).toContain('412.5 of 500 credits (82.5%)');
    expect(text).toContain('640 credits by month end (128% of budget)');
    expect(text).toContain('Available:     88 credits');
    expect(text).toContain('2.1 days at 42 a day');
    expect(text).toContain('What to do next');
    expect(text).toContain('raise budget.monthly');
    expect(text).toContain('video-prod/budget.actual:80/2026-11');
  });

  it('formats big numbers with thousands separators and the currency', () => {
    // Act
    const { text } = renderEmail(variants[1]!.alerts.find((a) => a.kind === 'balance.low')!);

    // Assess
    expect(text).toContain('10,864,197,433,086.36 EUR');
  });

  it('gives specific advice per kind, and none needed once resolved', () => {
    // Prepare
    const byKind = (kind: AlertKind, status: Alert['status'] = 'firing') =>
      renderEmail(variants[0]!.alerts.find((a) => a.kind === kind && a.status === status)!).text;

    // Act & Assess
    expect(byKind('check.failed')).toContain('Rotate the key');
    expect(byKind('autoreload.off')).toContain('Re-enable auto-reload');
    expect(byKind('usage.spike')).toContain('rotate the API key');
    expect(byKind('auth.expiring')).toContain('Issue a new token');
    expect(byKind('balance.low', 'resolved')).toContain('No action needed.');
  });
});

describe('renderChatbot', () => {
  it('produces an AWS Chatbot custom notification', () => {
    // Prepare
    const alert = variants[0]!.alerts.find((a) => a.kind === 'balance.low' && a.status === 'firing')!;

    // Act
    const card = renderChatbot(alert);

    // Assess
    expect(card).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: ':warning: video-prod: balance below 100 credits' },
      metadata: { threadId: 'video-prod-balance.low', eventType: 'balance.low', summary: 'video-prod: balance below 100 credits' },
    });
    expect(card.content.description).toContain('*Available:* 88 credits');
    expect(card.content.nextSteps?.length).toBeGreaterThan(0);
    expect(card.metadata.additionalContext).toMatchObject({ key: 'video-prod/balance.low', status: 'firing', threshold: '100' });
    expect(JSON.parse(JSON.stringify(card))).toEqual(card); // plain JSON, nothing lost on the wire
  });

  it('threads firing and resolved of one condition together, and one-shot budget alerts by kind', () => {
    // Prepare
    const alerts = variants[0]!.alerts;

    // Act
    const threadsOf = (kind: AlertKind) => new Set(alerts.filter((a) => a.kind === kind).map((a) => renderChatbot(a).metadata.threadId));

    // Assess
    expect(threadsOf('balance.runway')).toEqual(new Set(['video-prod-balance.runway']));
    expect(alerts.filter((a) => a.kind === 'balance.runway')).toHaveLength(2);
    expect(threadsOf('budget.actual')).toEqual(new Set(['video-prod-budget.actual']));
    expect(threadsOf('usage.spike')).toEqual(new Set(['video-prod-usage.spike']));
  });

  it('marks severity and resolution with emoji and stays within the limits', () => {
    for (const { alerts } of variants) {
      for (const alert of alerts) {
        // Act
        const card = renderChatbot(alert);

        // Assess
        const emoji = alert.status === 'resolved' ? ':white_check_mark:' : { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:' }[alert.severity];
        expect(card.content.title.startsWith(`${emoji} `)).toBe(true);
        expect(card.content.title.length).toBeLessThanOrEqual(250);
        expect(card.content.description.length).toBeLessThanOrEqual(8000);
      }
    }
  });
});

describe('renderJson', () => {
  it('holds exactly the contract fields plus at and facts', () => {
    // Prepare
    const alert = variants[0]!.alerts.find((a) => a.kind === 'budget.actual')!;

    // Act
    const json = renderJson(alert);

    // Assess
    expect(Object.keys(json).sort()).toEqual(
      ['key', 'account', 'provider', 'kind', 'severity', 'status', 'threshold', 'value', 'title', 'message', 'at', 'facts'].sort(),
    );
    expect(json).toMatchObject({ key: 'video-prod/budget.actual:80/2026-11', threshold: 80, value: 82.5, at: NOW.toISOString() });
  });

  it('omits threshold and value when the alert has none', () => {
    // Act
    const json = renderJson(variants[0]!.alerts.find((a) => a.kind === 'autoreload.off')!);

    // Assess
    expect('threshold' in json).toBe(false);
    expect('value' in json).toBe(false);
  });
});
