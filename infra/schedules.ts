import { aws_events as events, aws_events_targets as targets, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BudgetsConfig } from '../lib/config.js';
import { hash } from './naming.js';

// When the function runs: one EventBridge rule per distinct `schedule`, passing the expression, so that
// each run checks only the accounts that share it.

/** EventBridge's limit on a rule description. */
const RULE_DESCRIPTION_MAX = 512;

/** Creates one rule per distinct account `schedule`, each invoking the function with `{schedule: expression}`. */
export function addSchedules(scope: Construct, budgets: BudgetsConfig, fn: lambda.IFunction): events.Rule[] {
  const groups = new Map<string, string[]>();
  for (const account of budgets.accounts) {
    groups.set(account.schedule, [...(groups.get(account.schedule) ?? []), account.id]);
  }
  return [...groups].map(
    ([expression, ids]) =>
      new events.Rule(scope, `Schedule-${slug(expression)}`, {
        description: truncate(`budget-alerts: checks ${ids.join(', ')}`, RULE_DESCRIPTION_MAX),
        schedule: events.Schedule.expression(expression),
        targets: [new targets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject({ schedule: expression }) })],
      }),
  );
}

/** A construct id for a schedule expression: readable, free of '/', and unique even for near-identical expressions. */
function slug(expression: string): string {
  return `${expression.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${hash(expression).slice(0, 6)}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
