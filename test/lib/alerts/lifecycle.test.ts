import { describe, expect, it } from 'vitest';
import { describeAlert } from '../../../lib/alerts/catalogue.js';
import { alertKey, planAlerts } from '../../../lib/alerts/lifecycle.js';
import { claimedRecord, confirmedRecord, recordId } from '../../../lib/alerts/records.js';
import type { DeliveryTarget } from '../../../lib/alerts/routing.js';
import type { AlertChange, AlertRecord } from '../../../lib/alerts/types.js';
import { checkRecovered, evaluateAccount, evaluateFailure } from '../../../lib/budget/evaluate.js';
import type { Severity } from '../../../lib/model.js';
import type { Finding, FindingState } from '../../../lib/budget/types.js';
import { at, DAY, debit, entry, HOUR, rules, snapshot, steadyLedger } from '../budget/fixtures.js';

const NOW = at('2026-11-20T12:00:00Z');

function finding(overrides: Partial<Finding> & Pick<Finding, 'id' | 'kind'>): Finding {
  return { account: 'video-prod', provider: 'pictory', state: 'on', severity: 'warning', facts: {}, ...overrides };
}

function balanceLow(state: FindingState, severity: Severity = 'warning'): Finding {
  return finding({ id: 'balance.low', kind: 'balance.low', state, severity, threshold: 100, value: 90, facts: { available: 90 } });
}

const TERMINAL: DeliveryTarget = { id: 'stdout', minSeverity: 'info' };

/** The record a change leaves once published and confirmed (one version step, as a single write would). */
function nextRecord(change: AlertChange): AlertRecord {
  return { ...confirmedRecord(claimedRecord(change, NOW.toISOString())), version: (change.prior?.version ?? 0) + 1 };
}

/** Plans for one target (the terminal), with records keyed by alert key; returns the alerts and each change's next record. */
function plan(input: { findings: readonly Finding[]; records: ReadonlyMap<string, AlertRecord>; now: Date; renotifyHours?: number }) {
  const records = new Map([...input.records].map(([key, record]) => [recordId(TERMINAL.id, key), record]));
  const changes = planAlerts({ ...input, records, targets: [TERMINAL] }).map((change) => ({ ...change, next: nextRecord(change) }));
  return { alerts: changes.map((c) => c.alert), changes };
}

/** Stores every planned change's next record, as a successful run would. */
function apply(records: ReadonlyMap<string, AlertRecord>, changes: readonly { next: AlertRecord }[]): Map<string, AlertRecord> {
  const next = new Map(records);
  for (const change of changes) next.set(change.next.key, change.next);
  return next;
}

/** Plans a sequence of runs, carrying the records forward, and returns every alert sent. */
function runAll(runs: readonly { findings: readonly Finding[]; now: Date }[], renotifyHours?: number) {
  let records = new Map<string, AlertRecord>();
  const sent = [];
  for (const run of runs) {
    const planned = plan({ findings: run.findings, records, now: run.now, renotifyHours });
    sent.push(...planned.alerts);
    records = apply(records, planned.changes);
  }
  return { sent, records };
}

describe('alert keys', () => {
  it('are account/id for states and account/id/once for one-shot events', () => {
    // Act & Assess
    expect(alertKey({ account: 'video-prod', id: 'balance.low' })).toBe('video-prod/balance.low');
    expect(alertKey({ account: 'video-prod', id: 'budget.actual:80', once: '2026-11' })).toBe('video-prod/budget.actual:80/2026-11');
  });
});

describe('one-shot budget thresholds', () => {
  const actual80 = (period: string, state: FindingState = 'on') =>
    finding({ id: 'budget.actual:80', kind: 'budget.actual', state, threshold: 80, value: 82.5, once: period, facts: { period, used: 412.5, budget: 500 } });

  it('fire once per threshold per period and re-arm in the next period', () => {
    // Act
    const { sent, records } = runAll([
      { findings: [actual80('2026-11')], now: NOW },
      { findings: [actual80('2026-11')], now: new Date(NOW.getTime() + HOUR) },
      { findings: [actual80('2026-11', 'off')], now: new Date(NOW.getTime() + 2 * HOUR) }, // e.g. a refund
      { findings: [actual80('2026-11')], now: new Date(NOW.getTime() + 3 * HOUR) },
      { findings: [actual80('2026-12', 'off')], now: at('2026-12-01T01:00:00Z') },
      { findings: [actual80('2026-12')], now: at('2026-12-20T01:00:00Z') },
    ]);

    // Assess
    expect(sent.map((a) => [a.key, a.status])).toEqual([
      ['video-prod/budget.actual:80/2026-11', 'firing'],
      ['video-prod/budget.actual:80/2026-12', 'firing'],
    ]);
    expect(records.get('video-prod/budget.actual:80/2026-11')).toMatchObject({ once: '2026-11', notified: { status: 'firing' }, version: 1 });
  });

  it('keep their records about two months so stores can drop old periods', () => {
    // Act
    const planned = plan({ findings: [actual80('2026-11')], records: new Map(), now: NOW });

    // Assess
    const next = planned.changes[0]?.next;
    expect(Date.parse(next!.expiresAt!) - NOW.getTime()).toBe(62 * DAY);
    expect(next).toMatchObject({ kind: 'budget.actual', account: 'video-prod', notified: { at: NOW.toISOString() } });
  });
});

describe('state conditions', () => {
  it('fire when entered and resolve when left, carrying the notified severity', () => {
    // Act
    const { sent, records } = runAll([
      { findings: [balanceLow('on', 'critical')], now: NOW },
      { findings: [balanceLow('off', 'warning')], now: new Date(NOW.getTime() + HOUR) },
    ]);

    // Assess
    expect(sent.map((a) => [a.status, a.severity])).toEqual([
      ['firing', 'critical'],
      ['resolved', 'critical'],
    ]);
    expect(records.get('video-prod/balance.low')).toMatchObject({ notified: { status: 'resolved' }, version: 2 });
  });

  it('resolve only what was notified', () => {
    // Prepare: a resolved record from an earlier episode.
    const resolved: AlertRecord = {
      key: 'video-prod/balance.low',
      target: TERMINAL.id,
      account: 'video-prod',
      kind: 'balance.low',
      notified: { status: 'resolved', severity: 'warning', at: at('2026-11-01T00:00:00Z').toISOString() },
      version: 4,
    };

    // Act
    const noRecord = plan({ findings: [balanceLow('off')], records: new Map(), now: NOW });
    const alreadyResolved = plan({ findings: [balanceLow('off')], records: new Map([[resolved.key, resolved]]), now: NOW });
    const reentered = plan({ findings: [balanceLow('on')], records: new Map([[resolved.key, resolved]]), now: NOW });

    // Assess
    expect(noRecord.alerts).toEqual([]);
    expect(alreadyResolved.alerts).toEqual([]);
    expect(reentered.alerts.map((a) => a.status)).toEqual(['firing']);
    expect(reentered.changes[0]).toMatchObject({ prior: resolved, next: { version: 5, notified: { status: 'firing' } } });
  });

  it('send nothing for hold or for an absent finding', () => {
    // Prepare
    const first = plan({ findings: [balanceLow('on')], records: new Map(), now: NOW });
    const records = apply(new Map(), first.changes);

    // Act
    const hold = plan({ findings: [balanceLow('hold')], records, now: new Date(NOW.getTime() + HOUR) });
    const absent = plan({ findings: [], records, now: new Date(NOW.getTime() + HOUR) });
    const holdFresh = plan({ findings: [balanceLow('hold')], records: new Map(), now: NOW });

    // Assess
    expect(hold.alerts).toEqual([]);
    expect(absent.alerts).toEqual([]);
    expect(holdFresh.alerts).toEqual([]);
  });

  it('do not flap for a balance wobbling ±1 % around the limit', () => {
    // Prepare: a real evaluation of balance.low (below 100) every hour.
    const account = rules({ balance: { below: 100 } });
    const balances = [99, 101, 99.5, 100.8, 99.2, 101, 100, 99, 101, 102, 104.9, 106];
    const runs = balances.map((available, i) => {
      const now = new Date(NOW.getTime() + i * HOUR);
      return { now, findings: evaluateAccount({ account, snapshot: snapshot(now, available), ledger: [], now }).findings };
    });

    // Act
    const { sent } = runAll(runs);

    // Assess: one firing on entry, one resolution once clearly above the margin.
    expect(sent.filter((a) => a.kind === 'balance.low').map((a) => [a.status, a.value])).toEqual([
      ['firing', 99],
      ['resolved', 106],
    ]);
  });

  it('re-notify after renotifyHours while still on', () => {
    // Act
    const { sent, records } = runAll(
      [0, 5, 6, 11, 12].map((h) => ({ findings: [balanceLow('on')], now: new Date(NOW.getTime() + h * HOUR) })),
      6,
    );

    // Assess
    expect(sent.map((a) => a.at)).toEqual([NOW, new Date(NOW.getTime() + 6 * HOUR), new Date(NOW.getTime() + 12 * HOUR)].map((d) => d.toISOString()));
    expect(records.get('video-prod/balance.low')).toMatchObject({ version: 3, notified: { at: new Date(NOW.getTime() + 12 * HOUR).toISOString() } });
  });

  it('never re-notify without renotifyHours', () => {
    // Act
    const { sent } = runAll([0, 48, 480].map((h) => ({ findings: [balanceLow('on')], now: new Date(NOW.getTime() + h * HOUR) })));

    // Assess
    expect(sent).toHaveLength(1);
  });

  it('escalate: a warning that becomes critical fires again; going back and forth does not', () => {
    // Act
    const { sent } = runAll([
      { findings: [balanceLow('on', 'warning')], now: NOW },
      { findings: [balanceLow('on', 'critical')], now: new Date(NOW.getTime() + HOUR) },
      { findings: [balanceLow('on', 'warning')], now: new Date(NOW.getTime() + 2 * HOUR) },
      { findings: [balanceLow('on', 'critical')], now: new Date(NOW.getTime() + 3 * HOUR) },
    ]);

    // Assess
    expect(sent.map((a) => [a.status, a.severity])).toEqual([
      ['firing', 'warning'],
      ['firing', 'critical'],
    ]);
  });

  it('resolve a notified check failure when a check succeeds, but not on another failure', () => {
    // Prepare
    const account = rules();
    const failure = (n: number) => evaluateFailure({ account, error: { code: 'server', message: 'HTTP 503' }, consecutiveFailures: n, now: NOW });

    // Act
    const { sent } = runAll(
      [failure(1), failure(2), failure(3), failure(4), checkRecovered(account)].map((f, i) => ({
        findings: [f],
        now: new Date(NOW.getTime() + i * HOUR),
      })),
    );

    // Assess
    expect(sent.map((a) => [a.kind, a.status])).toEqual([
      ['check.failed', 'firing'],
      ['check.failed', 'resolved'],
    ]);
  });
});

describe('same-instant rerun', () => {
  it('sends nothing new when planned again with the same findings at the same instant', () => {
    // Prepare: an account with many conditions on at once.
    const account = rules({
      budget: { monthly: 500, alertAt: [50, 80, 100], forecastAt: [100] },
      balance: { below: 100, runwayDays: 7 },
      autoReload: { warnWithin: 50 },
      usage: { spikeFactor: 2, errorRate: 5 },
    });
    const ledger = [
      ...steadyLedger(at('2026-11-01T00:30:00Z'), NOW, DAY, 20),
      debit('2026-11-20T06:00:00Z', 100),
      entry('reload', '2026-11-20T07:00:00Z', 200, 'reload-1'),
    ];
    const snap = snapshot(NOW, 40, {
      autoReload: { enabled: true, threshold: 20, amount: 200 },
      usage: { totalRequests: 100, failedRequests: 10 },
      tokenExpiresAt: new Date(NOW.getTime() + DAY),
    });
    const { findings } = evaluateAccount({ account, snapshot: snap, ledger, now: NOW });
    const first = plan({ findings, records: new Map(), now: NOW, renotifyHours: 6 });

    // Act
    const second = plan({ findings, records: apply(new Map(), first.changes), now: NOW, renotifyHours: 6 });

    // Assess
    expect(first.alerts.length).toBeGreaterThanOrEqual(8);
    expect(new Set(first.alerts.map((a) => a.kind))).toEqual(
      new Set(['budget.actual', 'budget.forecast', 'balance.low', 'balance.runway', 'autoreload.near', 'autoreload.triggered', 'usage.spike', 'usage.errors', 'auth.expiring']),
    );
    expect(second.alerts).toEqual([]);
    expect(second.changes).toEqual([]);
  });

  it('decides without wording (the catalogue describes the decision)', () => {
    // Act
    const planned = plan({ findings: [balanceLow('on')], records: new Map(), now: NOW });

    // Assess
    const decision = planned.alerts[0]!;
    expect(decision).toBe(planned.changes[0]?.alert);
    expect(decision).not.toHaveProperty('title');
    expect(describeAlert(decision, decision.status).title).toBe('video-prod: balance below 100 credits');
    expect(decision).toMatchObject({
      key: 'video-prod/balance.low',
      account: 'video-prod',
      provider: 'pictory',
      kind: 'balance.low',
      status: 'firing',
      threshold: 100,
      value: 90,
      at: NOW.toISOString(),
    });
    expect(planned.changes[0]?.prior).toBeUndefined();
    expect(planned.changes[0]?.next.expiresAt).toBeUndefined(); // a firing state must never expire
  });

  it('decides each key once even if a finding is repeated', () => {
    // Act
    const planned = plan({ findings: [balanceLow('on'), balanceLow('on')], records: new Map(), now: NOW });

    // Assess
    expect(planned.alerts).toHaveLength(1);
  });
});

describe('per target', () => {
  const WARN: DeliveryTarget = { id: 'topic:warning', minSeverity: 'warning' };
  const CRIT: DeliveryTarget = { id: 'topic:critical', minSeverity: 'critical' };

  /** Plans and confirms runs against several targets; returns who received what. */
  function runTargets(runs: readonly Finding[][], targets: readonly DeliveryTarget[], initial: readonly AlertRecord[] = []) {
    const records = new Map(initial.map((r) => [recordId(r.target, r.key), r]));
    const received: string[] = [];
    runs.forEach((findings, i) => {
      const now = new Date(NOW.getTime() + i * HOUR);
      for (const change of planAlerts({ findings, records, targets, now })) {
        received.push(`${change.target} ${change.alert.status} ${change.alert.severity}`);
        const next = confirmedRecord(claimedRecord(change, now.toISOString()));
        records.set(recordId(next.target, next.key), next);
      }
    });
    return received;
  }

  it('routes by severity, escalates to the target that takes the new severity, and resolves to every target that was told', () => {
    // Act
    const received = runTargets([[balanceLow('on', 'warning')], [balanceLow('on', 'critical')], [balanceLow('off')]], [WARN, CRIT]);

    // Assess
    expect(received).toEqual([
      'topic:warning firing warning',
      'topic:warning firing critical',
      'topic:critical firing critical',
      'topic:warning resolved critical',
      'topic:critical resolved critical',
    ]);
  });

  it('retries only the target whose delivery failed', () => {
    // Prepare: the warning topic already has the firing; the critical one does not.
    const told: AlertRecord = {
      key: 'video-prod/balance.low',
      target: WARN.id,
      account: 'video-prod',
      kind: 'balance.low',
      notified: { status: 'firing', severity: 'critical', at: NOW.toISOString() },
      version: 2,
    };

    // Act
    const changes = planAlerts({ findings: [balanceLow('on', 'critical')], records: new Map([[recordId(WARN.id, told.key), told]]), targets: [WARN, CRIT], now: NOW });

    // Assess
    expect(changes.map((c) => c.target)).toEqual([CRIT.id]);
  });

  it('sends the resolution a dead run had claimed, from what was confirmed before its claim', () => {
    // Prepare: firing was confirmed; a run claimed the resolution and died before confirming it.
    const dead: AlertRecord = {
      key: 'video-prod/balance.low',
      target: TERMINAL.id,
      account: 'video-prod',
      kind: 'balance.low',
      notified: { status: 'firing', severity: 'warning', at: at('2026-11-19T00:00:00Z').toISOString() },
      pending: { status: 'resolved', severity: 'warning', at: at('2026-11-20T11:00:00Z').toISOString(), until: at('2026-11-20T11:10:00Z').toISOString() },
      version: 3,
    };
    const records = new Map([[recordId(TERMINAL.id, dead.key), dead]]);

    // Act
    const afterLapse = planAlerts({ findings: [balanceLow('off')], records, targets: [TERMINAL], now: NOW });
    const whileLive = planAlerts({ findings: [balanceLow('off')], records, targets: [TERMINAL], now: at('2026-11-20T11:05:00Z') });

    // Assess
    expect(afterLapse.map((c) => [c.alert.status, c.prior?.version])).toEqual([['resolved', 3]]);
    expect(whileLive).toEqual([]);
  });

  it('reads a record from before per-target delivery as every target, resolving only where its severity was routed', () => {
    // Prepare
    const legacy: AlertRecord = {
      key: 'video-prod/balance.low',
      target: '*',
      account: 'video-prod',
      kind: 'balance.low',
      notified: { status: 'firing', severity: 'warning', at: NOW.toISOString() },
      version: 2,
    };

    // Act
    const received = runTargets([[balanceLow('on', 'warning')], [balanceLow('off')]], [WARN, CRIT], [legacy]);

    // Assess: nothing re-sent while on; the resolution only where a warning was routed.
    expect(received).toEqual(['topic:warning resolved warning']);
  });
});
