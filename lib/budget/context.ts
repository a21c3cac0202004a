import type { AccountSnapshot, LedgerEntry } from '../model.js';
import { type BurnRate, estimateBurnRate, runwayDays } from './burn-rate.js';
import { consumptionThrough } from './consumption.js';
import { type Forecast, forecastConsumption } from './forecast.js';
import { type Period, periodIn, type ZonedCalendar, zonedCalendar } from './period.js';
import type { RulesConfig } from './rules-config.js';
import type { Finding, FindingFacts } from './types.js';

/** What an evaluation starts from (the input of `evaluateAccount`). */
export interface EvaluationInput {
  readonly account: RulesConfig;
  readonly snapshot: AccountSnapshot;
  /** The snapshot's ledger or one derived from balance history; entries after `now` are ignored. */
  readonly ledger: readonly LedgerEntry[];
  readonly now: Date;
  /** Where the ledger's knowledge starts, when earlier than its first entry (a derived ledger's first sample). */
  readonly historyFrom?: Date;
  /** The account's time-zone calendar, when the caller shares one between accounts of a zone. */
  readonly calendar?: ZonedCalendar;
}

/** Everything a rule may look at, computed once per evaluation. */
export interface RuleContext {
  readonly account: RulesConfig;
  readonly snapshot: AccountSnapshot;
  readonly now: Date;
  readonly calendar: ZonedCalendar;
  /** The ledger up to and including `now`. */
  readonly ledger: readonly LedgerEntry[];
  readonly period: Period;
  /** Consumption so far in the period. */
  readonly used: number;
  /** The monthly budget, when one is set and positive. */
  readonly monthly?: number;
  readonly forecast?: Forecast;
  readonly burn: BurnRate;
  /** Unrounded days of runway; undefined without recent consumption. */
  readonly runway?: number;
  /** The facts every finding of the account carries. */
  readonly facts: FindingFacts;
}

/** One concern: the findings it has about the account (none when it does not apply). */
export type Rule = (context: RuleContext) => Finding[];

/** Builds the context the rules share. */
export function buildContext(input: EvaluationInput): RuleContext {
  const { account, snapshot, now } = input;
  const ledger = input.ledger.filter((entry) => entry.at.getTime() <= now.getTime());
  const calendar = input.calendar ?? zonedCalendar(account.timezone);
  const period = periodIn(calendar, now);
  const used = consumptionThrough(ledger, period.start, now);
  const burn = estimateBurnRate({ ledger, now, historyFrom: input.historyFrom, ledgerFrom: snapshot.ledgerFrom });
  const forecast = forecastConsumption({ used, now, period, rate: burn });
  const runway = runwayDays(snapshot.balance.available, burn);
  const monthly = account.budget && account.budget.monthly > 0 ? account.budget.monthly : undefined;
  const facts = sharedFacts({ snapshot, period, used, monthly, forecast, runway, burn });
  return {
    account,
    snapshot,
    now,
    calendar,
    ledger,
    period,
    used,
    burn,
    facts,
    ...(monthly !== undefined && { monthly }),
    ...(forecast && { forecast }),
    ...(runway !== undefined && { runway }),
  };
}

/** What a rule says about a finding; the account, provider and (by default) the shared facts are added. */
export type FindingFields = Omit<Finding, 'account' | 'provider' | 'facts'> & { readonly facts?: FindingFacts };

/** A finding of the context's account, carrying the shared facts unless `fields` brings its own. */
export function findingOf(context: RuleContext, fields: FindingFields): Finding {
  return { account: context.account.id, provider: context.account.provider, facts: context.facts, ...fields };
}

/** Rounds a percent, ratio or day count to two decimals, as findings and the report show them. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function sharedFacts(input: {
  readonly snapshot: AccountSnapshot;
  readonly period: Period;
  readonly used: number;
  readonly monthly: number | undefined;
  readonly forecast: Forecast | undefined;
  readonly runway: number | undefined;
  readonly burn: BurnRate;
}): FindingFacts {
  const { snapshot, monthly, forecast, runway, burn } = input;
  const reload = snapshot.autoReload;
  return {
    period: input.period.key,
    used: input.used,
    ...(monthly !== undefined && { budget: monthly }),
    ...(forecast && { forecast: round2(forecast.value) }),
    available: snapshot.balance.available,
    ...(snapshot.balance.currency !== undefined && { currency: snapshot.balance.currency }),
    ...(runway !== undefined && { runwayDays: round2(runway) }),
    ...rateFacts(burn),
    ...(reload?.threshold !== undefined && { reloadThreshold: reload.threshold }),
    ...(reload?.amount !== undefined && { reloadAmount: reload.amount }),
  };
}

/** The burn rate and what it covers, for texts that say "about 20 credits a day over the last 7 days". */
function rateFacts(burn: BurnRate): FindingFacts {
  if (burn.perDay <= 0 && burn.setAside <= 0) return {};
  return {
    ...(burn.perDay > 0 && { averageDailyUsed: round2(burn.perDay) }),
    rateDays: round2(burn.days),
    rateBasis: burn.basis,
    ...(burn.setAside > 0 && { rateSetAside: round2(burn.setAside) }),
  };
}
