import { aws_events as events, aws_events_targets as targets, aws_iam as iam, type aws_lambda as lambda, aws_scheduler as scheduler } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BudgetsConfig } from '../lib/config.js';
import { targetIdOf } from '../lib/delivery/targets.js';
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

/** When a digest goes out unless the entry says `at`: 08:00 in the entry's time zone (weekly: Mondays). */
export const DEFAULT_DIGEST_AT = '08:00';

/**
 * One EventBridge Scheduler schedule per notify entry that asks for a digest, in the entry's time zone
 * (EventBridge rules only know UTC), invoking the function with `{digest: <entry's target id>}`. One
 * role for them all, allowed to invoke exactly this function (the L2 target would also grant its versions).
 */
export function addDigestSchedules(scope: Construct, budgets: BudgetsConfig, fn: lambda.IFunction): scheduler.CfnSchedule[] {
  const entries = (budgets.notify ?? []).filter((entry) => entry.digest !== undefined);
  if (entries.length === 0) return [];
  const role = new iam.Role(scope, 'DigestSchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
    description: 'budget-alerts: lets the digest schedules invoke the check function',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
  return entries.map((entry) => {
    const target = targetIdOf(entry);
    const [hour, minute] = (entry.at ?? DEFAULT_DIGEST_AT).split(':').map(Number);
    return new scheduler.CfnSchedule(scope, `Digest-${hash(target)}`, {
      description: truncate(`budget-alerts: the ${entry.digest} digest for ${target}`, RULE_DESCRIPTION_MAX),
      scheduleExpression: entry.digest === 'weekly' ? `cron(${minute} ${hour} ? * MON *)` : `cron(${minute} ${hour} * * ? *)`,
      scheduleExpressionTimezone: entry.timezone ?? 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: { arn: fn.functionArn, roleArn: role.roleArn, input: JSON.stringify({ digest: target }) },
    });
  });
}
