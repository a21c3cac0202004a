import { type Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lib/deployment.js';

// The check function's own metrics, as Powertools emits them: per account (dimensions account and
// provider) and per run (service only). Dashboards and alarms read them from here.

/** The account an account metric is about. */
export interface MetricAccount {
  readonly id: string;
  readonly provider: string;
}

/** How one metric is drawn or alarmed on. */
export interface MetricLine {
  readonly label: string;
  readonly statistic: string;
  readonly period: Duration;
}

/** A metric the function emits once per account and run (credits, runway, budget). */
export function accountMetric(metricName: string, account: MetricAccount, line: MetricLine): cloudwatch.Metric {
  return functionMetric(metricName, { account: account.id, provider: account.provider }, line);
}

/** A metric the function emits once per run (checks failed, alerts sent), or per run of a group (`dimensions`). */
export function runMetric(metricName: string, line: MetricLine, dimensions: Record<string, string> = {}): cloudwatch.Metric {
  return functionMetric(metricName, dimensions, line);
}

function functionMetric(metricName: string, dimensions: Record<string, string>, line: MetricLine): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, ...dimensions },
    statistic: line.statistic,
    period: line.period,
    label: line.label,
  });
}
