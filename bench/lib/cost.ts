/**
 * List prices used for the monthly estimate: AWS us-east-1, as published on the AWS pricing pages in 2025
 * (not re-checked on the day of the run: this machine has no network access). Free tiers are ignored.
 */
export const PRICES = {
  asOf: '2025 (AWS us-east-1 list prices; free tiers ignored)',
  /** Lambda, arm64 (the function's architecture): per GB-second, and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** SSM Parameter Store standard parameters, standard throughput: no charge for storage or API calls. */
  ssmStandardCall: 0,
  /** KMS: SSM decrypts each SecureString with the aws/ssm key (one KMS request per parameter). */
  kmsRequest: 0.03 / 10_000,
  /** SNS standard topic: publishes (per 64 KB chunk), and deliveries by protocol. */
  snsPublish: 0.5 / 1e6,
  snsEmailDelivery: 2 / 100_000,
  snsHttpsDelivery: 0.6 / 1e6,
  /** US destinations, approximately (SMS is priced per country, plus carrier fees). */
  snsSmsUs: 0.00645,
  /** DynamoDB on demand (after the November 2024 price cut). */
  dynamoWru: 0.625 / 1e6,
  dynamoRru: 0.125 / 1e6,
  /** CloudWatch: a custom metric (each metric name × dimension combination) per month, and log ingestion per GB. */
  cloudwatchMetricMonth: 0.3,
  cloudwatchLogsGb: 0.5,
} as const;

/** What one steady-state run costs in calls and units (measured), plus the assumptions around it. */
export interface RunProfile {
  readonly runsPerMonth: number;
  readonly durationSeconds: number;
  readonly memoryGb: number;
  readonly ssmParametersPerRun: number;
  readonly ssmCallsPerRun: number;
  readonly rruPerRun: number;
  readonly wruPerRun: number;
  readonly logBytesPerRun: number;
  readonly customMetrics: number;
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

/** The monthly bill of a run profile, line by line. */
export function monthlyCost(p: RunProfile): CostLine[] {
  const runs = p.runsPerMonth;
  const publishes = p.alertsPerMonth * p.topicsPerAlert;
  const gbSeconds = runs * p.durationSeconds * p.memoryGb;
  const logGb = (runs * p.logBytesPerRun) / 1e9;
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
    { item: 'CloudWatch custom metrics (EMF)', quantity: `${p.customMetrics} metrics`, usd: p.customMetrics * PRICES.cloudwatchMetricMonth },
    { item: 'CloudWatch Logs ingestion', quantity: `${(logGb * 1000).toFixed(1)} MB`, usd: logGb * PRICES.cloudwatchLogsGb },
  ];
}
