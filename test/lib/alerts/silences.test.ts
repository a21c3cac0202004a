import { describe, expect, it } from 'vitest';
import { planAlerts } from '../../../lib/alerts/lifecycle.js';
import { claimedRecord, confirmedRecord, recordId } from '../../../lib/alerts/records.js';
import type { DeliveryTarget } from '../../../lib/alerts/routing.js';
import { createSilence, holdSilenced, matches, matcherProblem, parseDuration, type Silence } from '../../../lib/alerts/silences.js';
import type { AlertRecord } from '../../../lib/alerts/types.js';
import type { Finding, FindingState } from '../../../lib/budget/types.js';
import { ALERT_KINDS, type AlertKind, type Severity } from '../../../lib/model.js';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR);
const TARGET: DeliveryTarget = { id: 'stdout', minSeverity: 'info' };
/** One-shot kinds fire once per scope; the others are states. */
const EVENTS = new Set<AlertKind>(['budget.actual', 'budget.forecast', 'autoreload.triggered', 'usage.spike']);

function findingOf(kind: AlertKind, state: FindingState, severity: Severity = 'warning'): Finding {
  return {
    id: kind,
    kind,
    account: 'video-prod',
    provider: 'pictory',
    state,
    severity,
    facts: {},
    ...(EVENTS.has(kind) && { once: '2026-11' }),
  };
}

function silence(fromHours: number, toHours: number, matcher = 'video-prod/*'): Silence {
  return { id: 's1', matcher, startsAt: at(fromHours).toISOString(), endsAt: at(toHours).toISOString(), expiresAt: at(toHours).toISOString() };
}

/** Runs the lifecycle and the silence step hour by hour; returns what was sent and what was held, per run. */
function simulate(runs: readonly { hours: number; finding: Finding }[], silences: readonly Silence[], renotifyHours?: number) {
  const records = new Map<string, AlertRecord>();
  return runs.map(({ hours, finding }) => {
    const now = at(hours);
    const changes = planAlerts({ findings: [finding], records, targets: [TARGET], now, renotifyHours }).map((change) => ({ change, alert: change.alert }));
    const { send, held } = holdSilenced(changes, silences, now);
    for (const { change } of send) {
      const next = confirmedRecord(claimedRecord(change, now.toISOString()));
      records.set(recordId(next.target, next.key), next);
    }
    return { sent: send.map((s) => `${s.alert.status} ${s.alert.severity}`), held: held.map((h) => `${h.alert.status} ${h.alert.severity}`) };
  });
}

describe('the hold/send decision of silences', () => {
  describe.each(ALERT_KINDS)('%s', (kind) => {
    it('holds it while silenced and sends it once after the silence, if it still holds', () => {
      const result = simulate(
        [0, 1, 3, 4].map((hours) => ({ hours, finding: findingOf(kind, 'on') })),
        [silence(-1, 2)],
      );
      expect(result.map((r) => r.sent)).toEqual([[], [], ['firing warning'], []]);
      expect(result.map((r) => r.held)).toEqual([['firing warning'], ['firing warning'], [], []]);
    });

    it('sends nothing, during or after, for a condition that ended while silenced', () => {
      const result = simulate(
        [
          { hours: 0, finding: findingOf(kind, 'on') },
          { hours: 1, finding: findingOf(kind, 'off') },
          { hours: 3, finding: findingOf(kind, 'off') },
        ],
        [silence(-1, 2)],
      );
      expect(result.flatMap((r) => r.sent)).toEqual([]);
    });

    it('never holds back the resolution of what was notified before the silence', () => {
      const result = simulate(
        [
          { hours: 0, finding: findingOf(kind, 'on') },
          { hours: 1, finding: findingOf(kind, 'off') },
        ],
        [silence(0.5, 5)],
      );
      expect(result.map((r) => r.sent)).toEqual([['firing warning'], EVENTS.has(kind) ? [] : ['resolved warning']]);
      expect(result[1]?.held).toEqual([]);
    });
  });

  it('holds an escalation while silenced and sends it once after', () => {
    const result = simulate(
      [
        { hours: 0, finding: findingOf('balance.low', 'on', 'warning') },
        { hours: 1, finding: findingOf('balance.low', 'on', 'critical') },
        { hours: 3, finding: findingOf('balance.low', 'on', 'critical') },
        { hours: 4, finding: findingOf('balance.low', 'on', 'critical') },
      ],
      [silence(0.5, 2)],
    );
    expect(result.map((r) => r.sent)).toEqual([['firing warning'], [], ['firing critical'], []]);
    expect(result[1]?.held).toEqual(['firing critical']);
  });

  it('holds a re-notification while silenced and sends exactly one after', () => {
    const result = simulate(
      [0, 2, 3, 5, 6].map((hours) => ({ hours, finding: findingOf('balance.low', 'on') })),
      [silence(1, 4)],
      2,
    );
    expect(result.map((r) => r.sent)).toEqual([['firing warning'], [], [], ['firing warning'], []]);
    expect(result[1]?.held).toEqual(['firing warning']);
  });

  it('holds nothing before a silence starts, or for a removed one, or for keys it does not match', () => {
    const removed = { ...silence(-1, 5), removedAt: at(0).toISOString() };
    const later = silence(1, 5);
    const other = silence(-1, 5, 'images-prod/*');
    const result = simulate([{ hours: 0.5, finding: findingOf('balance.low', 'on') }], [removed, later, other]);
    expect(result[0]?.sent).toEqual(['firing warning']);
  });
});

describe('matchers', () => {
  it.each([
    ['video-prod/balance.low', 'video-prod/balance.low', true],
    ['video-prod/balance.low', 'video-prod/balance.lowish', false],
    ['video-prod/*', 'video-prod/budget.actual:80/2026-11', true],
    ['video-prod/*', 'video-prod-2/balance.low', false],
    ['*/budget.forecast:*', 'chat/budget.forecast:100/2026-11', true],
    ['*/budget.forecast:*', 'chat/budget.actual:100/2026-11', false],
    ['video-*/balance.*', 'video-prod/balance.runway', true],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
  ])('%s against %s is %s', (matcher, key, expected) => {
    expect(matches(matcher, key)).toBe(expected);
  });

  it.each(['', '*', 'video prod/*', 'x'.repeat(301)])('refuses %j, saying what is accepted', (matcher) => {
    expect(matcherProblem(matcher)).toMatch(/expected an alert key|every alert/);
  });
});

describe('durations and new silences', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['24h', 24 * HOUR],
    ['7d', 7 * 24 * HOUR],
    ['0h', undefined],
    ['1w', undefined],
    ['24', undefined],
    ['-1h', undefined],
  ])('reads %s as %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses an end in the past, an overly long silence, and a bad matcher, naming the problem', () => {
    const now = at(0);
    expect(createSilence({ id: 'x', matcher: 'a/*', now, until: at(-1) })).toMatchObject({ problem: expect.stringMatching(/not after/) });
    expect(createSilence({ id: 'x', matcher: 'a/*', now, durationMs: 100 * 24 * HOUR })).toMatchObject({ problem: expect.stringMatching(/90 days/) });
    expect(createSilence({ id: 'x', matcher: 'a b', now, durationMs: HOUR })).toMatchObject({ problem: expect.stringMatching(/^matcher "a b"/) });
  });

  it('keeps a link silence known until the link expires', () => {
    const made = createSilence({ id: 'x', matcher: 'a/*', now: at(0), durationMs: HOUR, keepUntil: at(48) });
    expect(made).toMatchObject({ endsAt: at(1).toISOString(), expiresAt: at(48).toISOString() });
  });
});
