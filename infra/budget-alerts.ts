import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  Aws,
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  Stage,
  Validations,
  aws_chatbot as chatbot,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_lambda_destinations as destinations,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEFAULT_SCHEDULE, type BudgetsConfig, type NotifyTarget } from '../lib/config.js';
import { SEVERITIES, type Severity } from '../lib/model.js';


/** CloudWatch namespace and service dimension of the function's metrics (Powertools). */
export const METRICS_NAMESPACE = 'BudgetAlerts';
export const SERVICE_NAME = 'budget-alerts';

/** The Node.js runtime the function runs on (the newest aws-cdk-lib offers); esbuild targets the same. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

/** The package root: the folder holding infra/, functions/ and package-lock.json. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BudgetAlertsProps {
  /**
   * The validated budgets file (`loadBudgets`/`validateBudgets` of lib/config.ts). It is bundled beside the
   * function as `budgets.json`; its accounts' `schedule`s become EventBridge rules and its `notify` entries
   * SNS subscriptions.
   */
  readonly budgets: BudgetsConfig;
  /**
   * The budget-alerts package root, where `functions/` and `package-lock.json` live (esbuild's working folder).
   * @default the folder above this file's `infra/`
   */
  readonly projectRoot?: string;
  /**
   * The Lambda entry file (exports `handler`).
   * @default `functions/check-budgets.ts` under `projectRoot`
   */
  readonly entry?: string;
  /**
   * The lock file NodejsFunction hashes and installs from.
   * @default `package-lock.json` under `projectRoot`
   */
  readonly depsLockFilePath?: string;
  /**
   * How long one run may take. Vendors are called with their own timeouts and retries.
   * @default Duration.minutes(5) (to be tuned by the benchmark)
   */
  readonly timeout?: Duration;
  /**
   * Function memory in MB (CPU scales with it).
   * @default 512 (to be tuned by the benchmark)
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency. 1 serialises runs, so overlapping schedules and retries queue up instead of
   * checking (and alerting) in parallel. Accounts whose concurrency quota is still 10 cannot reserve any:
   * `false` reserves none (overlapping runs then still send each alert once, thanks to the claims in
   * the state table, but may call the vendors twice).
   * @default 1
   */
  readonly reservedConcurrency?: number | false;
  /**
   * How long a warm container keeps API keys read from SSM (`SSM_CACHE_TTL_SECONDS`).
   * @default Duration.minutes(15)
   */
  readonly ssmCacheTtl?: Duration;
  /**
   * The KMS key that encrypts the `{ssm}` SecureString parameters, if it is a customer managed key.
   * @default the AWS managed `aws/ssm` key: decryption is then allowed on any key of this account and region,
   * but only through SSM and only for the configured parameters (its key id is not known at synth time).
   */
  readonly parameterKmsKeyArn?: string;
  /**
   * What happens to the alert-state table, the topics' KMS key and the function's logs when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the CloudWatch dashboard.
   * @default a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/** One alert topic and the minimum severity it receives. */
export interface AlertTopic {
  readonly minSeverity: Severity;
  readonly topic: sns.Topic;
}

/**
 * Budget alerting for prepaid API credits: the scheduled check function, its alert topics and subscriptions,
 * the alert-state table, failure alarms and a dashboard.
 */
export class BudgetAlerts extends Construct {
  /** The check function (invoke it on demand with `{}` or `{"accounts": ["id"], "dryRun": true}`). */
  readonly function: nodejs.NodejsFunction;
  /** One topic per minimum severity in use among `notify` (just `warning` when `notify` is empty). */
  readonly topics: readonly AlertTopic[];
  /** The customer managed key encrypting the topics. */
  readonly topicKey: kms.Key;
  /** Alert lifecycle state. */
  readonly table: dynamodb.Table;
  /** Failed asynchronous invocations (after the retries). */
  readonly deadLetterQueue: sqs.Queue;
  /** One rule per distinct `schedule`. */
  readonly schedules: readonly events.Rule[];
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;
  /** Console URL of the dashboard. */
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: BudgetAlertsProps) {
    super(scope, id);
    const { budgets } = props;
    const stack = Stack.of(this);
    const projectRoot = props.projectRoot ?? PACKAGE_ROOT;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const notify = budgets.notify ?? [];

    // --- Alert topics: one per minimum severity in use, KMS encrypted, TLS only ---------------------------------
    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the budget-alerts SNS topics',
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch alarms publish to the encrypted topics; the function gets its grant through IAM.
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    const inUse = new Set<Severity>(notify.map((target) => target.minSeverity));
    if (inUse.size === 0) inUse.add('warning');
    this.topics = SEVERITIES.filter((severity) => inUse.has(severity)).map((minSeverity) => ({
      minSeverity,
      topic: new sns.Topic(this, `${capitalize(minSeverity)}Topic`, {
        displayName: `Budget alerts (${minSeverity} and above)`,
        masterKey: this.topicKey,
        enforceSSL: true,
      }),
    }));
    const topicFor = (severity: Severity): sns.Topic => {
      const found = this.topics.find((t) => t.minSeverity === severity);
      if (found === undefined) throw new Error(`no topic for severity ${severity}`); // unreachable: built from the same list
      return found.topic;
    };
    this.addSubscriptions(notify, topicFor);

    // --- Alert state ------------------------------------------------------------------------------------------
    this.table = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });

    // --- The function -----------------------------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'budget-alerts check function',
    });
    logGroup.grantWrite(role);

    const budgetsFile = writeBudgetsJson(this, budgets);
    this.function = new nodejs.NodejsFunction(this, 'CheckFunction', {
      description: 'Checks prepaid API-credit balances and budgets and publishes the alerts that are due',
      entry: props.entry ?? join(projectRoot, 'functions/check-budgets.ts'),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: props.depsLockFilePath ?? join(projectRoot, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.minutes(5),
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrency === false ? undefined : (props.reservedConcurrency ?? 1),
      role,
      logGroup,
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      environment: {
        STATE_TABLE_NAME: this.table.tableName,
        ALERT_TOPICS: stack.toJsonString(this.topics.map(({ minSeverity, topic }) => ({ minSeverity, arn: topic.topicArn }))),
        SSM_CACHE_TTL_SECONDS: String((props.ssmCacheTtl ?? Duration.minutes(15)).toSeconds()),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Lambda runtime provides AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
        // Bundled CommonJS dependencies call require(); ESM output has none of its own.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [copyCommand(budgetsFile, join(outputDir, 'budgets.json'))],
        },
      },
    });
    const anyParameterKey = this.grantFunctionPermissions(role, budgets, props.parameterKmsKeyArn);

    // --- Schedules: one rule per distinct expression; the handler checks the accounts that share it -------------
    const groups = new Map<string, string[]>();
    for (const account of budgets.accounts) {
      const schedule = account.schedule ?? DEFAULT_SCHEDULE;
      groups.set(schedule, [...(groups.get(schedule) ?? []), account.id]);
    }
    this.schedules = [...groups].map(
      ([expression, ids]) =>
        new events.Rule(this, `Schedule-${slug(expression)}`, {
          description: truncate(`budget-alerts: checks ${ids.join(', ')}`, 512),
          schedule: events.Schedule.expression(expression),
          targets: [new targets.LambdaFunction(this.function, { event: events.RuleTargetInput.fromObject({ schedule: expression }) })],
        }),
    );

    // --- Failure alarms: every topic receives critical alerts, so every subscriber hears of them --------------
    const alarmAction = this.topics.map(({ topic }) => new cwActions.SnsAction(topic));
    const alarm = (alarmId: string, props: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, props);
      created.addAlarmAction(...alarmAction);
      return created;
    };
    this.alarms = [
      alarm('FunctionErrors', {
        alarmDescription: 'budget-alerts: the check function failed (see its logs); accounts may be unchecked',
        metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      // A single collision of two schedules is throttled and retried by Lambda; only persistent throttling alarms.
      alarm('FunctionThrottles', {
        alarmDescription: 'budget-alerts: the check function is being throttled for 15 minutes (runs overlap or concurrency is exhausted)',
        metric: this.function.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('DeadLetters', {
        alarmDescription: 'budget-alerts: a scheduled check failed after its retries (its event is in the dead-letter queue)',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];

    this.dashboard = this.buildDashboard(budgets, props.dashboardName);
    this.dashboardUrl = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;

    this.acknowledgeNagFindings(anyParameterKey);
  }

  /** Subscribes each `notify` entry to the topic of its minimum severity (Slack through AWS Chatbot). */
  private addSubscriptions(notify: readonly NotifyTarget[], topicFor: (severity: Severity) => sns.Topic): void {
    const seen = new Set<string>();
    for (const target of notify) {
      const topic = topicFor(target.minSeverity);
      // Ids come from the entry itself, so reordering the list replaces nothing (and re-sends no confirmations).
      const key = JSON.stringify(target);
      if (seen.has(key)) continue;
      seen.add(key);
      const id = `${capitalize(target.minSeverity)}-${hash(key)}`;
      if ('email' in target) {
        topic.addSubscription(new subscriptions.EmailSubscription(target.email));
      } else if ('sms' in target) {
        topic.addSubscription(new subscriptions.SmsSubscription(target.sms));
      } else if ('https' in target) {
        topic.addSubscription(new subscriptions.UrlSubscription(target.https, { protocol: sns.SubscriptionProtocol.HTTPS }));
      } else {
        const name = `${Names.uniqueResourceName(this, { maxLength: 90, separator: '-' })}-slack-${id}`;
        new chatbot.SlackChannelConfiguration(this, `Slack-${id}`, {
          slackChannelConfigurationName: name.slice(0, 128),
          slackWorkspaceId: target.slack.workspaceId,
          slackChannelId: target.slack.channelId,
          // Chatbot subscribes itself to the topic.
          notificationTopics: [topic],
          loggingLevel: chatbot.LoggingLevel.ERROR,
          // Notifications only: nobody in the channel may run AWS commands through Chatbot.
          guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
        });
      }
    }
  }

  /**
   * Least privilege: the configured parameters, its topics, its table; KMS only through SSM and SNS.
   * Returns whether decryption had to be granted on any key of the account (the AWS managed aws/ssm key).
   */
  private grantFunctionPermissions(role: iam.Role, budgets: BudgetsConfig, parameterKmsKeyArn: string | undefined): boolean {
    const stack = Stack.of(this);
    const parameterArns = [...new Set(budgets.accounts.flatMap((a) => ('ssm' in a.apiKey ? [a.apiKey.ssm] : [])))].map((name) =>
      stack.formatArn({
        service: 'ssm',
        resource: 'parameter',
        resourceName: name.replace(/^\//, ''),
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    if (parameterArns.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'ReadApiKeys', actions: ['ssm:GetParameters'], resources: parameterArns }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptApiKeysThroughSsm',
          actions: ['kms:Decrypt'],
          resources: [parameterKmsKeyArn ?? stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
          conditions: {
            StringEquals: {
              'kms:ViaService': `ssm.${Aws.REGION}.${Aws.URL_SUFFIX}`,
              // SSM sets the parameter's ARN as encryption context: only these parameters can be decrypted.
              'kms:EncryptionContext:PARAMETER_ARN': parameterArns,
            },
          },
        }),
      );
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: this.topics.map((t) => t.topic.topicArn) }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptAlertsForTopics',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.topicKey.keyArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AlertState',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:BatchWriteItem',
        ],
        resources: [this.table.tableArn],
      }),
    );
    return parameterArns.length > 0 && parameterKmsKeyArn === undefined;
  }

  private buildDashboard(budgets: BudgetsConfig, dashboardName: string | undefined): cloudwatch.Dashboard {
    const accountMetric = (metricName: string, account: { id: string; provider: string }, label: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, account: account.id, provider: account.provider },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
        label,
      });
    const runMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
        label: metricName,
      });
    const accounts = budgets.accounts;

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(dashboardName !== undefined && { dashboardName }),
      defaultInterval: Duration.days(35),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# Budget alerts\n${accounts.length} account(s), checked on ${[...new Set(accounts.map((a) => a.schedule ?? DEFAULT_SCHEDULE))].join(', ')}. Credits are hourly maxima.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Available credits',
        left: accounts.map((a) => accountMetric('AvailableCredits', a, a.id)),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Runway (days)',
        left: accounts.map((a) => accountMetric('RunwayDays', a, a.id)),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      ...accounts.map(
        (a) =>
          new cloudwatch.GraphWidget({
            title: `${a.id}: used vs budget (this month)`,
            left: [
              accountMetric('UsedCredits', a, 'used'),
              accountMetric('BudgetCredits', a, 'budget'),
              accountMetric('ForecastCredits', a, 'forecast'),
            ],
            width: 8,
          }),
      ),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Checks failed', left: [runMetric('ChecksFailed')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Alerts sent', left: [runMetric('AlertsSent'), runMetric('AlertsFailed')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Function errors, throttles, dead letters',
        left: [
          this.function.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
          this.function.metricThrottles({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
          this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM }),
        ],
        width: 8,
      }),
    );
    return dashboard;
  }

  /** cdk-nag AwsSolutions findings that are intended; each names one rule on one resource, with the reason. */
  private acknowledgeNagFindings(anyParameterKey: boolean): void {
    const queue = this.deadLetterQueue.node.defaultChild as sqs.CfnQueue;
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the check function (Lambda onFailure); a DLQ of a DLQ adds nothing.',
    });
    if (anyParameterKey) {
      const policy = this.function.role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
      if (policy === undefined) throw new Error('the function role has no default policy'); // unreachable: permissions were just added
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]`,
        reason:
          'kms:Decrypt of the SecureString API keys under the AWS managed aws/ssm key, whose key id is not known at synth time; ' +
          'restricted to calls through SSM (kms:ViaService) for exactly the configured parameters (kms:EncryptionContext:PARAMETER_ARN). ' +
          'Set parameterKmsKeyArn to name a customer managed key instead.',
      });
    }
  }
}

/** Writes the budgets config as JSON where the bundling hook can copy it from; named by content so synths reuse it. */
function writeBudgetsJson(scope: Construct, budgets: BudgetsConfig): string {
  const json = `${JSON.stringify(budgets, null, 2)}\n`;
  const outdir = Stage.of(scope)?.outdir ?? resolve('cdk.out');
  const file = join(outdir, 'budget-alerts-config', `budgets-${hash(json)}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, json);
  return file;
}

/** A copy command that works in any shell the bundler uses (sh or cmd): node itself does the copy. */
function copyCommand(from: string, to: string): string {
  return `node -e "require('fs').copyFileSync(process.argv[1], process.argv[2])" ${JSON.stringify(from)} ${JSON.stringify(to)}`;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** A construct id for a schedule expression: readable, free of '/', and unique even for near-identical expressions. */
function slug(expression: string): string {
  return `${expression.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${hash(expression).slice(0, 6)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
