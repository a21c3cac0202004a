/**
 * List prices used for the monthly estimate: AWS us-east-1, as published on the AWS pricing pages in 2025
 * (not re-checked on the day of the run: this machine has no network access). Free tiers are ignored, except the
 * three free CloudWatch dashboards (see `cloudwatchFreeDashboards`), which the estimate states both ways.
 */
export const PRICES = {
  asOf: '2025 (AWS us-east-1 list prices; free tiers ignored but the 3 free dashboards)',
  /** Lambda, arm64 (the function's architecture): per GB-second, and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** SSM Parameter Store standard parameters, standard throughput: no charge for storage or API calls. */
  ssmStandardCall: 0,
  /** KMS: SSM decrypts each SecureString with the aws/ssm key (one KMS request per parameter); a customer managed key per month. */
  kmsRequest: 0.03 / 10_000,
  kmsKeyMonth: 1,
  /** Secrets Manager: a secret per month (the snooze links' signing secret). */
  secretMonth: 0.4,
  /** SNS standard topic: publishes (per 64 KB chunk), and deliveries by protocol. */
  snsPublish: 0.5 / 1e6,
  snsEmailDelivery: 2 / 100_000,
  snsHttpsDelivery: 0.6 / 1e6,
  /** US destinations, approximately (SMS is priced per country, plus carrier fees). */
  snsSmsUs: 0.00645,
  /** DynamoDB on demand (after the November 2024 price cut). */
  dynamoWru: 0.625 / 1e6,
  dynamoRru: 0.125 / 1e6,
  /** CloudWatch: a custom metric (each metric name × dimension combination) per month (first 10,000 tier). */
  cloudwatchMetricMonth: 0.3,
  /** A standard-resolution metric alarm per month. */
  cloudwatchAlarmMonth: 0.1,
  /** A dashboard per month, beyond the account's first three (which are free, up to 50 metrics each). */
  cloudwatchDashboardMonth: 3,
  cloudwatchFreeDashboards: 3,
  cloudwatchFreeDashboardMetrics: 50,
  /** CloudWatch Logs (standard class): ingestion per GB, storage per GB-month (of compressed data), Logs Insights per GB scanned. */
  cloudwatchLogsGb: 0.5,
  cloudwatchLogsStorageGbMonth: 0.03,
  logsInsightsGbScanned: 0.005,
} as const;

/** What the synthesized stack deploys that is billed by the month: keys, secrets, alarms, dashboards, and the dashboard's query widgets. */
export interface DeploymentFigures {
  readonly kmsKeys: number;
  readonly secrets: number;
  readonly alarms: number;
  readonly dashboards: number;
  readonly queryWidgets: number;
  /** Metrics drawn on the dashboard: a dashboard with more than 50 is never one of the free ones. */
  readonly dashboardMetrics: number;
}

/** What one steady-state run costs in calls and units (measured), plus the assumptions around it. */
export interface RunProfile extends DeploymentFigures {
  readonly runsPerMonth: number;
  readonly durationSeconds: number;
  readonly memoryGb: number;
  readonly ssmParametersPerRun: number;
  readonly ssmCallsPerRun: number;
  readonly rruPerRun: number;
  readonly wruPerRun: number;
  /** What the handler writes to stdout and stderr in a run (log lines and EMF documents), measured. */
  readonly logBytesPerRun: number;
  /** What Lambda itself adds to the log group per invocation (START, END and REPORT lines), assumed. */
  readonly platformLogBytesPerRun: number;
  /** How many months the function's log group keeps its logs (the construct's `logRetention`). */
  readonly logRetentionMonths: number;
  /** Distinct custom metrics (namespace × name × dimension values) the handler's EMF documents define, measured. */
  readonly customMetrics: number;
  /** How often the dashboard is opened or refreshed in a month (each load runs every query widget once), assumed. */
  readonly dashboardLoadsPerMonth: number;
  /** The dashboard's time range: each query scans this many days of the log group. */
  readonly dashboardRangeDays: number;
  /** Other dashboards in the AWS account: beyond three in all, each costs `cloudwatchDashboardMonth`. */
  readonly otherDashboards: number;
  /** Alerts per month and the topics each is routed to, on average. */
  readonly alertsPerMonth: number;
  readonly topicsPerAlert: number;
  /** Deliveries per published message: email subscribers per topic, an https (Chatbot) one, SMS on critical only. */
  readonly emailPerPublish: number;
  readonly httpsPerPublish: number;
  readonly smsPerMonth: number;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly usd: number;
}

const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** The monthly bill of a run profile, line by line. */
export function monthlyCost(p: RunProfile): CostLine[] {
  const runs = p.runsPerMonth;
  const publishes = p.alertsPerMonth * p.topicsPerAlert;
  const gbSeconds = runs * p.durationSeconds * p.memoryGb;
  return [
    { item: 'Lambda requests', quantity: `${runs} invocations`, usd: runs * PRICES.lambdaRequest },
    { item: 'Lambda duration', quantity: `${gbSeconds.toFixed(0)} GB-s`, usd: gbSeconds * PRICES.lambdaGbSecond },
    { item: 'SSM GetParameters (standard)', quantity: `${runs * p.ssmCallsPerRun} calls`, usd: 0 },
    { item: 'KMS decrypts (SecureString)', quantity: `${runs * p.ssmParametersPerRun} requests`, usd: runs * p.ssmParametersPerRun * PRICES.kmsRequest },
    { item: 'DynamoDB reads', quantity: `${(runs * p.rruPerRun).toFixed(0)} RRU`, usd: runs * p.rruPerRun * PRICES.dynamoRru },
    { item: 'DynamoDB writes', quantity: `${(runs * p.wruPerRun).toFixed(0)} WRU`, usd: runs * p.wruPerRun * PRICES.dynamoWru },
    { item: 'SNS publishes', quantity: `${publishes.toFixed(0)} publishes`, usd: publishes * PRICES.snsPublish },
    { item: 'SNS email deliveries', quantity: `${(publishes * p.emailPerPublish).toFixed(0)} emails`, usd: publishes * p.emailPerPublish * PRICES.snsEmailDelivery },
    { item: 'SNS https deliveries (Chatbot)', quantity: `${(publishes * p.httpsPerPublish).toFixed(0)} posts`, usd: publishes * p.httpsPerPublish * PRICES.snsHttpsDelivery },
    { item: 'SNS SMS (US)', quantity: `${p.smsPerMonth} messages`, usd: p.smsPerMonth * PRICES.snsSmsUs },
    { item: 'KMS customer managed keys (topics)', quantity: `${p.kmsKeys} keys`, usd: p.kmsKeys * PRICES.kmsKeyMonth },
    { item: 'Secrets Manager (snooze-link secret)', quantity: `${p.secrets} secrets`, usd: p.secrets * PRICES.secretMonth },
    ...cloudWatchCost(p),
  ];
}

/** The CloudWatch lines: metrics, alarms, the dashboard, and the logs (ingested, stored, and scanned by the dashboard). */
export function cloudWatchCost(p: RunProfile): CostLine[] {
  const logGbPerMonth = logGbPerRun(p) * p.runsPerMonth;
  const storedGb = logGbPerMonth * p.logRetentionMonths;
  const scannedGb = p.dashboardLoadsPerMonth * p.queryWidgets * scannedGbPerQuery(p);
  const billedDashboards = billedDashboardsOf(p);
  return [
    { item: 'CloudWatch custom metrics (EMF)', quantity: `${p.customMetrics} metrics`, usd: p.customMetrics * PRICES.cloudwatchMetricMonth },
    { item: 'CloudWatch alarms', quantity: `${p.alarms} alarms`, usd: p.alarms * PRICES.cloudwatchAlarmMonth },
    {
      item: 'CloudWatch dashboard',
      quantity: `${p.dashboards}, ${p.dashboardMetrics} metrics (${billedDashboards === 0 ? `one of the free ${PRICES.cloudwatchFreeDashboards}` : 'billed'})`,
      usd: billedDashboards * PRICES.cloudwatchDashboardMonth,
    },
    { item: 'CloudWatch Logs ingestion', quantity: `${(logGbPerMonth * 1000).toFixed(1)} MB`, usd: logGbPerMonth * PRICES.cloudwatchLogsGb },
    { item: 'CloudWatch Logs storage', quantity: `${(storedGb * 1000).toFixed(0)} MB kept (raw)`, usd: storedGb * PRICES.cloudwatchLogsStorageGbMonth },
    {
      item: 'Logs Insights (dashboard queries)',
      quantity: `${p.dashboardLoadsPerMonth} loads × ${p.queryWidgets} × ${(scannedGbPerQuery(p) * 1000).toFixed(1)} MB`,
      usd: scannedGb * PRICES.logsInsightsGbScanned,
    },
  ];
}

/** Dashboards beyond the account's free three, or all of them when they draw more metrics than a free one may. */
function billedDashboardsOf(p: RunProfile): number {
  if (p.dashboardMetrics > PRICES.cloudwatchFreeDashboardMetrics * p.dashboards) return p.dashboards;
  return Math.max(0, Math.min(p.dashboards, p.dashboards + p.otherDashboards - PRICES.cloudwatchFreeDashboards));
}

/** Bytes ingested per run: what the handler writes and what Lambda adds, in GB. */
function logGbPerRun(p: RunProfile): number {
  return (p.logBytesPerRun + p.platformLogBytesPerRun) / 1e9;
}

/** What one query widget scans on one load: the whole log group over the dashboard's range (a filter does not reduce it). */
export function scannedGbPerQuery(p: RunProfile): number {
  return logGbPerRun(p) * p.runsPerMonth * (p.dashboardRangeDays / DAYS_PER_MONTH);
}

/** The sum of some cost lines. */
export function totalUsd(lines: readonly CostLine[]): number {
  return lines.reduce((sum, line) => sum + line.usd, 0);
}
