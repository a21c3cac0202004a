// The budgets file's schema and validation, free of YAML and file I/O: the Lambda imports this module
// (its config arrives as JSON), so the `yaml` package stays out of its bundle. lib/config.ts re-exports it.
import * as z from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { unsafeInputIssues } from './config-guards.js';
import { formatPath } from './format-path.js';
import { jsonEndpointSchema } from './json-endpoint-schema.js';
import { jsonEndpointIssues, presetsJsonSchema } from './json-presets.js';
import { ALERT_KINDS, PROVIDER_NAMES, SEVERITIES } from './model.js';
import { DEFAULT_SCHEDULE } from './schedule.js';

const ACCOUNT_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const percent = z.number().positive().max(1000, 'must be at most 1000 (percent of the monthly budget)');
const percentList = z
  .array(percent)
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a threshold');

const apiKeySchema = z.union(
  [
    z.strictObject({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    }),
    z.strictObject({
      ssm: z
        .string()
        .regex(/^(\/[A-Za-z0-9_.\-]+)+$|^[A-Za-z0-9_.\-]+$/, 'must be an SSM parameter name such as /budget-alerts/video-prod')
        .max(2048),
    }),
  ],
  { error: 'must be { env: VARIABLE } or { ssm: /parameter/name }' },
);

const timeZoneSchema = z.string().refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin');

/** The rules an account (or the `defaults:` block) may set. */
const rulesShape = {
  timezone: timeZoneSchema.optional(),
  budget: z
    .strictObject({
      monthly: z.number().positive(),
      alertAt: percentList.default([50, 80, 100]),
      forecastAt: percentList.default([100]),
    })
    .optional(),
  balance: z
    .strictObject({
      below: z.number().nonnegative().optional(),
      runwayDays: z.number().positive().optional(),
    })
    .refine((b) => b.below !== undefined || b.runwayDays !== undefined, 'set below, runwayDays or both')
    .optional(),
  autoReload: z.strictObject({ warnWithin: z.number().nonnegative().optional() }).optional(),
  usage: z
    .strictObject({
      spikeFactor: z.number().gt(1, 'must be greater than 1 (a multiple of the usual daily burn)').optional(),
      errorRate: z.number().gt(0).max(100, 'is a percentage: at most 100').optional(),
    })
    .optional(),
  renotifyHours: z.number().positive().optional(),
  /** What one credit costs: reports, alerts and the digest show money beside credits. */
  creditPrice: z
    .strictObject({
      amount: z.number().positive(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD or EUR'),
    })
    .optional(),
  authExpiryWarnDays: z.number().positive().optional(),
  schedule: z
    .string()
    .regex(
      /^(rate\(\s*[1-9]\d*\s+(minute|minutes|hour|hours|day|days)\s*\)|cron\(\s*\S+(\s+\S+){5}\s*\))$/,
      'must be an EventBridge schedule expression such as rate(1 hour), rate(15 minutes) or cron(0 8 * * ? *)',
    )
    .optional(),
};

const minSeverity = z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).default('warning');

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 22:00 or 07:30');
const accountPattern = z.string().regex(/^[a-z0-9-]+\*?$/, 'must be an account id, or an id prefix ending in * (video-*)');
const kindPattern = z
  .string()
  .refine(
    (kind) => (kind.endsWith('*') ? ALERT_KINDS.some((k) => k.startsWith(kind.slice(0, -1))) : (ALERT_KINDS as readonly string[]).includes(kind)),
    `must be an alert kind (${ALERT_KINDS.join(', ')}) or a prefix ending in * (budget.*)`,
  );

/**
 * What every notify entry may add: a minimum severity; routing to some accounts and kinds; quiet hours
 * (only critical alerts get through; the rest follow when they end); a daily or weekly digest.
 */
const entryShape = {
  minSeverity,
  accounts: z.array(accountPattern).min(1).optional(),
  kinds: z.array(kindPattern).min(1).optional(),
  quietHours: z
    .strictObject({ from: clockTime, to: clockTime, timezone: timeZoneSchema.optional() })
    .refine((q) => q.from !== q.to, 'from and to must differ')
    .optional(),
  /** IANA zone of quietHours (unless they name their own) and of the digest's `at`. @default UTC */
  timezone: timeZoneSchema.optional(),
  digest: z.enum(['daily', 'weekly']).optional(),
  /** When the digest is sent, in the entry's time zone (weekly: on Mondays). @default 08:00 */
  at: clockTime.optional(),
};

/** Who is told: each entry receives the alerts at or above its minimum severity, of the accounts and kinds it names. */
const notifyVariants = {
  email: z.strictObject({ email: z.email('must be an email address'), ...entryShape }),
  sms: z.strictObject({
    sms: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, e.g. +15551234567'),
    ...entryShape,
  }),
  https: z.strictObject({ https: z.url({ protocol: /^https$/, error: 'must be an https URL' }), ...entryShape }),
  slack: z.strictObject({
    slack: z.strictObject({
      workspaceId: z.string().regex(/^[A-Z0-9]{2,}$/, 'must be a Slack workspace id such as T0123ABCD'),
      channelId: z.string().regex(/^[A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD'),
    }),
    ...entryShape,
  }),
};
const NOTIFY_KINDS = Object.keys(notifyVariants) as (keyof typeof notifyVariants)[];
const notifySchema = z.union(Object.values(notifyVariants));
export type NotifyTarget = z.output<typeof notifySchema>;

const accountSchema = z
  .strictObject({
    id: z
      .string()
      .regex(ACCOUNT_ID, 'must be lowercase letters, digits and "-" (not at either end), at most 64 characters'),
    provider: z.enum(PROVIDER_NAMES, { error: `must be one of ${PROVIDER_NAMES.join(', ')}` }),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .optional(),
    apiKey: apiKeySchema,
    /** provider json (and its presets): where the balance is and how to ask for it. */
    endpoint: jsonEndpointSchema.optional(),
    ...rulesShape,
  })
  .superRefine((account, ctx) => {
    if (account.provider === 'account-api' && account.baseUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'is required for provider account-api' });
    }
    for (const issue of jsonEndpointIssues(account.provider, account.baseUrl, account.endpoint)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
    }
  })
  .transform((account) => ({
    ...account,
    timezone: account.timezone ?? 'UTC',
    authExpiryWarnDays: account.authExpiryWarnDays ?? 3,
    schedule: account.schedule ?? DEFAULT_SCHEDULE,
  }));

const defaultsSchema = z.strictObject({ apiKey: apiKeySchema.optional(), ...rulesShape });

const fileSchema = z.strictObject({
  defaults: z.unknown().optional(),
  notify: z.unknown().optional(),
  accounts: z.array(z.unknown()).min(1, 'must list at least one account'),
});

/** One watched account, validated, with defaults merged in. */
export type AccountConfig = z.output<typeof accountSchema>;

/** A validated budgets file. */
export interface BudgetsConfig {
  readonly accounts: readonly AccountConfig[];
  /** Who receives alerts when deployed (SNS subscriptions); the CLI ignores it. */
  readonly notify?: readonly NotifyTarget[];
}

/** Validates an already-parsed budgets object; throws ConfigError naming the file, field path and reason. */
export function validateBudgets(input: unknown, file: string): BudgetsConfig {
  if (input === null || input === undefined) {
    throw new ConfigError([{ file, path: '', message: 'is empty: expected a mapping with an accounts: list' }]);
  }
  const unsafe = unsafeInputIssues(input, file);
  if (unsafe.length > 0) throw new ConfigError(unsafe);
  const top = fileSchema.safeParse(input, { reportInput: true });
  if (!top.success) throw new ConfigError(toIssues(top.error, file, []));

  const issues: ConfigIssue[] = [];
  let defaults: Record<string, unknown> = {};
  if (top.data.defaults !== undefined) {
    const parsed = defaultsSchema.safeParse(top.data.defaults, { reportInput: true });
    if (parsed.success) defaults = top.data.defaults as Record<string, unknown>;
    else issues.push(...toIssues(parsed.error, file, ['defaults']));
  }

  let notify: NotifyTarget[] = [];
  const notifyIndexes: number[] = [];
  if (top.data.notify !== undefined) {
    if (!Array.isArray(top.data.notify)) {
      issues.push({ file, path: 'notify', message: 'must be a list' });
    } else {
      top.data.notify.forEach((entry: unknown, index) => {
        // Pick the variant by its key, so a mistake is reported inside it rather than as "matches no variant".
        const kind = isPlainObject(entry) ? NOTIFY_KINDS.find((k) => k in entry) : undefined;
        if (kind === undefined) {
          issues.push({ file, path: formatPath(['notify', index]), message: `must be one of ${NOTIFY_KINDS.map((k) => `{${k}}`).join(', ')}, each with an optional minSeverity` });
          return;
        }
        const parsed = notifyVariants[kind].safeParse(entry, { reportInput: true });
        if (parsed.success) {
          notify.push(parsed.data);
          notifyIndexes.push(index);
        }
        else issues.push(...toIssues(parsed.error, file, ['notify', index]));
      });
    }
  }

  const accounts: AccountConfig[] = [];
  const seen = new Map<string, number>();
  top.data.accounts.forEach((raw, index) => {
    const id = isPlainObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const first = id === undefined ? undefined : seen.get(id);
    if (first !== undefined) {
      issues.push({
        file,
        path: formatPath(['accounts', index, 'id']),
        message: `duplicate account id "${id}" (first used at accounts[${first}])`,
      });
    } else if (id !== undefined) {
      seen.set(id, index);
    }
    const merged = isPlainObject(raw) ? deepMerge(defaults, raw) : raw;
    const parsed = accountSchema.safeParse(merged, { reportInput: true });
    if (parsed.success) accounts.push(parsed.data);
    else issues.push(...toIssues(parsed.error, file, ['accounts', index]));
  });
  issues.push(...notifyRoutingIssues(notify, notifyIndexes, accounts, file));
  if (issues.length > 0) throw new ConfigError(issues);
  return { accounts, notify };
}

/** JSON Schema of the budgets file, for editors (generated from the zod schema). */
export function budgetsJsonSchema(): Record<string, unknown> {
  const account = z.toJSONSchema(accountSchema, { io: 'input', unrepresentable: 'any' });
  const defaults = z.toJSONSchema(defaultsSchema, { io: 'input', unrepresentable: 'any' });
  const notifyJson = z.toJSONSchema(z.array(notifySchema), { io: 'input', unrepresentable: 'any' });
  delete account.$schema;
  delete defaults.$schema;
  delete notifyJson.$schema;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'budget-alerts budgets file',
    type: 'object',
    additionalProperties: false,
    required: ['accounts'],
    properties: {
      defaults: { ...defaults, description: 'Merged into every account (the account wins).' },
      notify: notifyJson,
      accounts: { type: 'array', minItems: 1, items: { ...account, ...presetsJsonSchema(account) } },
    },
  };
}


function toIssues(error: z.ZodError, file: string, prefix: readonly PropertyKey[]): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    // zod reports every unknown key of an object in one issue; one line each reads better.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        file,
        path: formatPath([...prefix, ...issue.path, key]),
        message: 'unknown field (check the spelling: unknown fields are rejected so a typo cannot disable an alert)',
      }));
    }
    return [{ file, path: formatPath([...prefix, ...issue.path]), message: describeIssue(issue) }];
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) && key !== 'apiKey' ? deepMerge(prior, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Zones already found valid: building an Intl.DateTimeFormat costs ~0.1 ms, and a file names few zones for many accounts. */
const knownTimeZones = new Set<string>();

function isTimeZone(name: string): boolean {
  if (knownTimeZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    knownTimeZones.add(name);
    return true;
  } catch {
    return false;
  }
}

/** What the schema cannot see alone: routing that names no account of the file, and digests for SMS. */
function notifyRoutingIssues(
  notify: readonly NotifyTarget[],
  indexes: readonly number[],
  accounts: readonly AccountConfig[],
  file: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const endpoints = new Map<string, number>();
  notify.forEach((entry, i) => {
    const index = indexes[i] ?? i;
    const endpoint = JSON.stringify('email' in entry ? entry.email : 'sms' in entry ? entry.sms : 'https' in entry ? entry.https : entry.slack);
    const first = endpoints.get(endpoint);
    if (first !== undefined) issues.push({ file, path: formatPath(['notify', index]), message: `repeats the endpoint of notify[${first}]; give one entry its routing` });
    else endpoints.set(endpoint, index);
    entry.accounts?.forEach((pattern, j) => {
      const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
      const found = accounts.some((a) => (prefix === undefined ? a.id === pattern : a.id.startsWith(prefix)));
      if (!found) issues.push({ file, path: formatPath(['notify', index, 'accounts', j]), message: `matches no account of this file (a typo would silence this entry)` });
    });
    if ('sms' in entry && entry.digest !== undefined) {
      issues.push({ file, path: formatPath(['notify', index, 'digest']), message: 'an SMS cannot carry a digest; give it to an email or Slack entry' });
    }
    if (entry.at !== undefined && entry.digest === undefined) {
      issues.push({ file, path: formatPath(['notify', index, 'at']), message: 'is the time of the digest: set digest: daily or weekly too' });
    }
  });
  return issues;
}
