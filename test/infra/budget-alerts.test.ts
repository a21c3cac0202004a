import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FULL_WIDTH, THIRD_WIDTH } from '../../infra/dashboard.js';
import { CUSTOMER_KEY_ARN, FULL, MINIMAL, buildStack, expectGridWithoutOverlaps, functionStatements, logicalIdOf, render } from './fixtures.js';
import { hash } from '../../infra/naming.js';

type Json = Record<string, unknown>;

/** `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<rest>` as rendered by `render`. */
const arn = (service: string, rest: string) => `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`;

describe('BudgetAlerts with every notify kind and three schedules', () => {
  let stack: Stack;
  let template: Template;
  let ids: Record<'key' | 'alert' | 'alarm' | 'slack' | 'table' | 'queue' | 'fn' | 'role' | 'logs' | 'dashboard', string>;

  beforeAll(() => {
    stack = buildStack(FULL);
    template = Template.fromStack(stack);
    ids = {
      key: logicalIdOf(stack, 'BudgetAlerts/TopicKey/Resource'),
      alert: logicalIdOf(stack, 'BudgetAlerts/AlertTopic/Resource'),
      alarm: logicalIdOf(stack, 'BudgetAlerts/AlarmTopic/Resource'),
      slack: logicalIdOf(stack, `BudgetAlerts/SlackTopic-${hash('slack:T0123ABCD/C0123ABCD')}/Resource`),
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

  it('hands the function its table, the topic of each notify entry and the Powertools settings', () => {
    const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as { Properties: { Environment: { Variables: Json } } };
    const variables = fn.Properties.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'ALERT_TARGETS',
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'SNOOZE_LINK_SECRET_ARN',
      'SNOOZE_LINK_URL',
      'SSM_CACHE_TTL_SECONDS',
      'STATE_TABLE_NAME',
    ]);
    expect(variables.STATE_TABLE_NAME).toEqual({ Ref: ids.table });
    expect(JSON.parse(render(variables.ALERT_TARGETS))).toEqual([
      { target: 'email:finance@example.com', arn: `\${${ids.alert}}` },
      { target: 'email:oncall@example.com', arn: `\${${ids.alert}}` },
      { target: 'sms:+15551234567', arn: `\${${ids.alert}}` },
      { target: expect.stringMatching(/^https:hooks\.example\.com-[0-9a-f]{8}$/), arn: `\${${ids.alert}}` },
      { target: 'slack:T0123ABCD/C0123ABCD', arn: `\${${ids.slack}}` },
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
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: [`\${${ids.alert}}`, `\${${ids.slack}}`] },
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

  it('has no IAM statement on "*" anywhere, and no role with inline or managed policies beyond the two functions and the digest schedules', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of (policy as { Properties: { PolicyDocument: { Statement: Json[] } } }).Properties.PolicyDocument.Statement) {
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(3);
    // The digest schedules may invoke exactly the check function.
    const scheduler = logicalIdOf(stack, 'BudgetAlerts/DigestSchedulerRole/Resource');
    expect(functionStatements(template, scheduler)).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `\${${ids.fn}.Arn}` }]);
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
    for (const topic of [ids.alert, ids.slack, ids.alarm]) {
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

  it('routes each notify entry by a subscription filter policy on target, severity rank, account and kind; Slack by a topic of its own', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => (s as { Properties: Json }).Properties);
    const onAlerts = subscriptions.filter((s) => JSON.stringify(s.TopicArn) === JSON.stringify({ Ref: ids.alert }));
    const filterOf = (endpoint: string) => onAlerts.find((s) => s.Endpoint === endpoint)?.FilterPolicy;
    expect(onAlerts).toHaveLength(4);
    expect(filterOf('finance@example.com')).toEqual({ target: ['email:finance@example.com'], severityRank: [{ numeric: ['>=', 1] }] });
    expect(filterOf('oncall@example.com')).toEqual({
      target: ['email:oncall@example.com'],
      severityRank: [{ numeric: ['>=', 2] }],
      account: ['speech', { prefix: 'video-' }],
      kind: ['check.failed', 'digest', { prefix: 'balance.' }],
    });
    expect(filterOf('+15551234567')).toEqual({ target: ['sms:+15551234567'], severityRank: [{ numeric: ['>=', 2] }] });
    expect(filterOf('https://hooks.example.com/budget')).toMatchObject({ severityRank: [{ numeric: ['>=', 0] }] });
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [{ Ref: ids.slack }, { Ref: ids.alarm }],
      LoggingLevel: 'ERROR',
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }],
      ConfigurationName: Match.stringLikeRegexp('^[A-Za-z0-9_-]{1,128}$'),
    });
  });

  it('subscribes every entry, unfiltered, to the alarm topic: CloudWatch alarms carry no message attributes', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => (s as { Properties: Json }).Properties);
    const onAlarms = subscriptions.filter((s) => JSON.stringify(s.TopicArn) === JSON.stringify({ Ref: ids.alarm }));
    expect(onAlarms.map((s) => s.Endpoint).sort()).toEqual(['+15551234567', 'finance@example.com', 'https://hooks.example.com/budget', 'oncall@example.com']);
    expect(onAlarms.every((s) => s.FilterPolicy === undefined)).toBe(true);
  });

  it('schedules a digest per entry that asks for one, in the entry’s time zone, with the entry as input', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((s) => (s as { Properties: Json }).Properties);
    expect(schedules).toHaveLength(2);
    const weekly = schedules.find((s) => String(s.ScheduleExpression).includes('MON'));
    expect(weekly).toMatchObject({ ScheduleExpression: 'cron(30 7 ? * MON *)', ScheduleExpressionTimezone: 'Europe/Berlin', State: 'ENABLED' });
    expect(JSON.parse((weekly!.Target as { Input: string }).Input)).toEqual({ digest: 'email:finance@example.com' });
    const daily = schedules.find((s) => s !== weekly);
    expect(daily).toMatchObject({ ScheduleExpression: 'cron(0 8 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
    expect(JSON.parse((daily!.Target as { Input: string }).Input)).toEqual({ digest: 'slack:T0123ABCD/C0123ABCD' });
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
    const actions = [{ Ref: ids.alarm }, { Ref: ids.slack }];
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
    const actions = [{ Ref: ids.alarm }, { Ref: ids.slack }];
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

  // Changed with issue 13: per-account figures are Logs Insights queries over the function's log group by default
  // (the per-account metric graphs this test asserted before are asserted with `perAccountMetrics` in dashboard.test.ts).
  it('draws a dashboard of every account’s credits, budget, forecast and runway from its log lines, and of the run totals', () => {
    const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[ids.dashboard] as { Properties: { DashboardBody: unknown } };
    const body = JSON.parse(render(dashboard.Properties.DashboardBody)) as {
      widgets: { type: string; properties: { title?: string; query?: string; metrics?: unknown[][] } }[];
    };
    const metrics = body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => JSON.stringify(m.slice(0, -1)));
    expect(metrics.filter((m) => m.includes('"account"'))).toEqual([]);
    for (const name of ['ChecksFailed', 'AlertsSent']) {
      expect(metrics).toContain(JSON.stringify(['BudgetAlerts', name, 'service', 'budget-alerts']));
    }
    const queries = body.widgets.filter((w) => w.type === 'log').map((w) => w.properties.query);
    expect(queries).toHaveLength(4);
    for (const query of queries) expect(query).toContain(`SOURCE '\${${ids.logs}}'`);
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Accounts: latest figures (shortest runway first)',
        'Available credits · account:video-prod',
        'Runway (days) · account:video-prod',
        'Used vs budget vs forecast (this month) · account:video-prod',
        'Checks failed',
        'Alerts sent',
      ]),
    );
  });

  it('lays the dashboard out in full, half and third widths on the 24-column grid, without overlaps', () => {
    const dashboard = template.findResources('AWS::CloudWatch::Dashboard')[ids.dashboard] as { Properties: { DashboardBody: unknown } };
    type Widget = { x: number; y: number; width: number; height: number; properties: { title?: string; markdown?: string } };
    const { widgets } = JSON.parse(render(dashboard.Properties.DashboardBody)) as { widgets: Widget[] };
    const widthOf = Object.fromEntries(widgets.map((w) => [w.properties.title ?? 'text', w.width]));
    // Changed with issue 13: the per-account rows are the table of latest figures and the picked account's three charts.
    expect(widthOf).toEqual({
      text: FULL_WIDTH,
      'Accounts: latest figures (shortest runway first)': FULL_WIDTH,
      'Available credits · account:video-prod': THIRD_WIDTH,
      'Runway (days) · account:video-prod': THIRD_WIDTH,
      'Used vs budget vs forecast (this month) · account:video-prod': THIRD_WIDTH,
      'Checks failed': THIRD_WIDTH,
      'Alerts sent': THIRD_WIDTH,
      'Function errors, throttles, dead letters': THIRD_WIDTH,
    });
    expectGridWithoutOverlaps(widgets);
  });

  it('outputs the topic ARNs, the function name, the table name and the dashboard URL', () => {
    template.hasOutput('AlertTopicArn', { Value: { Ref: ids.alert } });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: ids.alarm } });
    template.hasOutput(`SlackTopicArn${hash('slack:T0123ABCD/C0123ABCD')}`, { Value: { Ref: ids.slack } });
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

  it('creates the alert and alarm topics with no subscriptions; the function publishes to the alert topic for hand-made subscriptions, and so do the alarms', () => {
    const alert = logicalIdOf(stack, 'BudgetAlerts/AlertTopic/Resource');
    const alarm = logicalIdOf(stack, 'BudgetAlerts/AlarmTopic/Resource');
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as { Properties: { Environment: { Variables: Json } } };
    expect(JSON.parse(render(fn.Properties.Environment.Variables.ALERT_TARGETS))).toEqual([{ target: 'topic', arn: `\${${alert}}` }]);
    for (const each of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((each as { Properties: Json }).Properties.AlarmActions).toEqual([{ Ref: alarm }, { Ref: alert }]);
    }
    template.hasOutput('AlertTopicArn', { Value: { Ref: alert } });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: alarm } });
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
