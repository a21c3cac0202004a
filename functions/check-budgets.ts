import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { validateBudgets } from '../lib/config-schema.js';
import { FUNCTION_ENV } from '../lib/deployment.js';
import { createCheckHandler } from './check-handler.js';
import { loadLinkSigner } from './snooze-link-signer.js';

// Lambda entry point: wiring only. Everything here runs once per container (cold start).

const environment = z
  .object({
    STATE_TABLE_NAME: z.string().min(1),
    ALERT_TARGETS: z.string().min(1),
    SSM_CACHE_TTL_SECONDS: z.coerce.number().int().nonnegative().default(900),
    BUDGETS_FILE: z.string().min(1).optional(),
  })
  .parse(process.env);

const routes = z
  .array(z.strictObject({ target: z.string().min(1), arn: z.string().startsWith('arn:') }))
  .parse(JSON.parse(environment.ALERT_TARGETS));

// The budgets file is bundled beside this module at synth time, and validated again here.
const budgetsPath = environment.BUDGETS_FILE ?? new URL('./budgets.json', import.meta.url);
const config = validateBudgets(JSON.parse(readFileSync(budgetsPath, 'utf8')), 'budgets.json');

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
