import type { Severity } from '../../model.js';
import { findingOf, round2, type Rule } from '../context.js';

/** `budget.actual:T` for each threshold T: on once the period's consumption reaches T% of the budget. */
export const budgetActual: Rule = (context) => {
  const { account, monthly, used, period } = context;
  if (!account.budget || monthly === undefined) return [];
  const usedPercent = (used / monthly) * 100;
  return account.budget.alertAt.map((threshold) =>
    findingOf(context, {
      id: `budget.actual:${threshold}`,
      kind: 'budget.actual',
      state: used * 100 >= threshold * monthly ? 'on' : 'off',
      severity: budgetSeverity(threshold),
      threshold,
      value: round2(usedPercent),
      once: period.key,
    }),
  );
};

/** `budget.forecast:T` for each threshold T: on once the projected consumption reaches T% of the budget. */
export const budgetForecast: Rule = (context) => {
  const { account, monthly, forecast, period } = context;
  if (!account.budget || monthly === undefined || !forecast) return [];
  const forecastPercent = (forecast.value / monthly) * 100;
  return account.budget.forecastAt.map((threshold) =>
    findingOf(context, {
      id: `budget.forecast:${threshold}`,
      kind: 'budget.forecast',
      // A forecast is a projection, not money already gone: always a warning, so that critical
      // pages stay reserved for what is true now (budget spent, balance empty, key rejected).
      state: forecast.value * 100 >= threshold * monthly ? 'on' : 'off',
      severity: 'warning',
      threshold,
      value: round2(forecastPercent),
      once: period.key,
    }),
  );
};

function budgetSeverity(threshold: number): Severity {
  if (threshold >= 100) return 'critical';
  if (threshold >= 80) return 'warning';
  return 'info';
}
