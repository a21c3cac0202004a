// What the CDK construct and the Lambda function must agree on, written once: the state table's key
// schema, the metrics namespace and service name, and the environment variables the construct sets.

/** Items: pk = account id; sk = `alert#…` for alert records, `account` for the account state. */
export const STATE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'ttl' } as const;

/** CloudWatch namespace and service dimension of the function's metrics (Powertools). */
export const METRICS_NAMESPACE = 'BudgetAlerts';
export const SERVICE_NAME = 'budget-alerts';

/** Environment variables the construct gives the check function. */
export const FUNCTION_ENV = {
  stateTable: 'STATE_TABLE_NAME',
  /** `[{target, arn}]`: the SNS topic of each delivery target (notify entry). */
  alertTargets: 'ALERT_TARGETS',
  ssmCacheTtlSeconds: 'SSM_CACHE_TTL_SECONDS',
  budgetsFile: 'BUDGETS_FILE',
  /** `true`: per-account figures are also published as custom metrics (the construct's `perAccountMetrics`). */
  perAccountMetrics: 'PER_ACCOUNT_METRICS',
} as const;

/** The metrics the check function publishes and the construct alarms and draws on. */
export const METRIC_NAMES = {
  availableCredits: 'AvailableCredits',
  usedCredits: 'UsedCredits',
  budgetCredits: 'BudgetCredits',
  forecastCredits: 'ForecastCredits',
  runwayDays: 'RunwayDays',
  checksFailed: 'ChecksFailed',
  alertsSent: 'AlertsSent',
  alertsFailed: 'AlertsFailed',
  /** Accounts checked successfully in a run: the heartbeat (no data, or 0, for hours means nothing is watched). */
  accountsChecked: 'AccountsChecked',
  /** 1 per run started by a schedule rule, with the dimension `schedule`: a group that stops running alarms. */
  scheduledRuns: 'ScheduledRuns',
} as const;

/** The dimension of METRIC_NAMES.scheduledRuns naming the schedule expression. */
export const SCHEDULE_DIMENSION = 'schedule';

/**
 * The log line the check function writes for every account checked in a run (Powertools JSON, `message` and the
 * fields below at the top level): the dashboard's Logs Insights queries read it, so per-account figures cost log
 * bytes instead of custom metrics.
 */
export const ACCOUNT_LOG = {
  message: 'account checked',
  fields: {
    account: 'account',
    provider: 'provider',
    available: 'available',
    used: 'used',
    budget: 'budget',
    forecast: 'forecast',
    runwayDays: 'runwayDays',
    /** `{currency, used, available, budget?, forecast?}` where the account sets `creditPrice`. */
    money: 'money',
  },
} as const;
