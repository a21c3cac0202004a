import { Duration, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cwActions } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CheckFunction } from './check-function.js';
import type { AlertTopic } from './topics.js';
import { METRIC_NAMES, SCHEDULE_DIMENSION } from '../lib/deployment.js';
import { scheduleIntervalMs } from '../lib/schedule.js';
import { runMetric } from './metrics.js';
import { hash } from './naming.js';

// When the monitor itself fails. Every topic receives these, as it does critical alerts, so every
// subscriber hears of them.

const PERIOD = Duration.minutes(5);
/** A single collision of two schedules is throttled and retried by Lambda; only this many periods in a row alarm. */
const THROTTLED_PERIODS = 3;

/** What the alarms watch. */
export interface AlarmsProps {
  readonly check: CheckFunction;
  readonly topics: readonly AlertTopic[];
  /** The distinct schedule expressions: each group that stops running alarms on its own. */
  readonly schedules: readonly string[];
  /** Hours without one successfully checked account before the heartbeat alarm fires. */
  readonly heartbeatHours: number;
}

/** Creates the failure alarms of the check function; each notifies every topic. */
export function addAlarms(scope: Construct, props: AlarmsProps): cloudwatch.Alarm[] {
  return [...failureAlarms(scope, props), ...notRunningAlarms(scope, props)];
}

/** CloudWatch looks back at most 7 days (PutMetricAlarm: Period × EvaluationPeriods ≤ 604,800 s). */
const MAX_ALARM_WINDOW = Duration.days(7);
/** Alarm periods tried in turn, so that a window takes at most 24 of them. */
const WINDOW_PERIODS = [Duration.minutes(1), Duration.minutes(5), Duration.hours(1), Duration.hours(6), Duration.days(1)];

/**
 * "Not running is an alarm": per schedule group, no run in two of its periods (the rule stopped, or
 * the function cannot start); and the heartbeat, no account checked successfully for `heartbeatHours`.
 * Missing data breaches: silence is exactly what these alarms are for.
 */
function notRunningAlarms(scope: Construct, { topics, schedules, heartbeatHours }: AlarmsProps): cloudwatch.Alarm[] {
  const absent = {
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  };
  const perGroup = schedules.map((expression) => {
    const { period, evaluationPeriods } = alarmWindow(2 * scheduleIntervalMs(expression));
    return addAlarm(scope, `NotRunning-${hash(expression)}`, topics, {
      alarmDescription: `budget-alerts: the accounts on ${expression} were not checked for two of its periods (the schedule rule or the function is not running)`,
      metric: runMetric(METRIC_NAMES.scheduledRuns, { label: `runs of ${expression}`, statistic: cloudwatch.Stats.SUM, period }, { [SCHEDULE_DIMENSION]: expression }),
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      ...absent,
    });
  });
  const heartbeat = alarmWindow(heartbeatHours * 3_600_000);
  return [
    ...perGroup,
    addAlarm(scope, 'Heartbeat', topics, {
      alarmDescription: `budget-alerts: no account was checked successfully for ${heartbeatHours} hours (every vendor failing, or the function not running)`,
      metric: runMetric(METRIC_NAMES.accountsChecked, { label: 'accounts checked', statistic: cloudwatch.Stats.SUM, period: heartbeat.period }),
      evaluationPeriods: heartbeat.evaluationPeriods,
      datapointsToAlarm: heartbeat.evaluationPeriods,
      ...absent,
    }),
  ];
}

/** The smallest period that covers `windowMs` in at most 24 periods, within CloudWatch's 7-day look-back. */
export function alarmWindow(windowMs: number): { period: Duration; evaluationPeriods: number } {
  const window = Math.min(Math.max(windowMs, 60_000), MAX_ALARM_WINDOW.toMilliseconds());
  const period = WINDOW_PERIODS.find((p) => window / p.toMilliseconds() <= 24) ?? Duration.days(1);
  return { period, evaluationPeriods: Math.max(1, Math.ceil(window / period.toMilliseconds())) };
}

function failureAlarms(scope: Construct, { check, topics }: AlarmsProps): cloudwatch.Alarm[] {
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
