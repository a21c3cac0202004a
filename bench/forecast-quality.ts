// Forecast quality: synthetic burn patterns over three months, replayed at hourly checks through the real
// rules (evaluateAccount, the lifecycle's planAlerts), once with today's estimator and once with the new
// one, for a vendor with a ledger and for one whose ledger is derived from balance samples. Prints
// month-end forecast errors and false/late runway and forecast alerts per pattern, then the targets.
// Deterministic: the noise is seeded. No network.
// Run alone: npx tsx bench/forecast-quality.ts [--candidates] [--pattern NAME]
//   --candidates also replays the other estimators tried (median of days, winsorised and trimmed means,
//   a capped EWMA) and prints their sums: how the estimator was chosen.
// "False" and "late" are judged against the simulation itself: a runway alert is false when the balance
// does not run out within 1.5 × runwayDays of it; late when the balance ran out with less warning than
// runwayDays; a forecast alert is false when its month ended below the threshold, late when it came after
// the actual alert of the same threshold (or never, for a month that reached it).
import { confirmedRecord, claimedRecord, recordId } from '../lib/alerts/records.js';
import { planAlerts } from '../lib/alerts/lifecycle.js';
import type { AlertRecord } from '../lib/alerts/types.js';
import { ledgerFromBalanceHistory, type BalanceSample } from '../lib/budget/balance-history.js';
import { runwayDays } from '../lib/budget/burn-rate.js';
import { consumptionBetween, consumptionThrough } from '../lib/budget/consumption.js';
import { buildContext, type EvaluationInput, type RuleContext } from '../lib/budget/context.js';
import { evaluateAccount, RULES } from '../lib/budget/evaluate.js';
import { DAY_MS, ledgerWindowIn, type Period, periodIn, zonedCalendar, type ZonedCalendar } from '../lib/budget/period.js';
import type { RulesConfig } from '../lib/budget/rules-config.js';
import type { Finding } from '../lib/budget/types.js';
import type { AccountSnapshot, LedgerEntry } from '../lib/model.js';
import { flag, isMain, runMain } from './lib/main.js';
import { median, printTable, verdict } from './lib/stats.js';

const HOUR = 3_600_000;
/** The three months whose checks are measured: September to November 2026 (30, 31 and 30 days). */
const FIRST_MONTH = Date.UTC(2026, 8, 1);
const END = Date.UTC(2026, 11, 1);
/** The simulation runs on past the last check, so that a run-out just after it still judges the last alerts. */
const SIMULATED_UNTIL = END + 11 * DAY_MS;
/** Accounts (but the new one) have a month of history before the first measured month. */
const HISTORY_START = FIRST_MONTH - 30 * DAY_MS;
const RUNWAY_DAYS = 7;
const THRESHOLDS = [80, 100];
const FORECAST_DAYS = [5, 10, 20];
/** A top-up lands this long after the balance ran out (someone noticed). */
const REFILL_AFTER = 6 * HOUR;
/**
 * Slack for "late": an alert cannot come before the first check under the limit (an hour), and the debit
 * that empties the balance lands within the hour after that (another hour).
 */
const SLACK_DAYS = (2 * HOUR) / DAY_MS;

// ---------------------------------------------------------------------------------------------- patterns

/** A small, fast, seeded generator (mulberry32): the same numbers on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A day-to-day factor with mean 1 (log-normal, σ = `sigma`), the same for every hour of a UTC day. */
function dailyFactor(seed: number, sigma: number): (hour: number) => number {
  const random = seeded(seed);
  const factors = new Map<number, number>();
  return (hour) => {
    const day = Math.floor(hour / DAY_MS);
    let factor = factors.get(day);
    if (factor === undefined) {
      const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      factor = Math.exp(sigma * gauss - (sigma * sigma) / 2);
      factors.set(day, factor);
    }
    return factor;
  };
}

/** A burn pattern: what the account wants to spend each hour, and the balance it starts with. */
interface Pattern {
  readonly name: string;
  readonly timezone: string;
  /** Credits wanted in the hour starting at `hour` (ms), before the balance limits them; called in order. */
  readonly perHour: (hour: number) => number;
  /** Single large debits: [instant (ms), credits]. */
  readonly bursts?: readonly (readonly [number, number])[];
  /** When the account opens (default: a month before the first measured month). */
  readonly opens?: number;
  /** The opening balance leaves `left` credits at `at` (0: the balance runs out then). */
  readonly balance: { readonly at: number; readonly left: number };
  /** Credits bought after the balance ran out. */
  readonly refill: number;
  readonly budget: number;
}

const utcDay = (hour: number): number => new Date(hour).getUTCDate();
const daysSince = (hour: number, from: number): number => (hour - from) / DAY_MS;
const nyParts = zonedCalendar('America/New_York');
const SPIKE_DAY = 12;

/** The patterns: at least one per behaviour the estimator must get right. */
function patterns(): Pattern[] {
  const noise = dailyFactor(7, 0.35);
  const jitter = seeded(11);
  const onOct = (day: number, hour = 0): number => Date.UTC(2026, 9, day, hour);
  return [
    { name: 'steady', timezone: 'UTC', perHour: () => 1, balance: { at: onOct(15, 12), left: 0 }, refill: 840, budget: 650 },
    {
      name: 'steady + noise',
      timezone: 'UTC',
      perHour: (h) => noise(h) * (0.5 + jitter()),
      balance: { at: onOct(15, 12), left: 0 },
      refill: 840,
      budget: 650,
    },
    {
      name: 'weekdays only',
      timezone: 'America/New_York',
      perHour: (h) => {
        const local = nyParts.parts(new Date(h));
        const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
        return weekday >= 1 && weekday <= 5 && local.hour >= 9 && local.hour < 18 ? 4 : 0;
      },
      balance: { at: onOct(15, 15), left: 0 },
      refill: 900,
      budget: 700,
    },
    {
      name: 'one-off batch',
      timezone: 'UTC',
      perHour: () => 0.5 / 24,
      bursts: [[onOct(12, 14) + 20 * 60_000, 900]],
      balance: { at: onOct(12, 15), left: 100 },
      refill: 100,
      budget: 1500,
    },
    {
      name: 'weekly batch',
      timezone: 'UTC',
      perHour: (h) => 5 / 24 + (new Date(h).getUTCDay() === 1 && new Date(h).getUTCHours() === 2 ? 140 : 0),
      balance: { at: onOct(15, 12), left: 0 },
      refill: 875,
      budget: 700,
    },
    {
      name: 'ramp-up',
      timezone: 'UTC',
      perHour: (h) => (10 + (50 * daysSince(h, HISTORY_START)) / 120) / 24,
      balance: { at: onOct(26), left: 0 },
      refill: 1200,
      budget: 1200,
    },
    {
      name: 'ramp-down',
      timezone: 'UTC',
      perHour: (h) => (60 - (50 * daysSince(h, HISTORY_START)) / 120) / 24,
      balance: { at: onOct(11), left: 0 },
      refill: 600,
      budget: 1000,
    },
    {
      name: 'spike day',
      timezone: 'UTC',
      perHour: (h) => (utcDay(h) === SPIKE_DAY ? 10 : 1),
      balance: { at: onOct(SPIKE_DAY), left: 540 },
      refill: 1000,
      budget: 1000,
    },
    {
      name: 'new account',
      timezone: 'UTC',
      opens: Date.UTC(2026, 8, 3, 10),
      perHour: () => 30 / 24,
      bursts: [[Date.UTC(2026, 8, 3, 10, 20), 300]],
      balance: { at: Date.UTC(2026, 8, 3, 10), left: 1000 },
      refill: 1000,
      budget: 900,
    },
    {
      name: 'step up 5 → 40/day',
      timezone: 'UTC',
      perHour: (h) => (h < onOct(10) ? 5 : 40) / 24,
      balance: { at: onOct(20), left: 0 },
      refill: 1000,
      budget: 500,
    },
  ];
}

// ---------------------------------------------------------------------------------------------- simulation

/** What happened to one account: its ledger, its balance at every check, and when it ran out. */
interface Simulation {
  readonly pattern: Pattern;
  readonly opens: number;
  readonly ledger: readonly LedgerEntry[];
  /** Balance at each hourly check instant (key: ms). */
  readonly balanceAt: ReadonlyMap<number, number>;
  /** Instants at which the balance reached 0. */
  readonly runOuts: readonly number[];
}

/** Demand per hour (and bursts) from the opening to the end, in order. */
function demandOf(pattern: Pattern, opens: number): { hour: number; amount: number; at: number }[] {
  const demand: { hour: number; amount: number; at: number }[] = [];
  for (let hour = opens; hour < SIMULATED_UNTIL; hour += HOUR) {
    const amount = pattern.perHour(hour);
    if (amount > 0) demand.push({ hour, amount, at: hour + 20 * 60_000 });
    for (const [at, credits] of pattern.bursts ?? []) if (at >= hour && at < hour + HOUR) demand.push({ hour, amount: credits, at });
  }
  return demand.sort((a, b) => a.at - b.at);
}

function simulate(pattern: Pattern): Simulation {
  const opens = pattern.opens ?? HISTORY_START;
  const demand = demandOf(pattern, opens);
  let balance = pattern.balance.left;
  for (const d of demand) if (d.at < pattern.balance.at) balance += d.amount;
  const ledger: LedgerEntry[] = [];
  const balanceAt = new Map<number, number>();
  const runOuts: number[] = [];
  let refillAt: number | undefined;
  let next = 0;
  for (let check = opens; check <= SIMULATED_UNTIL; check += HOUR) {
    for (; next < demand.length && demand[next]!.at <= check; next++) {
      const d = demand[next]!;
      if (refillAt !== undefined && d.at >= refillAt) {
        balance += pattern.refill;
        ledger.push({ id: `c-${refillAt}`, at: new Date(refillAt), type: 'credit', delta: pattern.refill });
        refillAt = undefined;
      }
      const amount = Math.round(Math.min(d.amount, balance) * 1e6) / 1e6;
      if (amount <= 0) continue;
      balance = Math.round((balance - amount) * 1e6) / 1e6;
      ledger.push({ id: `d-${d.at}-${ledger.length}`, at: new Date(d.at), type: 'debit', delta: -amount });
      if (balance <= 0) {
        runOuts.push(d.at);
        refillAt = d.at + REFILL_AFTER;
      }
    }
    balanceAt.set(check, balance);
  }
  return { pattern, opens, ledger, balanceAt, runOuts };
}

// ---------------------------------------------------------------------------------------------- estimators

/** What a variant gives back for one check: the findings and the forecast (month-end consumption). */
interface Evaluated {
  readonly findings: readonly Finding[];
  readonly forecast?: number;
}

interface Variant {
  readonly name: string;
  readonly evaluate: (input: EvaluationInput) => Evaluated;
}

/** The new estimator: exactly what a check runs. */
const NEW: Variant = {
  name: 'new',
  evaluate: (input) => {
    const { findings, summary } = evaluateAccount(input);
    return { findings, ...(summary.forecast !== undefined && { forecast: summary.forecast }) };
  },
};

/** Where a ledger's knowledge starts, as the estimators see it. */
function knownSince(input: EvaluationInput, ledger: readonly LedgerEntry[]): number | undefined {
  if (input.historyFrom) return input.historyFrom.getTime();
  let first: number | undefined;
  for (const e of ledger) if (first === undefined || e.at.getTime() < first) first = e.at.getTime();
  return first;
}

/**
 * Today's estimator, kept for comparison: runway from the trailing 7-day average (over the covered span,
 * at least a day); the forecast extrapolates the month so far once 3 days have passed, and uses the
 * 7-day average before that. The rules are the real ones, given today's figures.
 */
const TODAY: Variant = {
  name: 'today',
  evaluate: (input) => {
    const context = buildContext(input);
    const now = input.now.getTime();
    const since = knownSince(input, context.ledger);
    const windowStart = now - 7 * DAY_MS;
    const used7 = consumptionThrough(context.ledger, new Date(windowStart + 1), input.now);
    const covered = since === undefined ? 0 : now - Math.max(since, windowStart);
    const perDay = used7 <= 0 ? 0 : used7 / Math.min(7, Math.max(1, covered / DAY_MS));
    const elapsed = now - context.period.start.getTime();
    const remaining = context.period.end.getTime() - now;
    const forecast =
      elapsed >= 3 * DAY_MS
        ? context.used + (context.used / elapsed) * remaining
        : since !== undefined && now - since >= 3 * DAY_MS
          ? context.used + (perDay * remaining) / DAY_MS
          : undefined;
    return withFigures(context, perDay, forecast);
  },
};

/** The real rules over a context whose rate, runway and forecast a candidate estimator computed. */
function withFigures(context: RuleContext, perDay: number, forecast: number | undefined): Evaluated {
  const burn = { ...context.burn, perDay };
  const runway = runwayDays(context.snapshot.balance.available, burn);
  const { forecast: _real, runway: _runway, ...rest } = context;
  const replaced: RuleContext = {
    ...rest,
    burn,
    ...(runway !== undefined && { runway }),
    ...(forecast !== undefined && { forecast: { value: forecast, used: context.used, rate: burn } }),
  };
  return { findings: RULES.flatMap((rule) => rule(replaced)), ...(forecast !== undefined && { forecast }) };
}

/** Consumption per 24 h back from now, `[0]` the latest, over the whole days known (at most `count`). */
function days(context: RuleContext, since: number | undefined, count: number): number[] {
  const now = context.now.getTime();
  const known = since === undefined ? 0 : Math.min(count, Math.floor((now - since) / DAY_MS));
  return Array.from({ length: known }, (_, i) =>
    consumptionBetween(context.ledger, new Date(now - (i + 1) * DAY_MS + 1), new Date(now - i * DAY_MS + 1)),
  );
}

/** A candidate from a rate over whole days (the forecast as the new one: used + rate × days left). */
function candidate(name: string, rate: (days: readonly number[]) => number): Variant {
  return {
    name,
    evaluate: (input) => {
      const context = buildContext(input);
      const since = knownSince(input, context.ledger);
      const known = days(context, since, 14);
      const perDay = known.length < 3 ? context.burn.perDay : rate(known);
      const forecast = context.forecast ? context.used + (perDay * (context.period.end.getTime() - input.now.getTime())) / DAY_MS : undefined;
      return withFigures(context, perDay, forecast);
    },
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The estimators tried before choosing (`--candidates`). */
const CANDIDATES: readonly Variant[] = [
  candidate('7-day median', (d) => median(d.slice(0, 7))),
  candidate('7-day mean, winsorised at 3× median', (d) => {
    const w = d.slice(0, 7);
    const cap = 3 * median(w);
    return mean(w.map((x) => Math.min(x, cap)));
  }),
  candidate('14-day mean, trimmed (top and bottom day)', (d) => mean([...d].sort((a, b) => a - b).slice(1, -1))),
  candidate('EWMA (half-life 2 days), days capped at 3× level', (d) => {
    const alpha = 1 - 2 ** -0.5;
    let level = median(d);
    for (const x of [...d].reverse()) level += alpha * (Math.min(x, 3 * Math.max(level, 1e-9)) - level);
    return level;
  }),
];

// ---------------------------------------------------------------------------------------------- replay

/** The measured outcome of one pattern, one ledger source, one estimator. */
interface Outcome {
  readonly pattern: string;
  readonly source: Source;
  readonly variant: string;
  /** Median absolute % error of the month-end forecast at days 5, 10 and 20 (NaN: no forecast then). */
  readonly forecastError: readonly number[];
  readonly runwayFalse: number;
  readonly runwayFalseCritical: number;
  readonly runwayLate: number;
  /** The shortest warning before running out, in days (NaN: never ran out in the measured months). */
  readonly shortestWarning: number;
  readonly forecastFalse: number;
  readonly forecastLate: number;
}

type Source = 'ledger' | 'balance history';

/** One variant's view of the replay so far: its alert records and what they told. */
interface Track {
  readonly variant: Variant;
  readonly records: Map<string, AlertRecord>;
  /** Forecast errors (%) per measured day of the month. */
  readonly errors: Map<number, number[]>;
  /** First firing instant per alert key (budget thresholds). */
  readonly firsts: Map<string, number>;
  readonly runwayFirings: { at: number; critical: boolean }[];
  /** Per run-out instant: since when a runway alert had been open (undefined: none was). */
  readonly warned: Map<number, number | undefined>;
  runwayOpenSince: number | undefined;
}

/** One check's input and where it falls in the calendar. */
interface Check {
  readonly at: number;
  readonly input: EvaluationInput;
  readonly day: number;
  readonly period: Period;
}

/** Runs one pattern's checks, hourly from the account's opening to the end, with every variant. */
function replay(sim: Simulation, source: Source, variants: readonly Variant[]): Outcome[] {
  const calendar = zonedCalendar(sim.pattern.timezone);
  const tracks: Track[] = variants.map((variant) => ({
    variant,
    records: new Map(),
    errors: new Map(FORECAST_DAYS.map((d) => [d, []])),
    firsts: new Map(),
    runwayFirings: [],
    warned: new Map(),
    runwayOpenSince: undefined,
  }));
  const totals = new Map<string, number>();
  for (const check of checksOf(sim, source, calendar)) {
    const total = totals.get(check.period.key) ?? monthTotal(sim.ledger, check.period);
    totals.set(check.period.key, total);
    for (const track of tracks) observe(track, sim, check, total);
  }
  return tracks.map((track) => ({
    pattern: sim.pattern.name,
    source,
    variant: track.variant.name,
    forecastError: FORECAST_DAYS.map((d) => median(track.errors.get(d)!)),
    ...runwayCounts(sim, track.runwayFirings, track.warned),
    ...forecastCounts(sim, calendar, track.firsts),
  }));
}

/**
 * The inputs of the hourly checks, as `check.ts` builds them: a ledger vendor returns its ledger window;
 * for a balance-only vendor the ledger is derived from the balance samples of the last 40 days (the
 * real derivation, run once over all samples and cut per check: the same entries, far faster).
 */
function* checksOf(sim: Simulation, source: Source, calendar: ZonedCalendar): Generator<Check> {
  const account: RulesConfig = {
    id: 'bench',
    provider: source === 'ledger' ? 'account-api' : 'pixelcut',
    timezone: sim.pattern.timezone,
    budget: { monthly: sim.pattern.budget, alertAt: THRESHOLDS, forecastAt: THRESHOLDS },
    balance: { runwayDays: RUNWAY_DAYS },
    authExpiryWarnDays: 3,
  };
  const samples: BalanceSample[] = [];
  for (let at = sim.opens; at <= END; at += HOUR) samples.push({ at: new Date(at), available: sim.balanceAt.get(at) ?? 0 });
  const ledger = source === 'ledger' ? sim.ledger : ledgerFromBalanceHistory(samples);
  const slice = ledgerWindows(ledger);
  const periods = new Map<string, Period>();
  const windows = new Map<string, Date>();
  for (let at = sim.opens; at <= END; at += HOUR) {
    const now = new Date(at);
    const parts = calendar.parts(now);
    const month = `${parts.year}-${parts.month}`;
    const date = `${month}-${parts.day}`;
    if (!periods.has(month)) periods.set(month, periodIn(calendar, now));
    if (!windows.has(date)) windows.set(date, ledgerWindowIn(calendar, now).from);
    const available = sim.balanceAt.get(at) ?? 0;
    const historyFrom = new Date(Math.max(sim.opens, at - BALANCE_HISTORY_DAYS * DAY_MS));
    const ledgerFrom = windows.get(date)!;
    const input: EvaluationInput =
      source === 'ledger'
        ? { account, snapshot: { ...snapshotAt(now, available, account), ledgerFrom }, ledger: slice(ledgerFrom, now), now, calendar }
        : { account, snapshot: snapshotAt(now, available, account), ledger: slice(new Date(historyFrom.getTime() + 1), now), now, historyFrom, calendar };
    yield { at, input, day: parts.day, period: periods.get(month)! };
  }
}

function snapshotAt(now: Date, available: number, account: RulesConfig): AccountSnapshot {
  return { accountId: 'bench', provider: account.provider, fetchedAt: now, balance: { available } };
}

/** One variant's evaluation of one check, and what its alerts told. */
function observe(track: Track, sim: Simulation, check: Check, monthTotal: number): void {
  const { at } = check;
  const now = check.input.now;
  const { findings, forecast } = track.variant.evaluate(check.input);
  if (at >= FIRST_MONTH && forecast !== undefined && track.errors.has(check.day)) {
    track.errors.get(check.day)!.push((Math.abs(forecast - monthTotal) / monthTotal) * 100);
  }
  for (const change of planAlerts({ findings, records: track.records, targets: TARGETS, now })) {
    track.records.set(recordId(change.target, change.alert.key), confirmedRecord(claimedRecord(change, now.toISOString())));
    const { kind, status, severity, key } = change.alert;
    if (kind === 'balance.runway') {
      if (status === 'firing') {
        track.runwayOpenSince ??= at;
        if (at >= FIRST_MONTH) track.runwayFirings.push({ at, critical: severity === 'critical' });
      } else track.runwayOpenSince = undefined;
    } else if (status === 'firing' && !track.firsts.has(key)) track.firsts.set(key, at);
  }
  for (const runOut of sim.runOuts) if (runOut > at - HOUR && runOut <= at) track.warned.set(runOut, track.runwayOpenSince);
}

const TARGETS = [{ id: 'all', minSeverity: 'info' as const }];
/** How long a balance-only vendor's samples are kept (`appendBalanceSample`'s default). */
const BALANCE_HISTORY_DAYS = 40;

/** The ledger a vendor returns for a window, by binary search over the (sorted) simulated ledger. */
function ledgerWindows(ledger: readonly LedgerEntry[]): (from: Date, to: Date) => readonly LedgerEntry[] {
  const times = ledger.map((e) => e.at.getTime());
  const firstAtOrAfter = (t: number): number => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (from, to) => ledger.slice(firstAtOrAfter(from.getTime()), firstAtOrAfter(to.getTime() + 1));
}

function monthTotal(ledger: readonly LedgerEntry[], period: { start: Date; end: Date }): number {
  return consumptionBetween(ledger, period.start, period.end);
}

/** False runway alerts (no run-out within 1.5 × runwayDays) and late ones (less warning than runwayDays). */
function runwayCounts(
  sim: Simulation,
  firings: readonly { at: number; critical: boolean }[],
  warned: ReadonlyMap<number, number | undefined>,
): Pick<Outcome, 'runwayFalse' | 'runwayFalseCritical' | 'runwayLate' | 'shortestWarning'> {
  const horizon = 1.5 * RUNWAY_DAYS * DAY_MS;
  const isFalse = (at: number): boolean => !sim.runOuts.some((r) => r >= at && r <= at + horizon);
  const falses = firings.filter((f) => isFalse(f.at));
  const warnings = sim.runOuts.filter((r) => r >= FIRST_MONTH && r <= END).map((r) => {
    const since = warned.get(r);
    return since === undefined ? 0 : (r - since) / DAY_MS;
  });
  const late = warnings.filter((w) => w < RUNWAY_DAYS - SLACK_DAYS).length;
  return {
    runwayFalse: falses.length,
    runwayFalseCritical: falses.filter((f) => f.critical).length,
    runwayLate: late,
    shortestWarning: warnings.length === 0 ? Number.NaN : Math.min(...warnings),
  };
}

/** Per measured month and threshold: a forecast alert for a month that ended below it, or one not before the actual. */
function forecastCounts(sim: Simulation, calendar: ZonedCalendar, firsts: ReadonlyMap<string, number>): Pick<Outcome, 'forecastFalse' | 'forecastLate'> {
  let falses = 0;
  let late = 0;
  for (let month = 0; month < 3; month++) {
    const period = periodIn(calendar, new Date(Date.UTC(2026, 8 + month, 15)));
    const total = monthTotal(sim.ledger, period);
    for (const t of THRESHOLDS) {
      const forecast = firsts.get(`bench/budget.forecast:${t}/${period.key}`);
      const actual = firsts.get(`bench/budget.actual:${t}/${period.key}`);
      const reached = total * 100 >= t * sim.pattern.budget;
      if (forecast !== undefined && !reached) falses++;
      if (reached && (forecast === undefined || (actual !== undefined && forecast > actual))) late++;
    }
  }
  return { forecastFalse: falses, forecastLate: late };
}

// ---------------------------------------------------------------------------------------------- report

const pct = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)}%` : '—');
const pair = (a: string, b: string): string => `${a} | ${b}`;

function printOutcomes(outcomes: readonly Outcome[], baseline: string, chosen: string): void {
  const rows: string[][] = [];
  for (const today of outcomes.filter((o) => o.variant === baseline)) {
    const next = outcomes.find((o) => o.variant === chosen && o.pattern === today.pattern && o.source === today.source)!;
    rows.push([
      today.pattern,
      today.source,
      ...FORECAST_DAYS.map((_, i) => pair(pct(today.forecastError[i]!), pct(next.forecastError[i]!))),
      pair(`${today.runwayFalse} (${today.runwayFalseCritical})`, `${next.runwayFalse} (${next.runwayFalseCritical})`),
      pair(String(today.runwayLate), String(next.runwayLate)),
      pair(days1(today.shortestWarning), days1(next.shortestWarning)),
      pair(`${today.forecastFalse}/${today.forecastLate}`, `${next.forecastFalse}/${next.forecastLate}`),
    ]);
  }
  printTable(
    `Forecast quality: ${baseline} | ${chosen} (3 months, hourly checks, runwayDays ${RUNWAY_DAYS}, thresholds ${THRESHOLDS.join('/')}%)`,
    ['pattern', 'source', 'fc err d5', 'fc err d10', 'fc err d20', 'runway false (critical)', 'runway late', 'shortest warning', 'forecast false/late'],
    rows,
  );
}

const days1 = (d: number): string => (Number.isFinite(d) ? `${d.toFixed(1)} d` : '—');

/** The targets, each with what was measured. */
function targets(outcomes: readonly Outcome[], baseline: string, chosen: string): { target: string; measured: string; met: boolean }[] {
  const of = (variant: string, name: string) => outcomes.filter((o) => o.variant === variant && o.pattern === name);
  const total = (list: readonly Outcome[], pick: (o: Outcome) => number) => list.reduce((s, o) => s + pick(o), 0);
  const result: { target: string; measured: string; met: boolean }[] = [];
  for (const name of ['one-off batch', 'spike day']) {
    const list = of(chosen, name);
    const pages = total(list, (o) => o.runwayFalseCritical);
    const forecasts = total(list, (o) => o.forecastFalse);
    result.push({ target: `${name}: 0 false critical runway pages`, measured: String(pages), met: pages === 0 });
    result.push({ target: `${name}: 0 false forecast alerts`, measured: String(forecasts), met: forecasts === 0 });
  }
  for (const name of ['steady', 'ramp-up', 'weekly batch']) {
    const list = of(chosen, name);
    const before = of(baseline, name);
    const late = total(list, (o) => o.runwayLate);
    const warning = Math.min(...list.map((o) => o.shortestWarning));
    const baseWarning = Math.min(...before.map((o) => o.shortestWarning));
    result.push({
      target: `${name}: no late runway alert (no later than ${baseline})`,
      measured: `${late} late; shortest warning ${days1(warning)} (${baseline} ${days1(baseWarning)})`,
      met: late === 0 || warning >= baseWarning - SLACK_DAYS,
    });
  }
  for (const name of ['steady', 'steady + noise', 'weekdays only']) {
    const worst = Math.max(...of(chosen, name).map((o) => o.forecastError[1]!));
    result.push({ target: `${name}: month-end forecast error at day 10 ≤ 10 %`, measured: pct(worst), met: worst <= 10 });
  }
  return result;
}

/** Per candidate, the sums over all patterns and sources (`--candidates`). */
function printCandidates(outcomes: readonly Outcome[], names: readonly string[]): void {
  const rows = names.map((name) => {
    const list = outcomes.filter((o) => o.variant === name);
    const sum = (pick: (o: Outcome) => number) => list.reduce((s, o) => s + pick(o), 0);
    const err10 = (pattern: string) => Math.max(...list.filter((o) => o.pattern === pattern).map((o) => o.forecastError[1]!));
    const met = targets(outcomes, 'today', name).filter((t) => t.met).length;
    return [
      name,
      String(sum((o) => o.runwayFalse)),
      String(sum((o) => o.runwayFalseCritical)),
      String(sum((o) => o.runwayLate)),
      String(sum((o) => o.forecastFalse)),
      String(sum((o) => o.forecastLate)),
      pct(err10('steady + noise')),
      pct(err10('weekdays only')),
      pct(err10('one-off batch')),
      `${met}/${targets(outcomes, 'today', name).length}`,
    ];
  });
  printTable(
    'Estimators tried (sums over all patterns and both sources)',
    ['estimator', 'runway false', 'critical', 'runway late', 'fc false', 'fc late', 'd10 err noise', 'd10 err weekdays', 'd10 err one-off', 'targets met'],
    rows,
  );
}

export interface ForecastQuality {
  readonly outcomes: readonly Outcome[];
  readonly targets: readonly { target: string; measured: string; met: boolean }[];
}

/** Replays every pattern with today's and the new estimator (and, asked to, the candidates); prints the tables. */
export function runForecastQuality(options: { candidates?: boolean; only?: string } = {}): ForecastQuality {
  const variants = [TODAY, NEW, ...(options.candidates ? CANDIDATES : [])];
  const outcomes: Outcome[] = [];
  for (const pattern of patterns().filter((p) => options.only === undefined || p.name === options.only)) {
    process.stderr.write(`forecast quality: ${pattern.name}\n`);
    const sim = simulate(pattern);
    for (const source of ['ledger', 'balance history'] as const) outcomes.push(...replay(sim, source, variants));
  }
  printOutcomes(outcomes, TODAY.name, NEW.name);
  if (options.candidates) printCandidates(outcomes, variants.map((v) => v.name));
  const measured = targets(outcomes, TODAY.name, NEW.name);
  printTable('Forecast quality targets (new estimator)', ['target', 'measured', 'result'], measured.map((t) => [t.target, t.measured, verdict(t.met)]));
  return { outcomes, targets: measured };
}

if (isMain(import.meta.url)) runMain(async () => runForecastQuality({ candidates: flag('candidates') !== undefined, ...(flag('pattern') !== undefined && { only: flag('pattern') }) }));
