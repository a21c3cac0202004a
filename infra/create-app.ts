import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadBudgets, type BudgetsConfig } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { BudgetAlertsStack } from './budget-alerts-stack.js';

/** The budgets file used when cdk.json and `-c budgetsFile=…` name none. */
export const DEFAULT_BUDGETS_FILE = 'budgets.yaml';
/** The stack name when context `stackName` sets none. */
export const DEFAULT_STACK_NAME = 'BudgetAlerts';

export interface CreateAppOptions {
  /** Passed to `new App` (context, outdir); the CLI supplies cdk.json's context through the environment. */
  readonly appProps?: AppProps;
  /** Run cdk-nag AwsSolutionsChecks at synth (a finding fails synth). @default true */
  readonly nag?: boolean;
}

/** Builds the CDK app from the budgets file named by context `budgetsFile`; a bad file throws naming the field path. */
export async function createApp(options: CreateAppOptions = {}): Promise<{ app: App; stack: BudgetAlertsStack; budgetsFile: string }> {
  const app = new App(options.appProps);
  const budgetsFile = String(app.node.tryGetContext('budgetsFile') ?? DEFAULT_BUDGETS_FILE);
  const stackName = String(app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME);
  const reservedConcurrency = readReservedConcurrency(app.node.tryGetContext('reservedConcurrency'));
  const budgets = await readBudgets(budgetsFile);
  // Env-agnostic on purpose: synth needs no credentials and no lookups; deploy takes account and region from the profile.
  const stack = new BudgetAlertsStack(app, stackName, { budgets, ...(reservedConcurrency !== undefined && { reservedConcurrency }) });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks());
  return { app, stack, budgetsFile };
}

/**
 * Reads context `reservedConcurrency` (a string from `-c`, a number or boolean from cdk.json): a whole number ≥ 0, or
 * `false` for accounts whose Lambda concurrency quota cannot spare a reservation. Anything else fails synth.
 */
export function readReservedConcurrency(value: unknown): number | false | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (text === 'false') return false;
  if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  const issue = { file: 'context', path: 'reservedConcurrency', message: 'must be a whole number ≥ 0, or false to reserve none' };
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new Error(`invalid context reservedConcurrency=${shown}: ${issue.message} (e.g. -c reservedConcurrency=1)`, {
    cause: new ConfigError([issue]),
  });
}

async function readBudgets(file: string): Promise<BudgetsConfig> {
  try {
    return await loadBudgets(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const hint =
      file === DEFAULT_BUDGETS_FILE && error.issues.some((issue) => issue.message === 'file not found')
        ? `\n(copy budgets.example.yaml to ${DEFAULT_BUDGETS_FILE}, or pass -c budgetsFile=FILE)`
        : '';
    throw new Error(`invalid budgets file (context budgetsFile=${file}):\n${error.message}${hint}`, { cause: error });
  }
}
