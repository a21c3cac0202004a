import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { parseBundledBudgets } from '../lib/bundled-budgets.js';
import { FUNCTION_ENV } from '../lib/deployment.js';
import { WITH_ISSUE_TEXT } from '../lib/issue-text.js';
import { fs } from '../lib/node-builtins.js';
import { createCheckHandler } from './check-handler.js';
import { loadLinkSigner } from './snooze-link-signer.js';

// Lambda entry point: wiring only. Everything here runs once per container (cold start).

const environment = z
  .object({
    STATE_TABLE_NAME: z.string().check(z.minLength(1)),
    ALERT_TARGETS: z.string().check(z.minLength(1)),
    SSM_CACHE_TTL_SECONDS: z._default(z.coerce.number().check(z.nonnegative(), z.multipleOf(1)), 900),
    BUDGETS_FILE: z.optional(z.string().check(z.minLength(1))),
  })
  .parse(process.env, WITH_ISSUE_TEXT);

const routes = z
  .array(z.strictObject({ target: z.string().check(z.minLength(1)), arn: z.string().check(z.startsWith('arn:')) }))
  .parse(JSON.parse(environment.ALERT_TARGETS), WITH_ISSUE_TEXT);

// The budgets file is validated at synth time and bundled beside this module; here only its shape is checked.
const budgetsPath = environment.BUDGETS_FILE ?? new URL('./budgets.json', import.meta.url);
const config = parseBundledBudgets(fs.readFileSync(budgetsPath, 'utf8'), 'budgets.json');

const logger = new Logger({ serviceName: 'budget-alerts' });
// Snooze links in the messages of firing alerts, when the construct set the link URL and secret ARN.
const links = await loadLinkSigner(process.env, logger);

export const handler = createCheckHandler({
  config,
  tableName: environment.STATE_TABLE_NAME,
  routes,
  sns: new SNSClient({}),
  dynamodb: new DynamoDBClient({}),
  logger,
  metrics: new Metrics({ namespace: 'BudgetAlerts', serviceName: 'budget-alerts' }),
  ssmCacheSeconds: environment.SSM_CACHE_TTL_SECONDS,
  env: process.env,
  // Set by the construct's `perAccountMetrics`; without it, per-account figures are log fields only.
  perAccountMetrics: process.env[FUNCTION_ENV.perAccountMetrics] === 'true',
  ...(links !== undefined && { links }),
});
