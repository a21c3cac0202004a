import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import ssm from '@middy/ssm';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { checkAccounts } from '../lib/check.js';
import type { AccountReport, Report } from '../lib/report.js';
import type { AccountConfig, BudgetsConfig } from '../lib/config-schema.js';
import { DEFAULT_SCHEDULE } from '../lib/schedule.js';
import { offsetDateTime, WITH_ISSUE_TEXT } from '../lib/issue-text.js';
import { formatPath } from '../lib/format-path.js';
import { createSnsPublisher, type AlertLinks, type SnsRoute } from '../lib/delivery/sns-publisher.js';
import { targetsOf } from '../lib/delivery/targets.js';
import type { DeliveryTarget } from '../lib/alerts/routing.js';
import type { Digest } from '../lib/digest/build.js';
import { isDigestEvent, runDigestCommand, type DigestResult } from './digest-command.js';
import { KeyUnavailableError } from '../lib/errors.js';
import { createHttpClient, type HttpClient } from '../lib/providers/http.js';
import { createDynamoDbStore } from '../lib/state/dynamodb-store.js';
import { keyFromEnv } from '../lib/keys.js';
import { ACCOUNT_LOG, METRIC_NAMES, SCHEDULE_DIMENSION } from '../lib/deployment.js';
import { isSilenceEvent, runSilenceCommand, type SilenceResult } from './silence-commands.js';

/** Time kept back from the Lambda timeout for planning, delivering and saving after the fetches. */
const RUN_MARGIN_MS = 30_000;

/** What one container needs; created once per container by `check-budgets.ts`, by tests directly. */
export interface HandlerDeps {
  readonly config: BudgetsConfig;
  readonly tableName: string;
  /** The topic of each delivery target (`ALERT_TARGETS`, set by the construct): one per notify entry. */
  readonly routes: readonly SnsRoute[];
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** How long SSM keys are cached across warm invocations. @default 900 */
  readonly ssmCacheSeconds?: number;
  /** @middy/ssm's cache is per process; handlers sharing a process (tests) need their own. @default 'budget-alerts-keys' */
  readonly ssmCacheKey?: string;
  /** Keys for `{env}` accounts (unusual on Lambda, but the budgets file allows them). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: () => Date;
  readonly http?: HttpClient;
  /** Snooze links for the messages of firing alerts (see lib/links/). @default none */
  readonly links?: AlertLinks;
  /**
   * Also publish each account's figures as custom metrics (dimensions account and provider; 5 metrics an account,
   * billed monthly each). Without, they are only in the `account checked` log line, which the dashboard queries.
   * @default false
   */
  readonly perAccountMetrics?: boolean;
}

/** An on-demand invocation (e.g. `aws lambda invoke`). */
const onDemandEvent = z.strictObject({
  accounts: z.optional(z.array(z.string()).check(z.minLength(1))),
  dryRun: z.optional(z.boolean()),
  now: z.optional(offsetDateTime()),
});
/** The input of one of our EventBridge schedule rules: the group of accounts sharing this schedule. */
const scheduleEvent = z.strictObject({ schedule: z.string().check(z.minLength(1)) });
/** A plain EventBridge scheduled event (a rule without custom input): every account. */
const eventBridgeEvent = z.looseObject({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') });

/** What an invocation returns: the report, or why the request was refused. */
export type HandlerResult = Report | SilenceResult | DigestResult | { readonly error: { readonly code: 'invalid-request'; readonly message: string } };

interface Selection {
  readonly accounts: readonly AccountConfig[];
  readonly dryRun: boolean;
  readonly now?: Date;
  /** The schedule group a rule started this run for. */
  readonly schedule?: string;
}

/** Builds the Lambda handler: a middy chain (logger, metrics, SSM keys) around one `checkAccounts` call. */
export function createCheckHandler(deps: HandlerDeps) {
  const { config, logger, metrics } = deps;
  const clock = deps.clock ?? (() => new Date());
  const http = deps.http ?? createHttpClient({});
  const publisher = createSnsPublisher({ client: deps.sns, routes: deps.routes, ...(deps.links !== undefined && { links: deps.links }) });
  // Routing is decided here, once per alert: every notify entry is a target with a topic of its own or a filtered subscription.
  const targets = targetsOf(config.notify ?? []);
  const unrouted = targets.filter((t) => !deps.routes.some((r) => r.target === t.id));
  if (unrouted.length > 0) throw new Error(`no SNS topic for the delivery target(s) ${unrouted.map((t) => t.id).join(', ')}: deploy the stack again`);

  // One SSM name per internal key; accounts sharing a parameter share its fetch.
  const ssmNames = [...new Set(config.accounts.flatMap((a) => ('ssm' in a.apiKey ? [a.apiKey.ssm] : [])))];
  const internalKey = (name: string) => `key${ssmNames.indexOf(name)}`;
  const fetchData = Object.fromEntries(ssmNames.map((name) => [internalKey(name), name]));

  const main = async (_event: unknown, context: HandlerContext): Promise<HandlerResult> => {
    const selection = context.selection ?? select({}, config);
    if ('error' in selection) return selection;
    const now = selection.now ?? clock();
    const keys = context.keys ?? {};
    const result = await checkAccounts(
      {
        http,
        // The store judges expiry by the check's instant, so a replay (`now` in the event) sees what that instant saw.
        store: createDynamoDbStore({ client: deps.dynamodb, tableName: deps.tableName, now: () => now }),
        publisher,
        dryRun: selection.dryRun,
        resolveKey: (account) => resolveKey(account, keys, internalKey, deps.env ?? {}),
        targets,
        // Fetches stop a margin before the Lambda timeout, so that the report is still saved and returned.
        signal: AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - RUN_MARGIN_MS)),
        onDeliveryError: (alert, target, stage, error) =>
          logger.error('alert delivery step failed; it will be retried', { alert: alert.key, target, stage, error: (error as Error).message }),
      },
      { accounts: selection.accounts },
      now,
    );
    record(result.report, result.sent.length, result.unsent.length, deps, selection.schedule);
    return result.report;
  };

  const handler = middy<unknown, HandlerResult, Error, HandlerContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(silenceCommands(deps, clock))
    .use(digestCommands(deps, clock, targets, publisher.publishDigest))
    .use(parseEvent(config, logger))
    .handler(main);
  if (ssmNames.length > 0) {
    handler
      .use(
        ssm({
          fetchData,
          cacheKey: deps.ssmCacheKey ?? 'budget-alerts-keys',
          cacheExpiry: (deps.ssmCacheSeconds ?? 900) * 1000,
          // Fetch on first use, not at import, so a missing parameter fails only its account.
          disablePrefetch: true,
        }),
      )
      .use(exposeKeys(Object.keys(fetchData)));
  }
  return handler;
}

type KeyPromises = Readonly<Record<string, Promise<unknown> | unknown>>;
type HandlerContext = Context & { keys?: KeyPromises; selection?: Selection };

/** Answers the silence events (`{"silence": …}`, `{"silences": "list"}`, `{"unsilence": ID}`) before any key is fetched. */
function silenceCommands(deps: HandlerDeps, clock: () => Date): middy.MiddlewareObj<unknown, HandlerResult, Error, HandlerContext> {
  return {
    before: async (request) => {
      if (!isSilenceEvent(request.event)) return undefined;
      const now = clock();
      const result = await runSilenceCommand(request.event, createDynamoDbStore({ client: deps.dynamodb, tableName: deps.tableName, now: () => now }), now);
      if ('error' in result) deps.logger.warn('invalid silence request', { reason: result.error.message });
      else deps.logger.info('silence command', { result });
      return result;
    },
  };
}

/** Answers a digest schedule's event (`{"digest": <notify entry>}`) from stored state, before any key is fetched. */
function digestCommands(
  deps: HandlerDeps,
  clock: () => Date,
  targets: readonly DeliveryTarget[],
  publish: (digest: Digest, label: string, target: DeliveryTarget) => Promise<void>,
): middy.MiddlewareObj<unknown, HandlerResult, Error, HandlerContext> {
  return {
    before: async (request) => {
      if (!isDigestEvent(request.event)) return undefined;
      const store = (now: Date) => createDynamoDbStore({ client: deps.dynamodb, tableName: deps.tableName, now: () => now });
      return runDigestCommand(request.event, { config: deps.config, store, targets, publish, now: clock(), logger: deps.logger });
    },
  };
}

/** Validates the event before anything is fetched; an invalid one is answered at once, naming the field. */
function parseEvent(config: BudgetsConfig, logger: Logger): middy.MiddlewareObj<unknown, HandlerResult, Error, HandlerContext> {
  return {
    before: (request) => {
      const selection = select(request.event, config);
      if ('error' in selection) {
        logger.warn('invalid request', { reason: selection.error.message });
        return selection;
      }
      request.context.selection = selection;
      return undefined;
    },
  };
}

/** Hands @middy/ssm's per-key promises to the handler, so one missing parameter fails one account only. */
function exposeKeys(internalKeys: readonly string[]): middy.MiddlewareObj<unknown, HandlerResult, Error, HandlerContext> {
  return {
    before: (request) => {
      const internal = request.internal as Record<string, unknown>;
      const keys: Record<string, unknown> = {};
      for (const key of internalKeys) {
        const value = internal[key];
        // Observe rejections now; each account awaits (and reports) its own key later.
        if (value instanceof Promise) value.catch(() => undefined);
        keys[key] = value;
      }
      request.context.keys = keys;
    },
  };
}

async function resolveKey(
  account: AccountConfig,
  keys: KeyPromises,
  internalKey: (name: string) => string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  if ('env' in account.apiKey) return keyFromEnv(account, account.apiKey.env, env);
  const name = account.apiKey.ssm;
  let value: unknown;
  try {
    value = await keys[internalKey(name)];
  } catch (error) {
    // middy names the parameter (InvalidParameter /name) or the SDK error; neither holds a value.
    throw new KeyUnavailableError(`SSM parameter ${name} could not be read: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value === 'number') return String(value); // middy parses JSON-looking values
  if (typeof value !== 'string' || value.trim() === '') {
    throw new KeyUnavailableError(`SSM parameter ${name} does not exist or is empty; put the key there first`);
  }
  return value.trim();
}

function select(event: unknown, config: BudgetsConfig): Selection | { error: { code: 'invalid-request'; message: string } } {
  if (eventBridgeEvent.safeParse(event).success) return { accounts: config.accounts, dryRun: false };
  const schedule = scheduleEvent.safeParse(event);
  if (schedule.success) {
    return {
      accounts: config.accounts.filter((a) => (a.schedule ?? DEFAULT_SCHEDULE) === schedule.data.schedule),
      dryRun: false,
      schedule: schedule.data.schedule,
    };
  }
  const parsed = onDemandEvent.safeParse(event ?? {}, WITH_ISSUE_TEXT);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => `${formatPath(issue.path) || '(event)'}: ${issue.message}${issue.code === 'unrecognized_keys' ? ' (expected accounts, dryRun, now, or schedule)' : ''}`)
      .join('; ');
    return { error: { code: 'invalid-request', message } };
  }
  const { accounts: ids, dryRun = false, now } = parsed.data;
  if (ids !== undefined) {
    const unknown = ids.filter((id) => !config.accounts.some((a) => a.id === id));
    if (unknown.length > 0) {
      return { error: { code: 'invalid-request', message: `accounts: no account with id ${unknown.map((id) => `"${id}"`).join(', ')}` } };
    }
  }
  return {
    accounts: ids === undefined ? config.accounts : config.accounts.filter((a) => ids.includes(a.id)),
    dryRun,
    ...(now !== undefined && { now: new Date(now) }),
  };
}

/**
 * Emits the run's figures: one `account checked` log line per account (what the dashboard queries), the run's own
 * metrics (what the alarms watch), per-account metrics only when asked for, and one summary line. Never keys or
 * vendor bodies.
 */
function record(report: Report, sent: number, unsent: number, deps: HandlerDeps, schedule?: string): void {
  const { metrics, logger } = deps;
  for (const account of report.accounts) {
    if (account.status === 'error') {
      logger.warn('account check failed', { account: account.id, provider: account.provider, code: account.error?.code, reason: account.error?.message });
      continue;
    }
    logger.info(ACCOUNT_LOG.message, accountLogFields(account));
    if (deps.perAccountMetrics === true) publishAccountMetrics(metrics, account);
  }
  const failed = report.accounts.filter((a) => a.status === 'error').length;
  metrics.addMetric(METRIC_NAMES.checksFailed, MetricUnit.Count, failed);
  metrics.addMetric(METRIC_NAMES.alertsSent, MetricUnit.Count, sent);
  metrics.addMetric(METRIC_NAMES.alertsFailed, MetricUnit.Count, unsent);
  // The heartbeat: the construct alarms when no account was checked successfully for hours.
  metrics.addMetric(METRIC_NAMES.accountsChecked, MetricUnit.Count, report.accounts.length - failed);
  if (schedule !== undefined) {
    // Per schedule group, so that a rule that stops firing alarms on its own.
    const run = metrics.singleMetric();
    run.addDimension(SCHEDULE_DIMENSION, schedule);
    run.addMetric(METRIC_NAMES.scheduledRuns, MetricUnit.Count, 1);
  }
  // Per alert, the targets it reached and those it did not: the run's notification log in one line.
  logger.info('check finished', { accounts: report.accounts.length, failed, alertsSent: sent, alertsFailed: unsent, delivery: report.delivery ?? [] });
}

/** The figures of one checked account as flat log fields (ACCOUNT_LOG.fields), absent ones left out. */
function accountLogFields(account: AccountReport): Record<string, unknown> {
  const f = ACCOUNT_LOG.fields;
  const fields: Record<string, unknown> = { [f.account]: account.id, [f.provider]: account.provider };
  const put = (name: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) fields[name] = value;
  };
  put(f.available, account.balance?.available);
  put(f.used, account.consumption?.used);
  put(f.budget, account.consumption?.budget);
  put(f.forecast, account.consumption?.forecast);
  put(f.runwayDays, account.runwayDays);
  if (account.balance?.currency !== undefined) fields.currency = account.balance.currency;
  if (account.consumption !== undefined) fields.period = account.consumption.period;
  if (account.money !== undefined) fields[f.money] = account.money;
  return fields;
}

/** The opt-in per-account custom metrics: one EMF document per account (publishing clears its dimensions for the next). */
function publishAccountMetrics(metrics: Metrics, account: AccountReport): void {
  metrics.addDimensions({ account: account.id, provider: account.provider });
  // Credits and days have no CloudWatch unit of their own: Count keeps them plain numbers.
  const add = (name: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) metrics.addMetric(name, MetricUnit.Count, value);
  };
  add(METRIC_NAMES.availableCredits, account.balance?.available);
  add(METRIC_NAMES.usedCredits, account.consumption?.used);
  add(METRIC_NAMES.budgetCredits, account.consumption?.budget);
  add(METRIC_NAMES.forecastCredits, account.consumption?.forecast);
  add(METRIC_NAMES.runwayDays, account.runwayDays);
  metrics.publishStoredMetrics();
}
