import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_VARIABLE_ID, FULL_WIDTH, HALF_WIDTH, THIRD_WIDTH } from '../../infra/dashboard.js';
import { FUNCTION_ENV } from '../../lib/deployment.js';
import { validateBudgets, type BudgetsConfig } from '../../lib/config.js';
import { FULL, MINIMAL, buildStack, expectGridWithoutOverlaps, logicalIdOf, render } from './fixtures.js';

// The dashboard's widgets: per-account figures from the function's log group through Logs Insights by default,
// from per-account custom metrics with `perAccountMetrics`.

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title?: string; query?: string; view?: string; metrics?: unknown[][] };
}
interface Body {
  widgets: Widget[];
  variables?: { id: string; type: string; inputType: string; pattern: string; defaultValue: string; values: { label: string; value: string }[] }[];
}

const PER_ACCOUNT = ['AvailableCredits', 'RunwayDays', 'UsedCredits', 'BudgetCredits', 'ForecastCredits'];

function dashboardOf(stack: Stack): { body: Body; logs: string; environment: Record<string, unknown> } {
  const template = Template.fromStack(stack);
  const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[logicalIdOf(stack, 'BudgetAlerts/Dashboard/Resource')] as {
    Properties: { DashboardBody: unknown };
  };
  const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(stack, 'BudgetAlerts/CheckFunction/Resource')] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  return {
    body: JSON.parse(render(dashboard.Properties.DashboardBody)) as Body,
    logs: logicalIdOf(stack, 'BudgetAlerts/FunctionLogs/Resource'),
    environment: fn.Properties.Environment.Variables,
  };
}

/** Each metric of the metric widgets as `[namespace, name, dimension, value, …]` (the options object dropped). */
const metricsOf = (body: Body) => body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => m.filter((part) => typeof part === 'string'));

describe('the dashboard by default (per-account figures from the log group)', () => {
  it('queries the function’s log group for every account’s latest figures and one picked account’s charts', () => {
    // Prepare
    const stack = buildStack(FULL);

    // Act
    const { body, logs } = dashboardOf(stack);

    // Assess: the table, the three per-account charts and the run totals, by title.
    const logWidgets = body.widgets.filter((w) => w.type === 'log');
    expect(logWidgets.map((w) => w.properties.title)).toEqual([
      'Accounts: latest figures (shortest runway first)',
      'Available credits · account:video-prod',
      'Runway (days) · account:video-prod',
      'Used vs budget vs forecast (this month) · account:video-prod',
    ]);
    expect(body.widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'Checks failed',
      'Alerts sent',
      'Function errors, throttles, dead letters',
    ]);
    // Every query reads the function's own log group, and only the per-account log lines.
    for (const widget of logWidgets) {
      expect(widget.properties.query).toMatch(new RegExp(`^SOURCE '\\$\\{${logs}\\}' \\| filter message = "account checked"`));
    }
    const [table, available, runway, budget] = logWidgets.map((w) => w.properties);
    expect(table).toMatchObject({ view: 'table' });
    expect(table?.query).toContain('by account, provider');
    for (const [field, name] of [['available', 'available_credits'], ['runwayDays', 'runway_days'], ['used', 'used_credits'], ['budget', 'budget_credits'], ['forecast', 'forecast_credits']]) {
      expect(table?.query).toContain(`latest(${field}) as ${name}`);
    }
    // Money where the account sets creditPrice: the nested fields of the log line's `money`.
    for (const field of ['available', 'used', 'budget', 'forecast']) expect(table?.query).toContain(`latest(money.${field}) as ${field}_money`);
    expect(table?.query).toContain('latest(money.currency) as currency');
    expect(table?.query).toMatch(/\| sort runway_days asc$/);
    for (const chart of [available, runway, budget]) {
      expect(chart).toMatchObject({ view: 'timeSeries' });
      expect(chart?.query).toContain('concat("account:", account) = "account:video-prod"');
      expect(chart?.query).toMatch(/by bin\(1h\)$/);
    }
    expect(available?.query).toContain('stats min(available) as available_credits by bin(1h)');
    expect(runway?.query).toContain('stats min(runwayDays) as runway_days by bin(1h)');
    expect(budget?.query).toContain('stats max(used) as used_credits, max(budget) as budget_credits, max(forecast) as forecast_credits by bin(1h)');
  });

  it('draws no per-account metric, only the run totals, and leaves the function’s per-account metrics off', () => {
    // Prepare
    const stack = buildStack(FULL);

    // Act
    const { body, environment } = dashboardOf(stack);

    // Assess
    const metrics = metricsOf(body);
    expect(metrics.filter((m) => m.includes('account'))).toEqual([]);
    expect(metrics.filter((m) => PER_ACCOUNT.includes(m[1]!))).toEqual([]);
    expect(metrics).toEqual(
      expect.arrayContaining(['ChecksFailed', 'AlertsSent', 'AlertsFailed'].map((name) => ['BudgetAlerts', name, 'service', 'budget-alerts'])),
    );
    expect(environment).not.toHaveProperty(FUNCTION_ENV.perAccountMetrics);
  });

  it('offers every account in the Account variable, whose pattern is the token the per-account queries use', () => {
    // Prepare
    const stack = buildStack(FULL);

    // Act
    const { body } = dashboardOf(stack);

    // Assess
    expect(body.variables).toEqual([
      expect.objectContaining({ id: ACCOUNT_VARIABLE_ID, type: 'pattern', inputType: 'select', pattern: 'account:video-prod', defaultValue: 'account:video-prod' }),
    ]);
    expect(body.variables?.[0]?.values).toEqual(FULL.accounts.map((a) => ({ label: `${a.id} (${a.provider})`, value: `account:${a.id}` })));
    // The pattern occurs in the three per-account charts (query and title) and nowhere else among the widgets.
    const occurrences = JSON.stringify(body.widgets).split('account:video-prod').length - 1;
    expect(occurrences).toBe(6);
  });

  it('writes the per-account charts for an account whose id begins no other, so the pattern cannot match inside another', () => {
    // Prepare: the first account's token would be a prefix of the second's.
    const budgets: BudgetsConfig = validateBudgets(
      {
        accounts: [
          { id: 'images', provider: 'pixelcut', apiKey: { ssm: '/k/images' } },
          { id: 'images-eu', provider: 'pixelcut', apiKey: { ssm: '/k/images-eu' } },
        ],
      },
      'prefix.yaml',
    );

    // Act
    const { body } = dashboardOf(buildStack(budgets));

    // Assess
    expect(body.variables?.[0]).toMatchObject({ pattern: 'account:images-eu', defaultValue: 'account:images-eu' });
    expect(body.widgets.filter((w) => w.type === 'log' && w.properties.title?.endsWith('· account:images-eu'))).toHaveLength(3);
  });

  it('has as many query widgets for one account as for five (a dashboard load scans the log group four times)', () => {
    // Prepare
    const stacks = [buildStack(MINIMAL), buildStack(FULL)];

    // Act
    const counts = stacks.map((stack) => dashboardOf(stack).body.widgets.filter((w) => w.type === 'log').length);

    // Assess
    expect(counts).toEqual([4, 4]);
  });
});

describe('the dashboard with perAccountMetrics', () => {
  it('draws every account’s five metrics, one used-vs-budget graph per account, and turns the function’s metrics on', () => {
    // Prepare
    const stack = buildStack(FULL, { perAccountMetrics: true });

    // Act
    const { body, environment, logs } = dashboardOf(stack);

    // Assess
    const metrics = metricsOf(body);
    for (const account of FULL.accounts) {
      for (const name of PER_ACCOUNT) {
        expect(metrics).toContainEqual(['BudgetAlerts', name, 'account', account.id, 'provider', account.provider, 'service', 'budget-alerts']);
      }
    }
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining(['Available credits', 'Runway (days)', ...FULL.accounts.map((a) => `${a.id}: used vs budget (this month)`), 'Checks failed', 'Alerts sent']),
    );
    // The table of latest figures stays a (single) query; no per-account query widgets and no variable.
    const logWidgets = body.widgets.filter((w) => w.type === 'log');
    expect(logWidgets.map((w) => w.properties.title)).toEqual(['Accounts: latest figures (shortest runway first)']);
    expect(logWidgets[0]?.properties.query).toContain(`SOURCE '\${${logs}}'`);
    expect(body.variables).toBeUndefined();
    expect(environment).toMatchObject({ [FUNCTION_ENV.perAccountMetrics]: 'true' });
  });

  it('lays the metric graphs out in half and third widths on the 24-column grid, without overlaps', () => {
    // Prepare
    const stack = buildStack(FULL, { perAccountMetrics: true });

    // Act
    const { widgets } = dashboardOf(stack).body;

    // Assess
    const widthOf = Object.fromEntries(widgets.map((w) => [w.properties.title ?? 'text', w.width]));
    expect(widthOf).toEqual({
      text: FULL_WIDTH,
      'Accounts: latest figures (shortest runway first)': FULL_WIDTH,
      'Available credits': HALF_WIDTH,
      'Runway (days)': HALF_WIDTH,
      ...Object.fromEntries(FULL.accounts.map((a) => [`${a.id}: used vs budget (this month)`, THIRD_WIDTH])),
      'Checks failed': THIRD_WIDTH,
      'Alerts sent': THIRD_WIDTH,
      'Function errors, throttles, dead letters': THIRD_WIDTH,
    });
    expectGridWithoutOverlaps(widgets);
  });
});
