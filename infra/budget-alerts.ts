import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Duration,
  RemovalPolicy,
  type aws_cloudwatch as cloudwatch,
  type aws_dynamodb as dynamodb,
  type aws_events as events,
  type aws_scheduler as scheduler,
  type aws_kms as kms,
  type aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BudgetsConfig } from '../lib/config.js';
import { scheduleIntervalMs } from '../lib/schedule.js';
import { addAlarms } from './alarms.js';
import { attachApiKeys } from './api-keys.js';
import { addCheckFunction } from './check-function.js';
import { addDashboard, dashboardUrl } from './dashboard.js';
import { attachPerAccountMetrics } from './metrics.js';
import { addSnoozeLinks, attachSnoozeLinks, type SnoozeLinks } from './links.js';
import { addDigestSchedules, addSchedules } from './schedules.js';
import { addStateTable, attachStateTable } from './state-table.js';
import { addAlertTopics, attachAlertTopics, type AlertTopic } from './topics.js';

// The construct composes one part per concern (topics.ts, state-table.ts, check-function.ts, api-keys.ts,
// schedules.ts, alarms.ts, dashboard.ts). The parts create their resources directly in this construct, so
// construct paths, and with them the logical ids of deployed resources, do not depend on how the code is split.

// What this module exported before the split, for its importers.
export type { AlertTopic } from './topics.js';
export { FUNCTION_RUNTIME } from './check-function.js';
export { METRICS_NAMESPACE, SERVICE_NAME } from '../lib/deployment.js';

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
  /**
   * Hours without a single successfully checked account before the heartbeat alarm fires (it also
   * fires when the function does not run at all). Each schedule group has its own "not running" alarm
   * besides (no run in two of its periods).
   * @default 6, or two of the longest schedule's periods if that is longer
   */
  readonly heartbeatHours?: number;
  /**
   * Snooze links in the email and Chatbot card of every firing alert: a function behind a public Function URL (the
   * signed token in each link is the authority), a signing secret generated in Secrets Manager, an alarm on 5xx.
   * @default true
   */
  readonly snoozeLinks?: boolean;
  /**
   * Reserved concurrency of the snooze-link function: a throttle on how many pages it serves at once.
   * @default 5, or `false` (none) when `reservedConcurrency` is `false` (the account cannot spare a reservation)
   */
  readonly snoozeLinkConcurrency?: number | false;
  /**
   * Also publish every account's figures (available, used, budget, forecast, runway) as CloudWatch custom metrics
   * with an `account` dimension, and draw them with metric widgets (one graph per account) instead of the Logs
   * Insights query widgets. That is up to 5 custom metrics per account, each billed monthly ($0.30 in us-east-1: up to $150 a
   * month for 100 accounts); without it the figures are fields of one log line per account and run.
   * @default false
   */
  readonly perAccountMetrics?: boolean;
}

/** Snooze-link pages served at once, at most (reserved concurrency of the link function). */
const SNOOZE_LINK_CONCURRENCY = 5;

/** The props with every default filled in (the `@default`s above, in one place). */
type ResolvedProps = Required<Omit<BudgetAlertsProps, 'parameterKmsKeyArn' | 'dashboardName'>> &
  Pick<BudgetAlertsProps, 'parameterKmsKeyArn' | 'dashboardName'>;

function withDefaults(props: BudgetAlertsProps): ResolvedProps {
  const projectRoot = props.projectRoot ?? PACKAGE_ROOT;
  return {
    ...props,
    projectRoot,
    entry: props.entry ?? join(projectRoot, 'functions/check-budgets.ts'),
    depsLockFilePath: props.depsLockFilePath ?? join(projectRoot, 'package-lock.json'),
    timeout: props.timeout ?? Duration.minutes(5),
    memorySize: props.memorySize ?? 512,
    reservedConcurrency: props.reservedConcurrency ?? 1,
    ssmCacheTtl: props.ssmCacheTtl ?? Duration.minutes(15),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    heartbeatHours: props.heartbeatHours ?? defaultHeartbeatHours(props.budgets),
    snoozeLinks: props.snoozeLinks ?? true,
    snoozeLinkConcurrency: props.snoozeLinkConcurrency ?? (props.reservedConcurrency === false ? false : SNOOZE_LINK_CONCURRENCY),
    perAccountMetrics: props.perAccountMetrics ?? false,
  };
}

/** Six hours, or two of the longest schedule's periods if that is longer (an account checked daily is not late after six hours). */
function defaultHeartbeatHours(budgets: BudgetsConfig): number {
  const longest = Math.max(...budgets.accounts.map((a) => scheduleIntervalMs(a.schedule)));
  return Math.max(6, Math.ceil((2 * longest) / 3_600_000));
}

/**
 * Budget alerting for prepaid API credits: the scheduled check function, its alert topics and subscriptions,
 * the alert-state table, failure alarms and a dashboard.
 */
export class BudgetAlerts extends Construct {
  /** The check function (invoke it on demand with `{}` or `{"accounts": ["id"], "dryRun": true}`). */
  readonly function: nodejs.NodejsFunction;
  /** The shared alert topic (filtered subscriptions per notify entry), one topic per Slack entry, the alarm topic. */
  readonly topics: readonly AlertTopic[];
  /** The customer managed key encrypting the topics. */
  readonly topicKey: kms.Key;
  /** Alert lifecycle state. */
  readonly table: dynamodb.Table;
  /** Failed asynchronous invocations (after the retries). */
  readonly deadLetterQueue: sqs.Queue;
  /** One rule per distinct `schedule`. */
  readonly schedules: readonly events.Rule[];
  /** One per notify entry that asks for a digest (EventBridge Scheduler, in the entry's time zone). */
  readonly digestSchedules: readonly scheduler.CfnSchedule[];
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;
  /** Console URL of the dashboard. */
  readonly dashboardUrl: string;
  /** The snooze-link function, its URL and signing secret (undefined when `snoozeLinks` is false). */
  readonly snoozeLinks?: SnoozeLinks;

  constructor(scope: Construct, id: string, props: BudgetAlertsProps) {
    super(scope, id);
    const resolved = withDefaults(props);
    const { budgets, removalPolicy } = resolved;

    const alertTopics = addAlertTopics(this, { notify: budgets.notify ?? [], removalPolicy });
    this.table = addStateTable(this, { removalPolicy });
    const check = addCheckFunction(this, resolved);
    // What the function reaches at run time: each part sets the variable that names it and grants the access
    // (in the order of the role policy's statements).
    attachApiKeys(check.function, {
      accounts: budgets.accounts,
      cacheTtl: resolved.ssmCacheTtl,
      parameterKmsKeyArn: resolved.parameterKmsKeyArn,
    });
    attachAlertTopics(check.function, alertTopics);
    attachStateTable(check.function, this.table);
    attachPerAccountMetrics(check.function, resolved.perAccountMetrics);
    if (resolved.snoozeLinks) {
      const links = addSnoozeLinks(this, { ...resolved, table: this.table, topics: alertTopics.alarmTopics, reservedConcurrency: resolved.snoozeLinkConcurrency });
      attachSnoozeLinks(check.function, links);
      this.snoozeLinks = links;
    }

    this.schedules = addSchedules(this, budgets, check.function);
    this.digestSchedules = addDigestSchedules(this, budgets, check.function);
    const schedules = [...new Set(budgets.accounts.map((a) => a.schedule))];
    this.alarms = addAlarms(this, { check, topics: alertTopics.alarmTopics, schedules, heartbeatHours: resolved.heartbeatHours });
    this.dashboard = addDashboard(this, { budgets, check, dashboardName: resolved.dashboardName, perAccountMetrics: resolved.perAccountMetrics });

    this.topicKey = alertTopics.topicKey;
    this.topics = alertTopics.topics;
    this.function = check.function;
    this.deadLetterQueue = check.deadLetterQueue;
    this.dashboardUrl = dashboardUrl(this.dashboard);
  }
}
