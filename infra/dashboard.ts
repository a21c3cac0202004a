import { Aws, Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AccountConfig, BudgetsConfig } from '../lib/config.js';
import type { CheckFunction } from './check-function.js';
import { accountMetric, accountSeriesQuery, accountToken, latestFiguresQuery, runMetric, type LogSeries } from './metrics.js';

// One CloudWatch dashboard: every account's credits, runway and budget, and the runs' own health. Per-account
// figures come from the function's log group through Logs Insights query widgets (a few query widgets, whatever the
// number of accounts: one account's charts at a time, picked with a dashboard variable), or from per-account custom
// metrics when `perAccountMetrics` is on. Rows are laid out on CloudWatch's 24-column grid.

/** Widget widths on the dashboard grid. */
export const FULL_WIDTH = 24;
export const HALF_WIDTH = FULL_WIDTH / 2;
export const THIRD_WIDTH = FULL_WIDTH / 3;
/** Height of the title row (graphs keep CloudWatch's default height). */
const TITLE_HEIGHT = 2;
/** Height of the table of every account's latest figures (about a dozen rows before it scrolls). */
const TABLE_HEIGHT = 8;
/** A month and a few days, so the whole current period is in view. */
const DEFAULT_INTERVAL = Duration.days(35);
const LINE_PERIOD = Duration.hours(1);
/** The dashboard variable that picks the account of the per-account query widgets. */
export const ACCOUNT_VARIABLE_ID = 'account';

export interface DashboardProps {
  readonly budgets: BudgetsConfig;
  readonly check: CheckFunction;
  /** A name CloudFormation generates when undefined. */
  readonly dashboardName: string | undefined;
  /** Per-account metric widgets (one graph per account) instead of the per-account query widgets. */
  readonly perAccountMetrics: boolean;
}

/** Creates the dashboard, one row after another. */
export function addDashboard(scope: Construct, props: DashboardProps): cloudwatch.Dashboard {
  const { accounts } = props.budgets;
  const logGroupName = props.check.logGroup.logGroupName;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    ...(props.dashboardName !== undefined && { dashboardName: props.dashboardName }),
    defaultInterval: DEFAULT_INTERVAL,
    ...(!props.perAccountMetrics && { variables: [accountVariable(accounts)] }),
  });
  const perAccount = props.perAccountMetrics ? [balanceRow(accounts), budgetRow(accounts)] : [accountQueryRow(logGroupName, shownFirst(accounts))];
  for (const row of [titleRow(accounts, props.perAccountMetrics), latestRow(logGroupName), ...perAccount, healthRow(props.check)]) {
    dashboard.addWidgets(...row);
  }
  return dashboard;
}

/** The console URL of a dashboard. */
export function dashboardUrl(dashboard: cloudwatch.Dashboard): string {
  return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`;
}

function titleRow(accounts: readonly AccountConfig[], perAccountMetrics: boolean): cloudwatch.IWidget[] {
  const schedules = [...new Set(accounts.map((a) => a.schedule))].join(', ');
  const source = perAccountMetrics
    ? 'Credits are hourly maxima of per-account metrics.'
    : 'Per-account charts are Logs Insights queries over the function’s log: pick the account in the **Account** menu above.';
  return [
    new cloudwatch.TextWidget({
      markdown: `# Budget alerts\n${accounts.length} account(s), checked on ${schedules}. ${source}`,
      width: FULL_WIDTH,
      height: TITLE_HEIGHT,
    }),
  ];
}

/** Every account's latest figures in one table (one query, whatever the number of accounts). */
function latestRow(logGroupName: string): cloudwatch.IWidget[] {
  return [
    new cloudwatch.LogQueryWidget({
      title: 'Accounts: latest figures (shortest runway first)',
      logGroupNames: [logGroupName],
      queryLines: latestFiguresQuery(),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      width: FULL_WIDTH,
      height: TABLE_HEIGHT,
    }),
  ];
}

/**
 * One account's credits, runway and budget over time, as written in its `account checked` lines. The account in the
 * queries and titles is the variable's pattern (`account:<id>`), so picking another account redraws all three.
 */
function accountQueryRow(logGroupName: string, shown: AccountConfig): cloudwatch.IWidget[] {
  const chart = (title: string, series: readonly LogSeries[]) =>
    new cloudwatch.LogQueryWidget({
      title: `${title} · ${accountToken(shown.id)}`,
      logGroupNames: [logGroupName],
      queryLines: accountSeriesQuery(shown.id, series),
      view: cloudwatch.LogQueryVisualizationType.LINE,
      width: THIRD_WIDTH,
    });
  return [
    chart('Available credits', [{ field: 'available', aggregate: 'min' }]),
    chart('Runway (days)', [{ field: 'runwayDays', aggregate: 'min' }]),
    chart('Used vs budget vs forecast (this month)', [
      { field: 'used', aggregate: 'max' },
      { field: 'budget', aggregate: 'max' },
      { field: 'forecast', aggregate: 'max' },
    ]),
  ];
}

/**
 * The account the per-account query widgets are written for, and so the variable's pattern: the first whose id
 * begins no other id, so that the pattern (`account:images`) never matches inside another token (`account:images-eu`).
 */
function shownFirst(accounts: readonly AccountConfig[]): AccountConfig {
  return accounts.find((a) => !accounts.some((b) => b !== a && b.id.startsWith(a.id))) ?? accounts[0]!;
}

/** The account picker of the per-account query widgets: a pattern variable over `account:<id>`. */
function accountVariable(accounts: readonly AccountConfig[]): cloudwatch.DashboardVariable {
  const first = accountToken(shownFirst(accounts).id);
  return new cloudwatch.DashboardVariable({
    id: ACCOUNT_VARIABLE_ID,
    type: cloudwatch.VariableType.PATTERN,
    inputType: cloudwatch.VariableInputType.SELECT,
    label: 'Account',
    value: first,
    values: cloudwatch.Values.fromValues(...accounts.map((a) => ({ label: `${a.id} (${a.provider})`, value: accountToken(a.id) }))),
    defaultValue: cloudwatch.DefaultValue.value(first),
    visible: true,
  });
}

function balanceRow(accounts: readonly AccountConfig[]): cloudwatch.IWidget[] {
  const perAccount = (metricName: string) => accounts.map((a) => hourlyMax(metricName, a, a.id));
  return [
    new cloudwatch.GraphWidget({ title: 'Available credits', left: perAccount('AvailableCredits'), width: HALF_WIDTH }),
    new cloudwatch.GraphWidget({ title: 'Runway (days)', left: perAccount('RunwayDays'), width: HALF_WIDTH }),
  ];
}

/** One graph per account, three to a row (CloudWatch wraps the rest). */
function budgetRow(accounts: readonly AccountConfig[]): cloudwatch.IWidget[] {
  return accounts.map(
    (a) =>
      new cloudwatch.GraphWidget({
        title: `${a.id}: used vs budget (this month)`,
        left: [hourlyMax('UsedCredits', a, 'used'), hourlyMax('BudgetCredits', a, 'budget'), hourlyMax('ForecastCredits', a, 'forecast')],
        width: THIRD_WIDTH,
      }),
  );
}

function healthRow(check: CheckFunction): cloudwatch.IWidget[] {
  const hourlySum = (metricName: string) => runMetric(metricName, { label: metricName, statistic: cloudwatch.Stats.SUM, period: LINE_PERIOD });
  return [
    new cloudwatch.GraphWidget({ title: 'Checks failed', left: [hourlySum('ChecksFailed')], width: THIRD_WIDTH }),
    new cloudwatch.GraphWidget({ title: 'Alerts sent', left: [hourlySum('AlertsSent'), hourlySum('AlertsFailed')], width: THIRD_WIDTH }),
    new cloudwatch.GraphWidget({
      title: 'Function errors, throttles, dead letters',
      left: [
        check.function.metricErrors({ period: LINE_PERIOD, statistic: cloudwatch.Stats.SUM }),
        check.function.metricThrottles({ period: LINE_PERIOD, statistic: cloudwatch.Stats.SUM }),
        check.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: LINE_PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      ],
      width: THIRD_WIDTH,
    }),
  ];
}

function hourlyMax(metricName: string, account: AccountConfig, label: string): cloudwatch.Metric {
  return accountMetric(metricName, account, { label, statistic: cloudwatch.Stats.MAXIMUM, period: LINE_PERIOD });
}
