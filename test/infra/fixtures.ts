import { App, Stack, cx_api } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { validateBudgets, type BudgetsConfig } from '../../lib/config.js';
import { BudgetAlertsStack } from '../../infra/budget-alerts-stack.js';
import type { BudgetAlertsProps } from '../../infra/budget-alerts.js';
import { FULL_WIDTH } from '../../infra/dashboard.js';
import { tempDirSync } from '../helpers/temp-dir.js';

const { VALIDATE_AGAINST_DEFAULT_RULES } = cx_api;

/** Every notify kind and severity, three schedules (one with a '/' in it), an `{env}` account and a shared parameter. */
export const FULL: BudgetsConfig = validateBudgets(
  {
    notify: [
      { email: 'finance@example.com', digest: 'weekly', at: '07:30', timezone: 'Europe/Berlin' },
      { email: 'oncall@example.com', minSeverity: 'critical', accounts: ['video-*', 'speech'], kinds: ['balance.*', 'check.failed'] },
      { sms: '+15551234567', minSeverity: 'critical' },
      { https: 'https://hooks.example.com/budget', minSeverity: 'info' },
      { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }, quietHours: { from: '22:00', to: '07:00' }, digest: 'daily' },
    ],
    accounts: [
      { id: 'video-prod', provider: 'pictory', apiKey: { ssm: '/budget-alerts/video-prod' }, budget: { monthly: 500 } },
      { id: 'images', provider: 'pixelcut', apiKey: { ssm: 'budget-alerts-images' }, schedule: 'rate(15 minutes)' },
      { id: 'images-eu', provider: 'pixelcut', apiKey: { ssm: 'budget-alerts-images' }, schedule: 'rate(15 minutes)' },
      {
        id: 'speech',
        provider: 'account-api',
        baseUrl: 'https://api.example.com',
        apiKey: { ssm: '/budget-alerts/speech' },
        schedule: 'cron(0/30 7-19 ? * MON-FRI *)',
      },
      { id: 'local', provider: 'pictory', apiKey: { env: 'LOCAL_KEY' } },
    ],
  },
  'full.yaml',
);

/** No notify list, one account. */
export const MINIMAL: BudgetsConfig = validateBudgets(
  { accounts: [{ id: 'solo', provider: 'pictory', apiKey: { ssm: '/keys/solo' } }] },
  'minimal.yaml',
);

/**
 * For a test that starts CloudFormation's validation engine (~6 s of WASM start-up and ~2 s a template on this 2-CPU
 * machine when idle) or a CDK app process: such a test took up to 30 s with the infra tests running twice over beside
 * other jobs (load average 13); four times that.
 */
export const SYNTH_TIMEOUT = 120_000;

export const CUSTOMER_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * A stack like the app's, without bundling (template tests need no handler build) and, unless `validate`, without
 * CloudFormation's built-in template validation: its WASM engine takes seconds to start in every test process, and by
 * default it only warns. app.test.ts runs it as the CLI does, and with errors failing synth.
 */
export function buildStack(
  budgets: BudgetsConfig,
  props: Partial<Omit<BudgetAlertsProps, 'budgets'>> = {},
  { validate = false }: { validate?: boolean } = {},
): BudgetAlertsStack {
  const app = new App({
    outdir: tempDirSync('cdk.out-'),
    builtinCloudFormationValidation: validate,
    context: { 'aws:cdk:bundling-stacks': [], ...(validate && { [VALIDATE_AGAINST_DEFAULT_RULES]: true }) },
  });
  return new BudgetAlertsStack(app, 'Test', { budgets, ...props });
}

/** Logical id of the single resource of `type` whose construct path ends with `pathSuffix`. */
export function logicalIdOf(stack: Stack, pathSuffix: string): string {
  const found = stack.node
    .findAll()
    .filter((c) => c.node.path.endsWith(pathSuffix) && 'cfnResourceType' in c);
  if (found.length !== 1) throw new Error(`${found.length} resources end with ${pathSuffix}`);
  return stack.getLogicalId(found[0] as never);
}

/**
 * Renders a CloudFormation string value (a plain string or an Fn::Join of strings and Refs/GetAtts) with
 * `${LogicalId}` / `${LogicalId.Attr}` in place of each reference, so JSON built from tokens can be parsed.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value) && 'Ref' in value) return `\${${String(value.Ref)}}`;
  if (isObject(value) && 'Fn::GetAtt' in value) return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`;
  if (isObject(value) && 'Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The statements of the one IAM policy attached to the role `roleId` (a function's), with every string value rendered. */
export function functionStatements(template: Template, roleId: string): Record<string, unknown>[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    JSON.stringify((policy as Record<string, unknown>).Properties).includes(`"Ref":"${roleId}"`),
  );
  expect(policies).toHaveLength(1);
  const statements = (policies[0] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
  return statements.map((statement) => renderDeep(statement) as Record<string, unknown>);
}

/** `render` applied to every reference inside a value. */
export function renderDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renderDeep);
  if (typeof value === 'object' && value !== null) {
    if ('Ref' in value || 'Fn::GetAtt' in value || 'Fn::Join' in value) return render(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v)]));
  }
  return value;
}

/** A dashboard widget's place on CloudWatch's 24-column grid. */
export interface GridWidget {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Every widget fits the grid's width and none overlaps another. */
export function expectGridWithoutOverlaps(widgets: readonly GridWidget[]): void {
  const overlap = (a: GridWidget, b: GridWidget) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (const [i, widget] of widgets.entries()) {
    expect(widget.x + widget.width).toBeLessThanOrEqual(FULL_WIDTH);
    expect(widgets.slice(i + 1).filter((other) => overlap(widget, other))).toEqual([]);
  }
}
