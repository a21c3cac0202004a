import { Aws, Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AccountConfig, BudgetsConfig } from '../lib/config.js';
import type { CheckFunction } from './check-function.js';
import { accountMetric, runMetric } from './metrics.js';

// One CloudWatch dashboard: every account's credits, runway and budget, and the runs' own health.
// Rows are laid out on CloudWatch's 24-column grid.

/** Widget widths on the dashboard grid. */
export const FULL_WIDTH = 24;
export const HALF_WIDTH = FULL_WIDTH / 2;
export const THIRD_WIDTH = FULL_WIDTH / 3;
/** Height of the title row (graphs keep CloudWatch's default height). */
const TITLE_HEIGHT = 2;
/** A month and a few days, so the whole current period is in view. */
const DEFAULT_INTERVAL = Duration.days(35);
const LINE_PERIOD = Duration.hours(1);

export interface DashboardProps {
  readonly budgets: BudgetsConfig;
  readonly check: CheckFunction;
  /** A name CloudFormation generates when undefined. */
  readonly dashboardName: string | undefined;
}

/** Creates the dashboard, one row after another. */
export function addDashboard(scope: Construct, props: DashboardProps): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    ...(props.dashboardName !== undefined && { dashboardName: props.dashboardName }),
    defaultInterval: DEFAULT_INTERVAL,
  });
  const { accounts } = props.budgets;
  for (const row of [titleRow(accounts), balanceRow(accounts), budgetRow(accounts), healthRow(props.check)]) {
    dashboard.addWidgets(...row);
  }
  return dashboard;
}

/** The console URL of a dashboard. */
export function dashboardUrl(dashboard: cloudwatch.Dashboard): string {
  return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`;
}

function titleRow(accounts: readonly AccountConfig[]): cloudwatch.IWidget[] {
  const schedules = [...new Set(accounts.map((a) => a.schedule))].join(', ');
  return [
    new cloudwatch.TextWidget({
      markdown: `# Budget alerts\n${accounts.length} account(s), checked on ${schedules}. Credits are hourly maxima.`,
      width: FULL_WIDTH,
      height: TITLE_HEIGHT,
    }),
  ];
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
