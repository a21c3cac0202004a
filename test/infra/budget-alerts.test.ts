import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FULL_WIDTH, HALF_WIDTH, THIRD_WIDTH } from '../../infra/dashboard.js';
import { CUSTOMER_KEY_ARN, FULL, MINIMAL, buildStack, functionStatements, logicalIdOf, render } from './fixtures.js';

type Json = Record<string, unknown>;

/** `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<rest>` as rendered by `render`. */
const arn = (service: string, rest: string) => `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`;

describe('BudgetAlerts with every notify kind and three schedules', () => {
  let stack: Stack;
  let template: Template;
  let ids: Record<'key' | 'info' | 'warning' | 'critical' | 'table' | 'queue' | 'fn' | 'role' | 'logs' | 'dashboard', string>;

  beforeAll(() => {
    stack = buildStack(FULL);
    template = Template.fromStack(stack);
    ids = {
      key: logicalIdOf(stack, 'BudgetAlerts/TopicKey/Resource'),
      info: logicalIdOf(stack, 'BudgetAlerts/InfoTopic/Resource'),
      warning: logicalIdOf(stack, 'BudgetAlerts/WarningTopic/Resource'),
      critical: logicalIdOf(stack, 'BudgetAlerts/CriticalTopic/Resource'),
      table: logicalIdOf(stack, 'BudgetAlerts/StateTable/Resource'),
      queue: logicalIdOf(stack, 'BudgetAlerts/DeadLetterQueue/Resource'),
      fn: logicalIdOf(stack, 'BudgetAlerts/CheckFunction/Resource'),
      role: logicalIdOf(stack, 'BudgetAlerts/FunctionRole/Resource'),
      logs: logicalIdOf(stack, 'BudgetAlerts/FunctionLogs/Resource'),
      dashboard: logicalIdOf(stack, 'BudgetAlerts/Dashboard/Resource'),
    };
  });

  it('creates one EventBridge rule per distinct schedule, each passing its expression to the function', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const byExpression: Record<string, Json> = Object.fromEntries(
      Object.values(rules).map((rule) => {
        const props = (rule as { Properties: Json }).Properties;
        return [props.ScheduleExpression as string, props];
      }),
    );
    expect(Object.keys(byExpression).sort()).toEqual(['cron(0/30 7-19 ? * MON-FRI *)', 'rate(1 hour)', 'rate(15 minutes)']);
    for (const [expression, props] of Object.entries(byExpression)) {
      expect(props.State).toBe('ENABLED');
      expect(props.Targets).toEqual([{ Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] }, Id: 'Target0', Input: JSON.stringify({ schedule: expression }) }]);
    }
    expect(byExpression['rate(15 minutes)']?.Description).toBe('budget-alerts: checks images, images-eu');
    // EventBridge may invoke the function, from these rules only (the snooze-link function's URL permissions: links.test.ts).
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'))
      .map((p) => (p as { Properties: Json }).Properties)
      .filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [ids.fn, 'Arn'] }));
    expect(permissions).toHaveLength(3);
    for (const permission of permissions) {
      expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [ids.fn, 'Arn'] } });
      expect(Object.keys(rules)).toContain((permission.SourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    }
  });

  it('runs the newest Node.js runtime on arm64 with reserved concurrency, retries and a dead-letter destination', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 300,
      ReservedConcurrentExecutions: 1,
      Role: { 'Fn::GetAtt': [ids.role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: ids.logs } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.fn },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.queue, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('hands the function its table, its topics by minimum severity and the Powertools settings', () => {
    const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as { Properties: { Environment: { Variables: Json } } };
    const variables = fn.Properties.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'ALERT_TOPICS',
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'SNOOZE_LINK_SECRET_ARN',
      'SNOOZE_LINK_URL',
      'SSM_CACHE_TTL_SECONDS',
      'STATE_TABLE_NAME',
    ]);
    expect(variables.STATE_TABLE_NAME).toEqual({ Ref: ids.table });
    expect(JSON.parse(render(variables.ALERT_TOPICS))).toEqual([
      { minSeverity: 'info', arn: `\${${ids.info}}` },
      { minSeverity: 'warning', arn: `\${${ids.warning}}` },
      { minSeverity: 'critical', arn: `\${${ids.critical}}` },
    ]);
    expect(variables).toMatchObject({
      SSM_CACHE_TTL_SECONDS: '900',
      POWERTOOLS_SERVICE_NAME: 'budget-alerts',
      POWERTOOLS_METRICS_NAMESPACE: 'BudgetAlerts',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('grants exactly the configured parameters, its topics, its key and its table: every statement, in full', () => {
    const parameters = [
      arn('ssm', 'parameter/budget-alerts/video-prod'),
      arn('ssm', 'parameter/budget-alerts-images'),
      arn('ssm', 'parameter/budget-alerts/speech'),
    ];
    expect(functionStatements(template, ids.role)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `\${${ids.logs}.Arn}` },
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: `\${${ids.queue}.Arn}` },
      { Sid: 'ReadApiKeys', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: parameters },
      {
        Sid: 'DecryptApiKeysThroughSsm',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: arn('kms', 'key/*'),
        Condition: {
          StringEquals: {
            'kms:ViaService': 'ssm.${AWS::Region}.${AWS::URLSuffix}',
            'kms:EncryptionContext:PARAMETER_ARN': parameters,
          },
        },
      },
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: [`\${${ids.info}}`, `\${${ids.warning}}`, `\${${ids.critical}}`] },
      { Sid: 'EncryptAlertsForTopics', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: `\${${ids.key}.Arn}` },
      {
        Sid: 'AlertState',
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:BatchWriteItem',
        ],
        Resource: `\${${ids.table}.Arn}`,
      },
      {
        Sid: 'ReadSnoozeLinkSecret',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: `\${${logicalIdOf(stack, 'BudgetAlerts/SnoozeLinkSecret/Resource')}}`,
      },
    ]);
    // No AWS managed policies on the function (its own log group instead of AWSLambdaBasicExecutionRole).
    const role = template.findResources('AWS::IAM::Role')[ids.role] as { Properties: Json };
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('has no IAM statement on "*" anywhere, and no role with inline or managed policies beyond the two functions', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of (policy as { Properties: { PolicyDocument: { Statement: Json[] } } }).Properties.PolicyDocument.Statement) {
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(2);
    // The Chatbot channel role gets no permissions at all (notifications need none).
    const chatbotRoles = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r).includes('chatbot.amazonaws.com'),
    );
    expect(chatbotRoles).toHaveLength(1);
    expect((chatbotRoles[0] as { Properties: Json }).Properties).toEqual({
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' } }],
        Version: '2012-10-17',
      },
    });
  });

  it('encrypts every topic with a rotating customer managed key that CloudWatch alarms may use, and refuses plain HTTP', () => {
    template.resourceCountIs('AWS::SNS::Topic', 3);
    for (const topic of [ids.info, ids.warning, ids.critical]) {
      expect((template.findResources('AWS::SNS::Topic')[topic] as { Properties: Json }).Properties.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [ids.key, 'Arn'],
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topic }],
        PolicyDocument: {
          Statement: [
            {
              Sid: 'AllowPublishThroughSSLOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: { Ref: topic },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
          Version: '2012-10-17',
        },
      });
    }
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
            },
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('subscribes each notify entry to the topic of its minimum severity', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => (s as { Properties: Json }).Properties);
    expect(subscriptions).toHaveLength(4);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { Protocol: 'email', Endpoint: 'finance@example.com', TopicArn: { Ref: ids.warning } },
        { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: ids.critical } },
        { Protocol: 'sms', Endpoint: '+15551234567', TopicArn: { Ref: ids.critical } },
        { Protocol: 'https', Endpoint: 'https://hooks.example.com/budget', TopicArn: { Ref: ids.info } },
      ]),
    );
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [{ Ref: ids.warning }],
      LoggingLevel: 'ERROR',
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }],
      ConfigurationName: Match.stringLikeRegexp('^[A-Za-z0-9_-]{1,128}$'),
    });
  });

  it('keeps alert state in an on-demand, point-in-time-recoverable, encrypted table with a TTL, retained on delete', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('alarms on function errors, sustained throttling and dead letters, notifying every topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => (a as { Properties: Json }).Properties)
      // The snooze-link function's own alarm is asserted in links.test.ts.
      .filter((a) => a.TreatMissingData !== 'breaching' && a.MetricName !== 'Url5xxCount');
    expect(alarms).toHaveLength(3);
    const actions = [{ Ref: ids.info }, { Ref: ids.warning }, { Ref: ids.critical }];
    const byMetric = Object.fromEntries(alarms.map((a) => [a.MetricName, a]));
    expect(byMetric.Errors).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: actions,
    });
    expect(byMetric.Throttles).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      AlarmActions: actions,
    });
    expect(byMetric.ApproximateNumberOfMessagesVisible).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      AlarmActions: actions,
    });
  });

  it('alarms when a schedule group has not run for two of its periods, and when no account was checked for hours (missing data breaches)', () => {
    // Prepare: the not-running alarms are the ones that treat missing data as breaching; a labelled
    // metric is rendered as a one-metric `Metrics` list, read here as the plain form.
    type MetricStat = { Metric: Json; Period: number; Stat: string };
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => (a as { Properties: Json & { Metrics?: { MetricStat: MetricStat }[] } }).Properties)
      .filter((a) => a.TreatMissingData === 'breaching')
      .map(({ Metrics, ...rest }) => {
        const stat = Metrics?.[0]?.MetricStat;
        return stat ? { ...rest, ...stat.Metric, Period: stat.Period, Statistic: stat.Stat } : rest;
      });
    const actions = [{ Ref: ids.info }, { Ref: ids.warning }, { Ref: ids.critical }];
    const absent = { Namespace: 'BudgetAlerts', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', AlarmActions: actions };
    const group = (expression: string) =>
      alarms.find((a) => a.MetricName === 'ScheduledRuns' && JSON.stringify(a.Dimensions).includes(JSON.stringify(expression)));

    // Assess: one per schedule group, over two of its periods.
    expect(alarms.filter((a) => a.MetricName === 'ScheduledRuns')).toHaveLength(3);
    expect(group('rate(1 hour)')).toMatchObject({
      ...absent,
      Dimensions: [{ Name: 'schedule', Value: 'rate(1 hour)' }, { Name: 'service', Value: 'budget-alerts' }],
      Period: 300,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
    });
    expect(group('rate(15 minutes)')).toMatchObject({ ...absent, Period: 300, EvaluationPeriods: 6 });
    // Weekdays 7:00-19:30: its longest gap is the weekend (59.5 h), so two of them are 119 h.
    expect(group('cron(0/30 7-19 ? * MON-FRI *)')).toMatchObject({ ...absent, Period: 21_600, EvaluationPeriods: 20 });
    // The heartbeat: the run total of accounts checked, over twice the longest gap of any schedule.
    expect(alarms.find((a) => a.MetricName === 'AccountsChecked')).toMatchObject({
      ...absent,
      Dimensions: [{ Name: 'service', Value: 'budget-alerts' }],
      Period: 21_600,
      EvaluationPeriods: 20,
    });
  });

  it('draws a dashboard of every account’s credits, budget, forecast and runway, and of the run totals', () => {
    const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[ids.dashboard] as { Properties: { DashboardBody: unknown } };
    const body = JSON.parse(render(dashboard.Properties.DashboardBody)) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] };
    const metrics = body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => JSON.stringify(m.slice(0, -1)));
    for (const account of FULL.accounts) {
      for (const name of ['AvailableCredits', 'RunwayDays', 'UsedCredits', 'BudgetCredits', 'ForecastCredits']) {
        expect(metrics).toContain(
          JSON.stringify(['BudgetAlerts', name, 'account', account.id, 'provider', account.provider, 'service', 'budget-alerts']),
        );
      }
    }
    for (const name of ['ChecksFailed', 'AlertsSent']) {
      expect(metrics).toContain(JSON.stringify(['BudgetAlerts', name, 'service', 'budget-alerts']));
    }
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Available credits', 'Runway (days)', 'video-prod: used vs budget (this month)', 'Checks failed', 'Alerts sent']));
  });

  it('lays the dashboard out in full, half and third widths on the 24-column grid, without overlaps', () => {
    const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[ids.dashboard] as { Properties: { DashboardBody: unknown } };
    type Widget = { x: number; y: number; width: number; height: number; properties: { title?: string; markdown?: string } };
    const { widgets } = JSON.parse(render(dashboard.Properties.DashboardBody)) as { widgets: Widget[] };
    const widthOf = Object.fromEntries(widgets.map((w) => [w.properties.title ?? 'text', w.width]));
    expect(widthOf).toEqual({
      text: FULL_WIDTH,
      'Available credits': HALF_WIDTH,
      'Runway (days)': HALF_WIDTH,
      ...Object.fromEntries(FULL.accounts.map((a) => [`${a.id}: used vs budget (this month)`, THIRD_WIDTH])),
      'Checks failed': THIRD_WIDTH,
      'Alerts sent': THIRD_WIDTH,
      'Function errors, throttles, dead letters': THIRD_WIDTH,
    });
    const overlap = (a: Widget, b: Widget) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    for (const [i, widget] of widgets.entries()) {
      expect(widget.x + widget.width).toBeLessThanOrEqual(FULL_WIDTH);
      expect(widgets.slice(i + 1).filter((other) => overlap(widget, other))).toEqual([]);
    }
  });

  it('outputs the topic ARNs, the function name, the table name and the dashboard URL', () => {
    template.hasOutput('InfoTopicArn', { Value: { Ref: ids.info } });
    template.hasOutput('WarningTopicArn', { Value: { Ref: ids.warning } });
    template.hasOutput('CriticalTopicArn', { Value: { Ref: ids.critical } });
    template.hasOutput('FunctionName', { Value: { Ref: ids.fn } });
    template.hasOutput('StateTableName', { Value: { Ref: ids.table } });
    const url = (template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs.DashboardUrl?.Value;
    expect(render(url)).toBe(
      `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=\${${ids.dashboard}}`,
    );
  });
});

describe('BudgetAlerts with reservedConcurrency: false', () => {
  it('reserves no concurrency, for accounts whose quota cannot spare any', () => {
    const template = Template.fromStack(buildStack(MINIMAL, { reservedConcurrency: false }));
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: Json };
    expect(fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });
});

describe('BudgetAlerts without notify entries, with a customer managed parameter key and overridden props', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    stack = buildStack(MINIMAL, {
      parameterKmsKeyArn: CUSTOMER_KEY_ARN,
      removalPolicy: RemovalPolicy.DESTROY,
      reservedConcurrency: 2,
      timeout: Duration.minutes(2),
      memorySize: 1024,
      ssmCacheTtl: Duration.minutes(5),
    });
    template = Template.fromStack(stack);
  });

  it('creates just a warning topic, with no subscriptions, which the alarms and the function use', () => {
    const warning = logicalIdOf(stack, 'BudgetAlerts/WarningTopic/Resource');
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Environment: { Variables: Json } } };
    expect(JSON.parse(render(fn.Properties.Environment.Variables.ALERT_TOPICS))).toEqual([{ minSeverity: 'warning', arn: `\${${warning}}` }]);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: Json }).Properties.AlarmActions).toEqual([{ Ref: warning }]);
    }
    template.hasOutput('WarningTopicArn', { Value: { Ref: warning } });
    expect(Object.keys((template.toJSON() as { Outputs: Json }).Outputs)).not.toContain('CriticalTopicArn');
  });

  it('decrypts the keys only with the named customer managed key, through SSM, for the configured parameter', () => {
    const role = logicalIdOf(stack, 'BudgetAlerts/FunctionRole/Resource');
    const decrypt = functionStatements(template, role).find((s) => s.Sid === 'DecryptApiKeysThroughSsm');
    expect(decrypt).toEqual({
      Sid: 'DecryptApiKeysThroughSsm',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: CUSTOMER_KEY_ARN,
      Condition: {
        StringEquals: {
          'kms:ViaService': 'ssm.${AWS::Region}.${AWS::URLSuffix}',
          'kms:EncryptionContext:PARAMETER_ARN': [arn('ssm', 'parameter/keys/solo')],
        },
      },
    });
  });

  it('applies the props: concurrency, timeout, memory, cache TTL and removal policy', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 2,
      Timeout: 120,
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ SSM_CACHE_TTL_SECONDS: '300' }) },
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });
});

describe('BudgetAlerts with env keys only', () => {
  it('grants no SSM or parameter-key access at all', () => {
    const stack = buildStack({ accounts: [{ ...MINIMAL.accounts[0]!, apiKey: { env: 'SOLO_KEY' } }] });
    const template = Template.fromStack(stack);
    const sids = functionStatements(template, logicalIdOf(stack, 'BudgetAlerts/FunctionRole/Resource')).map((s) => s.Sid);
    expect(sids).not.toContain('ReadApiKeys');
    expect(sids).not.toContain('DecryptApiKeysThroughSsm');
  });
});
