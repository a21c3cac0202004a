import { Duration, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cwActions } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CheckFunction } from './check-function.js';
import type { AlertTopic } from './topics.js';

// When the monitor itself fails. Every topic receives these, as it does critical alerts, so every
// subscriber hears of them.

const PERIOD = Duration.minutes(5);
/** A single collision of two schedules is throttled and retried by Lambda; only this many periods in a row alarm. */
const THROTTLED_PERIODS = 3;

/** What the alarms watch. */
export interface AlarmsProps {
  readonly check: CheckFunction;
  readonly topics: readonly AlertTopic[];
}

/** Creates the failure alarms of the check function; each notifies every topic. */
export function addAlarms(scope: Construct, { check, topics }: AlarmsProps): cloudwatch.Alarm[] {
  const atLeastOnce = {
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  return [
    addAlarm(scope, 'FunctionErrors', topics, {
      alarmDescription: 'budget-alerts: the check function failed (see its logs); accounts may be unchecked',
      metric: check.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      evaluationPeriods: 1,
      ...atLeastOnce,
    }),
    addAlarm(scope, 'FunctionThrottles', topics, {
      alarmDescription: `budget-alerts: the check function is being throttled for ${PERIOD.toMinutes() * THROTTLED_PERIODS} minutes (runs overlap or concurrency is exhausted)`,
      metric: check.function.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      evaluationPeriods: THROTTLED_PERIODS,
      datapointsToAlarm: THROTTLED_PERIODS,
      ...atLeastOnce,
    }),
    addAlarm(scope, 'DeadLetters', topics, {
      alarmDescription: 'budget-alerts: a scheduled check failed after its retries (its event is in the dead-letter queue)',
      metric: check.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      evaluationPeriods: 1,
      ...atLeastOnce,
    }),
  ];
}

/** An alarm that notifies every alert topic. */
export function addAlarm(scope: Construct, id: string, topics: readonly AlertTopic[], props: cloudwatch.AlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  alarm.addAlarmAction(...topics.map(({ topic }) => new cwActions.SnsAction(topic)));
  return alarm;
}
