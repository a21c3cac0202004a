// A harness that runs the real checkAccounts through random sequences of runs, with faults injected
// into the state store and the publisher, and an oracle that knows what each target received. The
// property tests (test/lib/delivery/faults.property.test.ts) and `npm run fuzz` share it.
import * as fc from 'fast-check';
import type { DeliveryTarget } from '../../lib/alerts/routing.js';
import type { Alert, AlertRecord } from '../../lib/alerts/types.js';
import { checkAccounts } from '../../lib/check.js';
import { validateBudgets, type BudgetsConfig } from '../../lib/config-schema.js';
import type { AlertPublisher } from '../../lib/delivery/types.js';
import { ProviderRequestError, PublishError } from '../../lib/errors.js';
import { severityRank, type Severity } from '../../lib/model.js';
import type { HttpClient } from '../../lib/providers/http.js';
import { createMemoryStore } from '../../lib/state/memory-store.js';
import type { AlertStateStore } from '../../lib/state/types.js';
import { storeWith } from './store-with.js';

export const STAGES = ['claim', 'publish', 'confirm', 'release', 'save'] as const;
export type Stage = (typeof STAGES)[number];

/** One injected fault: the `nth` call (0-based) of `stage` in a run fails, crashes the run, or (publish) fails after sending. */
export interface FaultPlan {
  readonly stage: Stage;
  readonly nth: number;
  readonly kind: 'fail' | 'crash' | 'fail-after-send';
}

/** One run: when (after the previous), how balances moved, whether a vendor is down, faults, and an optional racing twin. */
export interface RunPlan {
  readonly gapMinutes: number;
  readonly deltas: readonly number[];
  readonly vendorDown: readonly boolean[];
  readonly faults: readonly FaultPlan[];
  /** A second run at the same instant, racing this one, with its own faults. */
  readonly race?: readonly FaultPlan[];
}

export const TARGETS: readonly DeliveryTarget[] = [
  { id: 'topic:info', minSeverity: 'info' },
  { id: 'topic:warning', minSeverity: 'warning' },
  { id: 'topic:critical', minSeverity: 'critical' },
];

const ACCOUNTS = ['img-a', 'img-b'] as const;
const START = Date.parse('2026-10-28T01:00:00Z');
const CLAIM_TTL_MS = 10 * 60_000;

const CONFIG: BudgetsConfig = validateBudgets(
  {
    accounts: [
      {
        id: 'img-a',
        provider: 'pixelcut',
        apiKey: { env: 'A' },
        budget: { monthly: 600, alertAt: [50, 80, 100], forecastAt: [100] },
        balance: { below: 100, runwayDays: 3 },
      },
      { id: 'img-b', provider: 'pixelcut', apiKey: { env: 'B' }, balance: { below: 50 }, usage: { spikeFactor: 3 } },
    ],
  },
  'fault-harness.yaml',
);

/** The arbitrary of a whole scenario: a few to `maxRuns` runs with random faults. */
export function scenarioArbitrary(maxRuns: number): fc.Arbitrary<RunPlan[]> {
  const fault = fc.record({
    stage: fc.constantFrom(...STAGES),
    nth: fc.nat({ max: 6 }),
    kind: fc.constantFrom('fail', 'fail', 'crash', 'fail-after-send'),
  });
  const run = fc.record(
    {
      gapMinutes: fc.constantFrom(0, 5, 30, 60, 60, 180, 720, 1440, 4320),
      deltas: fc.array(fc.integer({ min: -250, max: 120 }), { minLength: ACCOUNTS.length, maxLength: ACCOUNTS.length }),
      vendorDown: fc.array(fc.nat({ max: 8 }).map((n) => n === 0), { minLength: ACCOUNTS.length, maxLength: ACCOUNTS.length }),
      faults: fc.array(fault, { maxLength: 3 }),
      race: fc.option(fc.array(fault, { maxLength: 2 }), { freq: 5 }),
    },
    { requiredKeys: ['gapMinutes', 'deltas', 'vendorDown', 'faults'] },
  );
  return fc
    .array(run, { minLength: 2, maxLength: maxRuns })
    .map((runs) => runs.map(({ race, ...rest }): RunPlan => (race ? { ...rest, race } : rest)));
}

/** What a target received, in order. */
export interface Receipt {
  readonly target: string;
  readonly key: string;
  readonly status: Alert['status'];
  readonly severity: Severity;
  readonly run: number;
}

/** The outcome of a scenario: every receipt, the documented re-sends allowed, and any invariant broken. */
export interface ScenarioResult {
  readonly receipts: readonly Receipt[];
  readonly violations: readonly string[];
}

/** A run that crashed: every store or publisher call it makes from now on never returns. */
class Crash {
  crashed = false;
  readonly signal: Promise<void>;
  private fire!: () => void;
  constructor() {
    this.signal = new Promise((resolve) => (this.fire = resolve));
  }
  now(): Promise<never> {
    this.crashed = true;
    this.fire();
    return new Promise<never>(() => undefined);
  }
}

/** Runs a scenario through the real checkAccounts and checks the invariants; never throws for a violation. */
export async function runScenario(runs: readonly RunPlan[]): Promise<ScenarioResult> {
  const world = createWorld();
  const receipts: Receipt[] = [];
  const allowance = new Map<string, number>();
  const violations: string[] = [];
  const allow = (target: string, key: string) => allowance.set(`${target} ${key}`, (allowance.get(`${target} ${key}`) ?? 0) + 1);
  // (target, key) pairs whose claim lapsed unconfirmed: its notification may or may not have gone out.
  const uncertain = new Set<string>();
  let at = START;

  const runOnce = async (index: number, plan: readonly FaultPlan[], now: Date): Promise<void> => {
    const crash = new Crash();
    const counts = new Map<Stage, number>();
    const faultFor = (stage: Stage): FaultPlan['kind'] | undefined => {
      const n = counts.get(stage) ?? 0;
      counts.set(stage, n + 1);
      return plan.find((f) => f.stage === stage && f.nth === n)?.kind;
    };
    const guard = async <T>(stage: Stage, act: (kind: FaultPlan['kind'] | undefined) => Promise<T>): Promise<T> => {
      if (crash.crashed) return crash.now();
      const kind = faultFor(stage);
      if (kind === 'crash') return crash.now();
      return act(kind);
    };
    const failing = (kind: FaultPlan['kind'] | undefined, stage: Stage) => {
      if (kind === 'fail') throw new Error(`injected ${stage} failure`);
    };
    const outstanding = new Map<string, AlertRecord>();
    const store = faultyStore(world.store, guard, failing, outstanding);
    const publisher: AlertPublisher = {
      publish: (alert, target) =>
        guard('publish', async (kind) => {
          failing(kind, 'publish');
          receipts.push({ target: target.id, key: alert.key, status: alert.status, severity: alert.severity, run: index });
          if (kind === 'fail-after-send') {
            throw new PublishError('injected failure after SNS accepted the message', { maybeDelivered: true });
          }
        }),
    };
    const run = checkAccounts({ http: world.http, store, publisher, resolveKey: async (a) => `key-${a.id}`, targets: TARGETS, claimTtlMs: CLAIM_TTL_MS }, CONFIG, now)
      .then(() => 'done' as const, () => 'failed' as const);
    const outcome = await Promise.race([run, crash.signal.then(() => 'crashed' as const)]);
    await settle();
    // A claim neither confirmed nor released lapses: the one documented re-send may follow.
    for (const claimed of outstanding.values()) {
      allow(claimed.target, claimed.key);
      uncertain.add(`${claimed.target} ${claimed.key}`);
    }
    if (outcome === 'done') checkAccountsSaved(world, now, index, violations);
  };

  for (const [index, plan] of runs.entries()) {
    at += plan.gapMinutes * 60_000;
    world.move(plan.deltas, plan.vendorDown);
    const now = new Date(at);
    await Promise.all([runOnce(index, plan.faults, now), ...(plan.race ? [runOnce(index, plan.race, now)] : [])]);
  }

  // The faults stop: runs after every claim has lapsed deliver what is owed.
  world.move(ACCOUNTS.map(() => 0), ACCOUNTS.map(() => false));
  for (const minutes of [60, 61]) await runOnce(runs.length, [], new Date(at + minutes * 60_000));
  const owed = await dueFromScratch(world, new Date(at + 61 * 60_000));
  checkDelivered(receipts, owed, violations);
  // Every condition ends (a huge top-up): every target told of a firing state hears it resolved.
  world.topUp(1_000_000);
  for (const minutes of [120, 180]) await runOnce(runs.length + 1, [], new Date(at + minutes * 60_000));
  checkResolved(receipts, uncertain, violations);
  checkNoDuplicates(receipts, allowance, violations);
  return { receipts, violations };
}

type Guard = <T>(stage: Stage, act: (kind: FaultPlan['kind'] | undefined) => Promise<T>) => Promise<T>;

/** The store with faults injected; `outstanding` holds this run's claims not yet confirmed or released. */
function faultyStore(
  inner: AlertStateStore,
  guard: Guard,
  failing: (kind: FaultPlan['kind'] | undefined, stage: Stage) => void,
  outstanding: Map<string, AlertRecord>,
): AlertStateStore {
  const id = (r: AlertRecord) => `${r.target} ${r.key} ${r.version}`;
  return storeWith(inner, {
    claim: (next, prior) =>
      guard('claim', async (kind) => {
        failing(kind, 'claim');
        const won = await inner.claim(next, prior);
        if (won) outstanding.set(id(next), next);
        return won;
      }),
    confirm: (claimed: AlertRecord) =>
      guard('confirm', async (kind) => {
        failing(kind, 'confirm');
        await inner.confirm(claimed);
        outstanding.delete(id(claimed));
      }),
    release: (claimed, prior) =>
      guard('release', async (kind) => {
        failing(kind, 'release');
        await inner.release(claimed, prior);
        outstanding.delete(id(claimed));
      }),
    saveAccounts: (states) => guard('save', async (kind) => (failing(kind, 'save'), inner.saveAccounts(states))),
  });
}

/** The simulated vendor: Pixelcut-shaped balances the scenario moves, answered in-process. */
function createWorld() {
  const balances = new Map<string, number>(ACCOUNTS.map((id) => [id, 900]));
  const down = new Set<string>();
  const store = createMemoryStore();
  const http: HttpClient = {
    async getJson(request) {
      const id = request.headers['X-API-KEY']?.replace(/^key-/, '') ?? '';
      if (down.has(id)) throw new ProviderRequestError('pixelcut GET /v1/credits: HTTP 503 server error', { code: 'server', status: 503, attempts: 1 });
      return { status: 200, body: { credits_remaining: balances.get(id) ?? 0 }, headers: new Headers() };
    },
  };
  return {
    store,
    http,
    move(deltas: readonly number[], vendorDown: readonly boolean[]) {
      ACCOUNTS.forEach((id, i) => {
        balances.set(id, Math.max(0, (balances.get(id) ?? 0) + (deltas[i] ?? 0)));
        if (vendorDown[i]) down.add(id);
        else down.delete(id);
      });
    },
    topUp(amount: number) {
      for (const id of ACCOUNTS) balances.set(id, (balances.get(id) ?? 0) + amount);
    },
  };
}

/** Lets operations a crashed run had already started finish, as they would have a moment before the process died. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** What a fault-free system owes each target now: a dry run over the same account states and no alert records. */
async function dueFromScratch(world: ReturnType<typeof createWorld>, now: Date): Promise<{ target: string; alert: Alert }[]> {
  const scratch = createMemoryStore();
  await scratch.saveAccounts(world.store.accounts);
  const publisher: AlertPublisher = { publish: async () => undefined };
  const result = await checkAccounts(
    { http: world.http, store: scratch, publisher, resolveKey: async (a) => `key-${a.id}`, targets: TARGETS, dryRun: true },
    CONFIG,
    now,
  );
  return result.sent.flatMap((alert) =>
    TARGETS.filter((t) => severityRank(alert.severity) >= severityRank(t.minSeverity)).map((t) => ({ target: t.id, alert })),
  );
}

const isEvent = (key: string) => key.split('/').length > 2;

/** (b) Every alert whose condition holds has reached each of its targets, escalations included. */
function checkDelivered(receipts: readonly Receipt[], owed: readonly { target: string; alert: Alert }[], violations: string[]): void {
  for (const { target, alert } of owed) {
    const got = receipts.filter((r) => r.target === target && r.key === alert.key);
    const last = got[got.length - 1];
    if (last === undefined) violations.push(`(b) ${target} never received ${alert.key} (${alert.severity})`);
    else if (!isEvent(alert.key) && (last.status !== 'firing' || severityRank(last.severity) < severityRank(alert.severity))) {
      violations.push(`(b) ${target} last received ${alert.key} as ${last.status} ${last.severity}, but it is firing ${alert.severity}`);
    }
  }
}

/**
 * (b) Every notified state that ended is resolved to each target that got it; (c) never a resolution
 * without a firing — except after a firing whose claim lapsed unconfirmed, which may have gone out.
 */
function checkResolved(receipts: readonly Receipt[], uncertain: ReadonlySet<string>, violations: string[]): void {
  const last = new Map<string, Receipt>();
  for (const r of receipts) {
    const id = `${r.target} ${r.key}`;
    if (r.status === 'resolved' && last.get(id)?.status !== 'firing' && !uncertain.has(id)) {
      violations.push(`(c) ${r.target} received a resolution of ${r.key} without a firing before it`);
    }
    last.set(id, r);
  }
  for (const [id, r] of last) {
    if (!isEvent(r.key) && r.status === 'firing') violations.push(`(b) ${id} was never told the condition ended`);
  }
}

/** (a) No target receives an alert twice, except the documented re-send after an unrecorded publication. */
function checkNoDuplicates(receipts: readonly Receipt[], allowance: ReadonlyMap<string, number>, violations: string[]): void {
  const last = new Map<string, Receipt>();
  const extra = new Map<string, number>();
  for (const r of receipts) {
    const id = `${r.target} ${r.key}`;
    const prior = last.get(id);
    const duplicate = isEvent(r.key)
      ? prior !== undefined
      : prior !== undefined && prior.status === r.status && (r.status === 'resolved' || severityRank(r.severity) <= severityRank(prior.severity));
    if (duplicate) extra.set(id, (extra.get(id) ?? 0) + 1);
    last.set(id, r);
  }
  for (const [id, count] of extra) {
    if (count > (allowance.get(id) ?? 0)) violations.push(`(a) ${id} received ${count} duplicate(s), ${allowance.get(id) ?? 0} allowed`);
  }
}

/** (d) A run that finished saved every account's state, whatever happened to its deliveries. */
function checkAccountsSaved(world: ReturnType<typeof createWorld>, now: Date, run: number, violations: string[]): void {
  for (const id of ACCOUNTS) {
    if (world.store.accounts.get(id)?.lastCheckedAt !== now.toISOString()) {
      violations.push(`(d) run ${run} finished but the state of ${id} was not saved`);
    }
  }
}
