import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  Duration,
  type RemovalPolicy,
  Stage,
  Validations,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_destinations as destinations,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BudgetsConfig } from '../lib/config.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lib/deployment.js';
import { hash } from './naming.js';

// The check function with what it cannot run without: its own role and log group, retries and a
// dead-letter queue, and the budgets file bundled beside it. What it reaches at run time (table, topics,
// API keys) is attached by the part that owns it, together with the environment variable that names it.

/** The Node.js runtime the function runs on (the newest aws-cdk-lib offers); esbuild targets the same. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';
/** Lambda retries a failed asynchronous (scheduled) invocation this often before it goes to the dead-letter queue. */
const RETRY_ATTEMPTS = 2;
/** SQS's longest retention: time to notice the alarm and replay the event. */
const DEAD_LETTER_RETENTION = Duration.days(14);

export interface CheckFunctionProps {
  /** Bundled as `budgets.json` beside the handler. */
  readonly budgets: BudgetsConfig;
  readonly projectRoot: string;
  readonly entry: string;
  readonly depsLockFilePath: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** `false` reserves none. */
  readonly reservedConcurrency: number | false;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/** The check function and the resources only it uses. */
export interface CheckFunction {
  readonly function: nodejs.NodejsFunction;
  /** Failed asynchronous invocations (after the retries). */
  readonly deadLetterQueue: sqs.Queue;
  readonly logGroup: logs.LogGroup;
}

/** Creates the check function, its role, log group and dead-letter queue. */
export function addCheckFunction(scope: Construct, props: CheckFunctionProps): CheckFunction {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  Validations.of(deadLetterQueue.node.defaultChild as sqs.CfnQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter destination of the check function (Lambda onFailure); a DLQ of a DLQ adds nothing.',
  });
  const logGroup = new logs.LogGroup(scope, 'FunctionLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
  // An own role instead of AWSLambdaBasicExecutionRole: logs only to its own log group.
  const role = new iam.Role(scope, 'FunctionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'budget-alerts check function',
  });
  logGroup.grantWrite(role);

  const budgetsFile = writeBudgetsJson(scope, props.budgets);
  const fn = new nodejs.NodejsFunction(scope, 'CheckFunction', {
    description: 'Checks prepaid API-credit balances and budgets and publishes the alerts that are due',
    entry: props.entry,
    handler: 'handler',
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    timeout: props.timeout,
    memorySize: props.memorySize,
    ...(props.reservedConcurrency !== false && { reservedConcurrentExecutions: props.reservedConcurrency }),
    role,
    logGroup,
    retryAttempts: RETRY_ATTEMPTS,
    onFailure: new destinations.SqsDestination(deadLetterQueue),
    environment: {
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    },
    ...bundledWithEsbuild(props, { 'budgets.json': budgetsFile }),
  });
  return { function: fn, deadLetterQueue, logGroup };
}

/**
 * How this package's functions are built: ESM for the function's runtime, minified with source maps, by the local
 * esbuild (no Docker); `files` are copied into the bundle (name in the bundle → file on disk).
 */
export function bundledWithEsbuild(
  where: Pick<CheckFunctionProps, 'projectRoot' | 'depsLockFilePath'>,
  files: Readonly<Record<string, string>> = {},
): Pick<nodejs.NodejsFunctionProps, 'projectRoot' | 'depsLockFilePath' | 'bundling'> {
  return {
    projectRoot: where.projectRoot,
    depsLockFilePath: where.depsLockFilePath,
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
        afterBundling: (_inputDir: string, outputDir: string) =>
          Object.entries(files).map(([name, from]) => copyCommand(from, join(outputDir, name))),
      },
    },
  };
}

/**
 * Writes the budgets config as JSON where the bundling hook can copy it from; named by content so synths reuse it,
 * and written under a temporary name first so a synth running beside this one never copies half a file.
 */
function writeBudgetsJson(scope: Construct, budgets: BudgetsConfig): string {
  const json = `${JSON.stringify(budgets, null, 2)}\n`;
  const outdir = Stage.of(scope)?.outdir ?? resolve('cdk.out');
  const file = join(outdir, 'budget-alerts-config', `budgets-${hash(json)}.json`);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, json);
  renameSync(partial, file);
  return file;
}

/** A copy command that works in any shell the bundler uses (sh or cmd): node itself does the copy. */
function copyCommand(from: string, to: string): string {
  return `node -e "require('fs').copyFileSync(process.argv[1], process.argv[2])" ${JSON.stringify(from)} ${JSON.stringify(to)}`;
}
