import { App, RemovalPolicy, Stack, Validations, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { addStateTable } from '../../infra/state-table.js';
import { addAlertTopics } from '../../infra/topics.js';
import { addSnoozeLinks, attachSnoozeLinks } from '../../infra/links.js';
import { FULL, MINIMAL, buildStack, functionStatements, logicalIdOf } from './fixtures.js';
import { tempDirSync } from '../helpers/temp-dir.js';

type Json = Record<string, unknown>;
type Resource = { Properties: Json; DeletionPolicy?: string };

/** Construct paths (under BudgetAlerts/, before /Resource) of the resources the assertions name. */
const PATHS = {
  fn: 'SnoozeLinkFunction',
  role: 'SnoozeLinkRole',
  logs: 'SnoozeLinkLogs',
  url: 'SnoozeLinkFunction/FunctionUrl',
  secret: 'SnoozeLinkSecret',
  table: 'StateTable',
  check: 'CheckFunction',
  checkRole: 'FunctionRole',
} as const;

describe('snooze links in the BudgetAlerts stack (the default)', () => {
  let stack: Stack;
  let template: Template;
  let ids: Record<keyof typeof PATHS, string>;

  beforeAll(() => {
    stack = buildStack(FULL);
    template = Template.fromStack(stack);
    ids = Object.fromEntries(Object.entries(PATHS).map(([name, path]) => [name, logicalIdOf(stack, `BudgetAlerts/${path}/Resource`)])) as typeof ids;
  });

  it('generates the signing secret in Secrets Manager at deploy: 64 letters and digits, no value in the template, retained', () => {
    const secret = template.findResources('AWS::SecretsManager::Secret')[ids.secret] as Resource;
    expect(secret.Properties).toEqual({
      Description: 'budget-alerts: HMAC-SHA256 key that signs the snooze links in alerts',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(secret.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it('runs the link function on the check function’s runtime with a small reserved concurrency as a throttle', () => {
    const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as Resource;
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      ReservedConcurrentExecutions: 5,
      Role: { 'Fn::GetAtt': [ids.role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: ids.logs } },
    });
    const variables = (fn.Properties.Environment as { Variables: Json }).Variables;
    expect(Object.keys(variables).sort()).toEqual(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'SNOOZE_LINK_SECRET_ARN', 'STATE_TABLE_NAME']);
    expect(variables).toMatchObject({ STATE_TABLE_NAME: { Ref: ids.table }, SNOOZE_LINK_SECRET_ARN: { Ref: ids.secret } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('serves it from a Function URL without AWS auth (the signed token is the authority), callable by anyone only through the URL', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [ids.fn, 'Arn'] } });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'))
      .map((p) => (p as Resource).Properties)
      .filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [ids.fn, 'Arn'] }));
    expect(permissions).toEqual(
      expect.arrayContaining([
        { Action: 'lambda:InvokeFunctionUrl', FunctionName: { 'Fn::GetAtt': [ids.fn, 'Arn'] }, FunctionUrlAuthType: 'NONE', Principal: '*' },
      ]),
    );
    // Any other public permission is limited to invocations through the URL.
    for (const permission of permissions.filter((p) => p.Action === 'lambda:InvokeFunction')) expect(permission.InvokedViaFunctionUrl).toBe(true);
    expect(permissions).toHaveLength(2);
  });

  it('lets the link function write its logs, read the secret and touch the silences partition of the table: nothing else', () => {
    expect(functionStatements(template, ids.role)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `\${${ids.logs}.Arn}` },
      {
        Sid: 'SilencesOnly',
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: `\${${ids.table}.Arn}`,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#silences'] } },
      },
      { Sid: 'ReadSnoozeLinkSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `\${${ids.secret}}` },
    ]);
    const role = template.findResources('AWS::IAM::Role')[ids.role] as Resource;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives the check function the link URL and the secret ARN, with the right to read the secret beside them', () => {
    const check = template.findResources('AWS::Lambda::Function')[ids.check] as Resource;
    const variables = (check.Properties.Environment as { Variables: Json }).Variables;
    expect(variables.SNOOZE_LINK_URL).toEqual({ 'Fn::GetAtt': [ids.url, 'FunctionUrl'] });
    expect(variables.SNOOZE_LINK_SECRET_ARN).toEqual({ Ref: ids.secret });
    expect(functionStatements(template, ids.checkRole)).toContainEqual({
      Sid: 'ReadSnoozeLinkSecret',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: `\${${ids.secret}}`,
    });
  });

  it('alarms on any 5xx of the link page, like the check function’s error alarm: same period, threshold and topics', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as Resource).Properties);
    const errors = alarms.find((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(ids.check));
    expect(alarms.filter((a) => a.MetricName === 'Url5xxCount')).toEqual([
      {
        ...errors,
        MetricName: 'Url5xxCount',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
        AlarmDescription: expect.stringContaining('snooze-link page answered with a server error'),
      },
    ]);
    expect(errors).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    // The alarm topic and the Slack entry's topic: every subscriber hears of failures.
    expect(errors?.AlarmActions).toHaveLength(2);
  });

  it('outputs the link URL', () => {
    const outputs = (template.toJSON() as { Outputs: Record<string, { Value: unknown; Description: string }> }).Outputs;
    const [output] = Object.entries(outputs).filter(([name]) => name.includes('SnoozeLinkUrl'));
    expect(output?.[1].Value).toEqual({ 'Fn::GetAtt': [ids.url, 'FunctionUrl'] });
  });

  it('is cdk-nag clean, with only the secret rotation acknowledged, for a stated reason', () => {
    const findings = new AwsSolutionsChecks().validateScope(stack).violations;
    expect(findings).toEqual([]);
    const secret = stack.node.findChild('BudgetAlerts').node.findChild('SnoozeLinkSecret').node.defaultChild!;
    const acks = secret.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data as Record<string, string>);
    expect(acks).toHaveLength(1);
    expect(Object.keys(acks[0]!).map((rule) => rule.replace(/^annotation::/i, ''))).toEqual(['AwsSolutions-SMG4']);
    expect(Object.values(acks[0]!)[0]).toContain('at most once a week');
  });
});

describe('snooze link props', () => {
  it('snoozeLinks: false adds no secret, URL, function, alarm or variables', () => {
    // Act
    const template = Template.fromStack(buildStack(MINIMAL, { snoozeLinks: false }));

    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/SNOOZE_LINK|Url5xxCount|secretsmanager/);
  });

  it('reserves no concurrency for links when the stack reserves none, and what snoozeLinkConcurrency says otherwise', () => {
    const none = Template.fromStack(buildStack(MINIMAL, { reservedConcurrency: false }));
    const three = Template.fromStack(buildStack(MINIMAL, { snoozeLinkConcurrency: 3 }));
    const links = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).map((f) => (f as Resource).Properties).find((p) => p.Timeout === 10);
    expect(links(none)).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(links(three)?.ReservedConcurrentExecutions).toBe(3);
  });

  it('follows the removal policy for the secret and the logs', () => {
    const template = Template.fromStack(buildStack(MINIMAL, { removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });
});

describe('attachSnoozeLinks', () => {
  it('sets SNOOZE_LINK_URL and SNOOZE_LINK_SECRET_ARN on a function and grants the secret read beside them', () => {
    // Prepare
    const stack = new Stack(new App({ outdir: tempDirSync('cdk.out-'), builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } }), 'Parts');
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('export const handler = () => {};') });
    const links = addSnoozeLinks(stack, {
      projectRoot: process.cwd(),
      depsLockFilePath: 'package-lock.json',
      table: addStateTable(stack, { removalPolicy: RemovalPolicy.DESTROY }),
      topics: addAlertTopics(stack, { notify: [], removalPolicy: RemovalPolicy.DESTROY }).topics,
      reservedConcurrency: 1,
      removalPolicy: RemovalPolicy.DESTROY,
      logRetention: logs.RetentionDays.ONE_WEEK,
    });

    // Act
    attachSnoozeLinks(fn, links);

    // Assess
    const template = Template.fromStack(stack);
    const fnId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    const props = (template.findResources('AWS::Lambda::Function')[fnId] as Resource).Properties;
    expect(Object.keys((props.Environment as { Variables: Json }).Variables).sort()).toEqual(['SNOOZE_LINK_SECRET_ARN', 'SNOOZE_LINK_URL']);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnServiceRole') }],
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'ReadSnoozeLinkSecret', Action: 'secretsmanager:GetSecretValue' })] },
    });
  });
});
