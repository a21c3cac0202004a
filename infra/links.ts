import { join } from 'node:path';
import {
  CfnOutput,
  Duration,
  type RemovalPolicy,
  Validations,
  aws_cloudwatch as cloudwatch,
  type aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTION_ENV, SERVICE_NAME } from '../lib/deployment.js';
import { LINK_ENV, SILENCES_PARTITION } from '../lib/links/deployment.js';
import { addAlarm } from './alarms.js';
import { bundledWithEsbuild, FUNCTION_RUNTIME } from './check-function.js';
import type { AlertTopic } from './topics.js';

// Snooze links: a small function behind a Function URL that turns a signed link from an alert into a
// silence, the signing secret it shares with the check function, and the alarm on its server errors.
// The token is the authority (the URL takes no AWS auth); the function may read the secret and the
// silences partition of the state table, and nothing else.

/** Item actions of the store's silence operations (listSilences, addSilence, removeSilence). */
const SILENCE_ACTIONS = ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** Page answers take milliseconds; a DynamoDB or Secrets Manager call that hangs is cut off well before a person gives up. */
const TIMEOUT = Duration.seconds(10);
const MEMORY_MB = 256;
const PERIOD = Duration.minutes(5);
/** Length of the generated secret: letters and digits only, about 380 bits. */
const SECRET_LENGTH = 64;

export interface SnoozeLinksProps {
  readonly projectRoot: string;
  readonly depsLockFilePath: string;
  readonly table: dynamodb.Table;
  /** Where the 5xx alarm goes (every topic, like the other failure alarms). */
  readonly topics: readonly AlertTopic[];
  /** `false` reserves none. */
  readonly reservedConcurrency: number | false;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/** The link function and what belongs to it. */
export interface SnoozeLinks {
  readonly function: nodejs.NodejsFunction;
  readonly url: lambda.FunctionUrl;
  /** The HMAC signing secret, generated at deploy; it never leaves Secrets Manager but for the two functions. */
  readonly secret: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;
  readonly alarm: cloudwatch.Alarm;
}

/** Creates the signing secret, the link function with its Function URL, role and log group, its alarm and an output of the URL. */
export function addSnoozeLinks(scope: Construct, props: SnoozeLinksProps): SnoozeLinks {
  const secret = new secretsmanager.Secret(scope, 'SnoozeLinkSecret', {
    description: 'budget-alerts: HMAC-SHA256 key that signs the snooze links in alerts',
    generateSecretString: { passwordLength: SECRET_LENGTH, excludePunctuation: true, includeSpace: false },
    removalPolicy: props.removalPolicy,
  });
  Validations.of(secret.node.defaultChild as secretsmanager.CfnSecret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The snooze-link signing key is generated in AWS and read only by the two budget-alerts functions; it is rotated by ' +
      'hand (put-secret-value with a new random value), at most once a week: the link function accepts the key before the ' +
      'last rotation too (AWSPREVIOUS) and reads the keys again when a link signed by neither comes, so links already sent ' +
      '(valid for 7 days) keep working. Scheduled rotation would need a rotation function for a key that never leaves AWS.',
  });

  const logGroup = new logs.LogGroup(scope, 'SnoozeLinkLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
  const role = new iam.Role(scope, 'SnoozeLinkRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'budget-alerts snooze-link function',
  });
  logGroup.grantWrite(role);
  const fn = new nodejs.NodejsFunction(scope, 'SnoozeLinkFunction', {
    description: 'Snooze links: shows what a signed link from an alert would silence, and silences it when confirmed',
    entry: join(props.projectRoot, 'functions/snooze-link.ts'),
    handler: 'handler',
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    timeout: TIMEOUT,
    memorySize: MEMORY_MB,
    // A throttle: a burst (a mail scanner opening every link at once) queues at the URL instead of scaling out.
    ...(props.reservedConcurrency !== false && { reservedConcurrentExecutions: props.reservedConcurrency }),
    role,
    logGroup,
    environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, NODE_OPTIONS: '--enable-source-maps' },
    ...bundledWithEsbuild(props),
  });
  attachSilences(fn, props.table);
  attachLinkSecret(fn, secret);
  const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

  const alarm = addAlarm(scope, 'SnoozeLinkServerErrors', props.topics, {
    alarmDescription: 'budget-alerts: the snooze-link page answered with a server error (5xx; see its logs); snooze links may not work',
    metric: fn.metric('Url5xxCount', { period: PERIOD, statistic: cloudwatch.Stats.SUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  new CfnOutput(scope, 'SnoozeLinkUrl', { description: 'The snooze-link page (alerts link here with a signed token)', value: url.url });
  return { function: fn, url, secret, logGroup, alarm };
}

/** Gives the check function the links: the URL in SNOOZE_LINK_URL and the secret it signs them with. */
export function attachSnoozeLinks(fn: lambda.Function, links: SnoozeLinks): void {
  fn.addEnvironment(LINK_ENV.url, links.url.url);
  attachLinkSecret(fn, links.secret);
}

/** The signing secret: its ARN in SNOOZE_LINK_SECRET_ARN and the right to read its value (nothing else of it). */
function attachLinkSecret(fn: lambda.Function, secret: secretsmanager.Secret): void {
  fn.addEnvironment(LINK_ENV.secretArn, secret.secretArn);
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadSnoozeLinkSecret', actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
}

/** The state table for silences only: its name in STATE_TABLE_NAME and item actions on the silences partition. */
function attachSilences(fn: lambda.Function, table: dynamodb.Table): void {
  fn.addEnvironment(FUNCTION_ENV.stateTable, table.tableName);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'SilencesOnly',
      actions: SILENCE_ACTIONS,
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SILENCES_PARTITION] } },
    }),
  );
}
