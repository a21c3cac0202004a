import { buildContext, type EvaluationInput, round2, type Rule } from './context.js';
import { autoReloadNear, autoReloadOff, autoReloadTriggered } from './rules/auto-reload.js';
import { authExpiring } from './rules/auth.js';
import { balanceLow, balanceRunway } from './rules/balance.js';
import { budgetActual, budgetForecast } from './rules/budget.js';
import { usageErrors, usageSpike } from './rules/usage.js';
import type { Finding } from './types.js';

export { checkRecovered, evaluateFailure } from './check-failed.js';

/** The account's consumption picture, for the report. */
export interface EvaluationSummary {
  readonly period: string;
  readonly used: number;
  readonly budget?: number;
  readonly forecast?: number;
  readonly runwayDays?: number;
}

/**
 * The rules of a successful check, in the order their findings are reported (alert order follows it).
 * A new rule is one function and one line here.
 */
export const RULES: readonly Rule[] = [
  budgetActual,
  budgetForecast,
  balanceLow,
  balanceRunway,
  autoReloadOff,
  autoReloadNear,
  autoReloadTriggered,
  usageSpike,
  usageErrors,
  authExpiring,
];

/**
 * Evaluates one account's rules against its snapshot and ledger at `now` (pure). `ledger` is the
 * snapshot's ledger or one derived from balance history; entries after `now` are ignored (replays).
 * `historyFrom` tells where the ledger's knowledge starts when that is earlier than its first entry
 * (the first balance sample of a derived ledger).
 */
export function evaluateAccount(input: EvaluationInput): { findings: Finding[]; summary: EvaluationSummary } {
  const context = buildContext(input);
  const { period, used, monthly, forecast, runway } = context;
  return {
    findings: RULES.flatMap((rule) => rule(context)),
    summary: {
      period: period.key,
      used,
      ...(monthly !== undefined && { budget: monthly }),
      ...(forecast && { forecast: round2(forecast.value) }),
      ...(runway !== undefined && { runwayDays: round2(runway) }),
    },
  };
}
