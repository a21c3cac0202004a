import { planAlerts } from './alerts/lifecycle.js';
import { holdSilenced } from './alerts/silences.js';
import { describeAlert } from './alerts/catalogue.js';
import type { DeliveryTarget } from './alerts/routing.js';
import type { Alert, AlertDecision, AlertRecord, HistoryEntry } from './alerts/types.js';
import { appendBalanceSample, ledgerFromBalanceHistory } from './budget/balance-history.js';
import { checkRecovered, evaluateAccount, evaluateFailure } from './budget/evaluate.js';
import { ledgerWindowIn, zonedCalendar, type ZonedCalendar } from './budget/period.js';
import type { Finding } from './budget/types.js';
import { mapConcurrent } from './concurrency.js';
import type { AccountConfig, BudgetsConfig } from './config.js';
import { CONSOLE_TARGET } from './delivery/console-publisher.js';
import { deliver, type DeliveryStage, type DeliveryStatus, type Planned } from './delivery/deliver.js';
import { applyQuietHours, type QuietOutcome } from './delivery/quiet-hours.js';
import type { AlertPublisher } from './delivery/types.js';
import { ProviderError } from './errors.js';
import type { AccountFigures, AccountSnapshot } from './model.js';
import type { HttpClient } from './providers/http.js';
import { DEFAULT_ACCOUNT_DEADLINE_MS, fetchSnapshot } from './providers/index.js';
import { moneyOf, type CreditPrice, type Money } from './money.js';
import { redact } from './redact.js';
import { toContractAlert, type AccountReport, type DeliveryReport, type Report } from './report.js';
import { scheduleIntervalMs } from './schedule.js';
import {
  BALANCE_HISTORY_RETENTION_DAYS,
  emptyAccountState,
  type AccountState,
  type AlertStateStore,
  type BalanceSample,
  type StateView,
} from './state/types.js';

/**
 * Accounts checked at once unless CheckDeps.concurrency says otherwise: twice the per-vendor request
 * limit, so that Account API accounts paging their ledgers (one request in flight each) cannot leave the
 * vendors' request slots idle. Memory stays small: an account holds at most its month's ledger.
 */
export const DEFAULT_CHECK_CONCURRENCY = 64;
/** How long a claimed-but-unconfirmed alert blocks other runs unless CheckDeps.claimTtlMs says otherwise. */
export const DEFAULT_CLAIM_TTL_MS = 10 * 60_000;

/** Everything the check needs from the outside world. */
export interface CheckDeps {
  readonly http: HttpClient;
  readonly store: AlertStateStore;
  readonly publisher: AlertPublisher;
  /** Obtains an account's API key (environment, SSM …); throws a ProviderError when it cannot. */
  readonly resolveKey: (account: AccountConfig) => Promise<string>;
  /** Where alerts are delivered; claims are per alert × target. @default [CONSOLE_TARGET] */
  readonly targets?: readonly DeliveryTarget[];
  /** Accounts checked at once. @default DEFAULT_CHECK_CONCURRENCY */
  readonly concurrency?: number;
  /** Evaluate and report, but change no state and send nothing. @default false */
  readonly dryRun?: boolean;
  /** How long a claimed-but-unconfirmed alert blocks other runs. @default DEFAULT_CLAIM_TTL_MS */
  readonly claimTtlMs?: number;
  /** Written on each claim (`host:pid` of a CLI process), so a rerun after the process died takes its claims over. */
  readonly claimOwner?: string;
  /**
   * The machine's clock, when `now` replays another instant: a balance sample newer than both is from
   * a replay of the future, and the next live run discards it. @default () => now
   */
  readonly wallClock?: () => Date;
  /** How long one account's fetch may take, retries included. @default DEFAULT_ACCOUNT_DEADLINE_MS (30 s) */
  readonly accountDeadlineMs?: number;
  /** Aborts every fetch still running (the Lambda sets it a margin before its own timeout). */
  readonly signal?: AbortSignal;
  /** Told about every delivery step that failed (the alert is retried next run). */
  readonly onDeliveryError?: (alert: Alert, target: string, stage: DeliveryStage, error: unknown) => void;
}

/** A report plus what the caller needs for exit codes and channels. */
export interface CheckResult {
  readonly report: Report;
  /** The alerts sent (to at least one target), with render facts (the report holds their contract form). */
  readonly sent: readonly Alert[];
  /** Alerts that did not reach some target (or reached it unrecorded); the next run retries those targets. */
  readonly unsent: readonly Alert[];
  /** Firing alerts an active silence held back (not sent, not recorded). */
  readonly silenced: readonly Alert[];
}

/** One account checked and evaluated: its report line, its findings and the state to save. */
interface Evaluated {
  readonly report: AccountReport;
  readonly findings: readonly Finding[];
  readonly state: AccountState;
}

/** What the run keeps of an account once its alerts are planned. */
interface AccountOutcome {
  readonly report: AccountReport;
  readonly state: AccountState;
  readonly planned: readonly Planned[];
}

/**
 * Checks every account in named phases — load state, check the accounts, plan the alerts (silences
 * and quiet hours hold some back), deliver them, save — and reports. One account's failure never
 * hides another, and a failed delivery step never loses the account states.
 */
export async function checkAccounts(deps: CheckDeps, config: BudgetsConfig, now: Date): Promise<CheckResult> {
  const accounts = config.accounts;
  const view = await deps.store.load(accounts.map((a) => a.id));
  const targets = deps.targets ?? [CONSOLE_TARGET];
  const planner = createPlanner(view, targets, now);
  const outcomes = await checkEach(deps, accounts, view, now, planner.plan);
  const planned = outcomes.flatMap((outcome) => outcome.planned);
  // Silenced firing alerts are neither sent nor recorded: once the silence ends, the next check sends what still holds.
  const { send, held: silenced } = holdSilenced(planned, view.silences, now);
  const quiet = applyQuietHours({ planned: send, held: view.held, targets, records: view.alerts, now, describe: planner.describe });
  if (deps.dryRun) {
    return result(now, outcomes, quiet, quiet.deliveries.map((d) => d.items.map(() => 'sent')), silenced, true);
  }
  let statuses: DeliveryStatus[][] = [];
  try {
    statuses = await deliver(
      {
        store: deps.store,
        publisher: deps.publisher,
        now,
        claimTtlMs: deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
        ...(deps.claimOwner !== undefined && { claimOwner: deps.claimOwner }),
        concurrency: deps.concurrency ?? DEFAULT_CHECK_CONCURRENCY,
        onError: (alert, target, stage, error) => deps.onDeliveryError?.(alert, target.id, stage, error),
      },
      quiet.deliveries,
    );
  } finally {
    await save(deps.store, accounts, outcomes, quiet, statuses);
  }
  const outcome = result(now, outcomes, quiet, statuses, silenced, false);
  await deps.store.appendHistory(historyOf(outcome, now));
  return outcome;
}

/** Phase 5: the account states, whatever happened to the deliveries; what quiet hours hold, and what they no longer need to. */
async function save(
  store: AlertStateStore,
  accounts: readonly AccountConfig[],
  outcomes: readonly AccountOutcome[],
  quiet: QuietOutcome,
  statuses: readonly (readonly DeliveryStatus[])[],
): Promise<void> {
  await store.saveAccounts(new Map(accounts.map((account, index) => [account.id, outcomes[index]!.state])));
  await store.hold(quiet.hold);
  const delivered = quiet.deliveries.flatMap((d, i) => (statuses[i]?.every((s) => s === 'sent' || s === 'taken') ? d.releases : []));
  await store.dropHeld([...quiet.drop, ...delivered]);
}

/** What a run sent, for the digest. */
function historyOf({ sent, report }: CheckResult, now: Date): HistoryEntry[] {
  const targets = new Map((report.delivery ?? []).map((d) => [d.key + d.status, d.sent]));
  return sent.map((alert) => ({
    at: now.toISOString(),
    key: alert.key,
    account: alert.account,
    kind: alert.kind,
    severity: alert.severity,
    status: alert.status,
    title: alert.title,
    targets: targets.get(alert.key + alert.status) ?? [],
  }));
}

/**
 * Phase 2 and 3: fetch and evaluate every account, a few at a time, and plan each account's alerts as soon as
 * it is evaluated: only what is to be sent is kept, not every finding of every account until all are checked.
 */
function checkEach(
  deps: CheckDeps,
  accounts: readonly AccountConfig[],
  view: StateView,
  now: Date,
  plan: (account: AccountConfig, findings: readonly Finding[]) => Planned[],
): Promise<AccountOutcome[]> {
  // Accounts in one time zone share a calendar and a ledger window: building a zoned calendar (an
  // Intl.DateTimeFormat) costs ~0.15 ms, which per account was ~10 % of a 1,000-account check's CPU.
  const zones = new Map<string, Zone>();
  const zoneOf = (timeZone: string): Zone => {
    let zone = zones.get(timeZone);
    if (zone === undefined) {
      const calendar = zonedCalendar(timeZone);
      zone = { calendar, window: ledgerWindowIn(calendar, now) };
      zones.set(timeZone, zone);
    }
    return zone;
  };
  return mapConcurrent(accounts, deps.concurrency ?? DEFAULT_CHECK_CONCURRENCY, async (account) => {
    const { report, findings, state } = await checkOne(deps, account, view.accounts.get(account.id) ?? emptyAccountState(), now, zoneOf(account.timezone));
    return { report, state, planned: plan(account, findings) };
  });
}

/** Phase 3, one account at a time: what to send to whom, each decision described once. */
function createPlanner(
  view: StateView,
  targets: readonly DeliveryTarget[],
  now: Date,
): { plan: (account: AccountConfig, findings: readonly Finding[]) => Planned[]; describe: (decision: AlertDecision) => Alert } {
  const records = new Map<string, Map<string, AlertRecord>>();
  for (const [id, record] of view.alerts) {
    records.set(record.account, (records.get(record.account) ?? new Map<string, AlertRecord>()).set(id, record));
  }
  const none: ReadonlyMap<string, AlertRecord> = new Map();
  const byId = new Map(targets.map((t) => [t.id, t]));
  const described = new Map<AlertDecision, Alert>();
  const describe = (decision: AlertDecision): Alert => {
    const known = described.get(decision);
    if (known !== undefined) return known;
    const alert: Alert = { ...decision, ...describeAlert(decision, decision.status) };
    described.set(decision, alert);
    return alert;
  };
  const plan = (account: AccountConfig, findings: readonly Finding[]): Planned[] =>
    planAlerts({ findings, records: records.get(account.id) ?? none, targets, now, renotifyHours: account.renotifyHours }).map(
      (change) => ({ change, alert: describe(change.alert), target: byId.get(change.target)! }),
    );
  return { plan, describe };
}

/** The report: accounts, the alerts sent (each once, whatever the targets), where each went, what was held. */
function result(
  now: Date,
  outcomes: readonly AccountOutcome[],
  quiet: QuietOutcome,
  statuses: readonly (readonly DeliveryStatus[])[],
  silenced: readonly Planned[],
  dryRun: boolean,
): CheckResult {
  const byAlert = new Map<Alert, { sent: string[]; failed: string[]; held: string[] }>();
  const entryOf = (alert: Alert) => byAlert.get(alert) ?? byAlert.set(alert, { sent: [], failed: [], held: [] }).get(alert)!;
  quiet.deliveries.forEach(({ items, target }, d) =>
    items.forEach(({ alert }, i) => {
      const status = statuses[d]?.[i];
      if (status === 'sent') entryOf(alert).sent.push(target.id);
      else if (status === 'failed' || status === 'unconfirmed') entryOf(alert).failed.push(target.id);
    }),
  );
  const sent = [...byAlert].filter(([, e]) => e.sent.length > 0).map(([alert]) => alert);
  const unsent = [...byAlert].filter(([, e]) => e.failed.length > 0).map(([alert]) => alert);
  for (const p of quiet.quieted) entryOf(p.alert).held.push(p.target.id);
  const delivery: DeliveryReport[] = [...byAlert].map(([alert, e]) => ({
    key: alert.key,
    status: alert.status,
    sent: e.sent,
    failed: e.failed,
    ...(e.held.length > 0 && { heldForQuietHours: e.held }),
  }));
  const held = [...new Set(silenced.map((d) => d.alert))];
  return {
    report: {
      checkedAt: now.toISOString(),
      accounts: outcomes.map((o) => o.report),
      alerts: sent.map(toContractAlert),
      ...(held.length > 0 && { silenced: held.map(toContractAlert) }),
      ...(!dryRun && delivery.length > 0 && { delivery }),
    },
    sent,
    unsent,
    silenced: held,
  };
}

interface Zone {
  readonly calendar: ZonedCalendar;
  readonly window: { readonly from: Date; readonly to: Date };
}

async function checkOne(deps: CheckDeps, account: AccountConfig, prior: AccountState, now: Date, zone: Zone): Promise<Evaluated> {
  let apiKey: string | undefined;
  let deadline: Deadline | undefined;
  try {
    apiKey = await deps.resolveKey(account);
    // Every account has a deadline (a vendor paging slowly forever ends as a `timeout`), and the run may have one too.
    deadline = accountDeadline(deps.accountDeadlineMs ?? DEFAULT_ACCOUNT_DEADLINE_MS, deps.signal);
    const snapshot = await fetchSnapshot(
      account.provider,
      {
        accountId: account.id,
        baseUrl: account.baseUrl,
        ...(account.endpoint !== undefined && { endpoint: account.endpoint }),
        apiKey,
        window: zone.window,
        now,
        signal: deadline.signal,
      },
      deps.http,
    );
    deadline.end();
    const wall = deps.wallClock?.() ?? now;
    return evaluateSnapshot(account, snapshot, prior, now, zone.calendar, wall > now ? wall : now);
  } catch (error) {
    deadline?.end();
    const code = error instanceof ProviderError ? error.code : 'internal';
    // Adapters redact already; this guards every other path a key could take into a message.
    const message = redact(error instanceof Error ? error.message : String(error), apiKey ? [apiKey] : []);
    return failedOutcome(account, prior, now, { code, message });
  }
}

interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the timer and stops listening to the run's signal (the account is done). */
  readonly end: () => void;
}

/**
 * One account's deadline, joined with the run's signal. Not AbortSignal.timeout and AbortSignal.any: their
 * timers and the run signal's list of dependants live on until garbage collection, where these are let go
 * as soon as the account is done (10,000 accounts in one invocation left 10,000 of each waiting).
 */
function accountDeadline(ms: number, run: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  if (run?.aborted) {
    controller.abort(run.reason);
    return { signal: controller.signal, end: () => undefined };
  }
  const onRunAbort = (): void => controller.abort(run?.reason);
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref();
  run?.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    end: () => {
      clearTimeout(timer);
      run?.removeEventListener('abort', onRunAbort);
    },
  };
}

function failedOutcome(account: AccountConfig, prior: AccountState, now: Date, error: { code: string; message: string }): Evaluated {
  const consecutiveFailures = prior.consecutiveFailures + 1;
  const lastGood = prior.lastGood;
  const stale = lastGood === undefined || now.getTime() - Date.parse(lastGood.at) > 2 * scheduleIntervalMs(account.schedule);
  const finding = evaluateFailure({ account, error, consecutiveFailures, now });
  return {
    report: {
      id: account.id,
      provider: account.provider,
      status: 'error',
      error,
      ...(stale && { stale: true }),
      ...(lastGood !== undefined && { lastGood: { at: lastGood.at, ...lastGood.figures } }),
    },
    // The alert says since when the figures are stale.
    findings: [{ ...finding, facts: { ...finding.facts, ...(lastGood !== undefined && { lastGoodAt: lastGood.at }) } }],
    state: { ...prior, consecutiveFailures, lastCheckedAt: now.toISOString() },
  };
}

function evaluateSnapshot(
  account: AccountConfig,
  snapshot: AccountSnapshot,
  prior: AccountState,
  now: Date,
  calendar: ZonedCalendar,
  horizon: Date,
): Evaluated {
  let balanceHistory = prior.balanceHistory;
  let ledger = snapshot.ledger;
  let historyFrom: Date | undefined;
  if (ledger === undefined) {
    const derived = fromBalanceHistory(prior.balanceHistory, snapshot.balance.available, now, horizon);
    ({ balanceHistory, ledger, historyFrom } = derived);
  }
  const { findings, summary } = evaluateAccount({ account, snapshot, ledger, now, historyFrom, calendar });
  const figures: AccountFigures = {
    balance: snapshot.balance,
    consumption: {
      period: summary.period,
      used: round(summary.used),
      ...(summary.budget !== undefined && { budget: summary.budget }),
      ...(summary.forecast !== undefined && { forecast: round(summary.forecast) }),
    },
    ...(summary.runwayDays !== undefined && { runwayDays: round(summary.runwayDays) }),
  };
  const at = now.toISOString();
  return {
    report: { id: account.id, provider: account.provider, status: 'ok', ...figures, ...withMoney(figures, account.creditPrice) },
    findings: [...withPrice(findings, account.creditPrice), checkRecovered(account)],
    state: { consecutiveFailures: 0, balanceHistory, lastCheckedAt: at, lastGood: { at, figures } },
  };
}

/**
 * Balance-only vendors: consumption is what the balance lost between our own checks. Only what was
 * known at `now` counts, and only a sample newer than every stored one is kept: a replay of a past
 * instant (which sees today's balance) never turns into consumption. Samples beyond `horizon` (the
 * later of `now` and the machine's clock) come from a replay of the future and are dropped.
 */
function fromBalanceHistory(stored: readonly BalanceSample[], available: number, now: Date, horizon: Date) {
  const nowIso = now.toISOString();
  const horizonIso = horizon.toISOString();
  const kept = stored.filter((s) => s.at <= horizonIso);
  const known = kept.filter((s) => s.at <= nowIso).map((s) => ({ at: new Date(s.at), available: s.available }));
  const next = appendBalanceSample(known, { at: now, available }, now, BALANCE_HISTORY_RETENTION_DAYS);
  const newest = kept[kept.length - 1]?.at;
  const balanceHistory = newest === undefined || newest < nowIso ? next.map((s) => ({ at: s.at.toISOString(), available: s.available })) : kept;
  return { balanceHistory, ledger: ledgerFromBalanceHistory(next), historyFrom: next[0]?.at };
}

/** Findings whose texts show money beside credits (the account sets a credit price). */
function withPrice(findings: readonly Finding[], price: CreditPrice | undefined): readonly Finding[] {
  return price === undefined ? findings : findings.map((f) => ({ ...f, facts: { ...f.facts, price } }));
}

function withMoney(figures: AccountFigures, price: CreditPrice | undefined): { money?: Money } {
  const money = moneyOf(figures, price);
  return money === undefined ? {} : { money };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
