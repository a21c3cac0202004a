import { type Duration, aws_cloudwatch as cloudwatch, type aws_lambda as lambda } from 'aws-cdk-lib';
import { ACCOUNT_LOG, FUNCTION_ENV, METRICS_NAMESPACE, SERVICE_NAME } from '../lib/deployment.js';

// The check function's own figures, as Powertools emits them: per run as custom metrics (service only, or per
// schedule group), which the alarms watch; per account as the `account checked` log line, which the dashboard
// queries with Logs Insights; and per account as custom metrics too when the construct's `perAccountMetrics` asks.

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

/** Makes the function publish per-account custom metrics besides the log line (`perAccountMetrics`); nothing to grant. */
export function attachPerAccountMetrics(fn: lambda.Function, enabled: boolean): void {
  if (enabled) fn.addEnvironment(FUNCTION_ENV.perAccountMetrics, 'true');
}

/** A metric the function emits once per account and run when `perAccountMetrics` is on (credits, runway, budget). */
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

/** A figure of the `account checked` line, aggregated into one series of a query (`stats max(used) as used_credits`). */
export interface LogSeries {
  readonly field: keyof typeof SERIES_NAMES;
  readonly aggregate: 'max' | 'min' | 'latest';
}

/** The money figures of the latest-figures table (the log line's `money` object). */
const MONEY_FIGURES = ['available', 'used', 'budget', 'forecast'] as const;

/** What a query calls each aggregated figure: never the field's own name, so an alias never shadows its field. */
const SERIES_NAMES = {
  available: 'available_credits',
  used: 'used_credits',
  budget: 'budget_credits',
  forecast: 'forecast_credits',
  runwayDays: 'runway_days',
} as const;

/** The token that selects one account in a query: `account:<id>` (also the dashboard variable's pattern). */
export function accountToken(accountId: string): string {
  return `account:${accountId}`;
}

const ACCOUNT_LINES = `filter message = ${JSON.stringify(ACCOUNT_LOG.message)}`;

/**
 * Logs Insights lines (LogQueryWidget joins them with `\n| `): every account's latest figures, shortest runway first.
 * One query for all accounts, so a dashboard load scans the log group once for it however many accounts there are.
 */
export function latestFiguresQuery(): string[] {
  const f = ACCOUNT_LOG.fields;
  const figures = (['available', 'runwayDays', 'used', 'budget', 'forecast'] as const).map((field) => aggregate({ field, aggregate: 'latest' }));
  // In money too, where the account sets creditPrice (Logs Insights reads the nested fields as money.used …).
  const money = MONEY_FIGURES.map((field) => `latest(${f.money}.${field}) as ${field}_money`);
  return [
    ACCOUNT_LINES,
    `stats ${[...figures, ...money].join(', ')}, latest(${f.money}.currency) as currency, max(@timestamp) as last_checked by ${f.account}, ${f.provider}`,
    `sort ${SERIES_NAMES.runwayDays} asc`,
  ];
}

/**
 * Logs Insights lines of one account's figures per hour, one line-chart series per entry of `series`. The account is
 * compared as `account:<id>` so that the dashboard variable's pattern matches nothing else in the dashboard.
 */
export function accountSeriesQuery(accountId: string, series: readonly LogSeries[]): string[] {
  return [
    `${ACCOUNT_LINES} and concat("account:", ${ACCOUNT_LOG.fields.account}) = ${JSON.stringify(accountToken(accountId))}`,
    `stats ${series.map(aggregate).join(', ')} by bin(1h)`,
  ];
}

function aggregate(series: LogSeries): string {
  return `${series.aggregate}(${ACCOUNT_LOG.fields[series.field]}) as ${SERIES_NAMES[series.field]}`;
}
