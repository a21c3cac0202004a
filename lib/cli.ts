import { SSMClient } from '@aws-sdk/client-ssm';
import { checkAccounts, type CheckResult } from './check.js';
import { budgetsJsonSchema, loadBudgets, type BudgetsConfig } from './config.js';
import { createConsolePublisher, formatAlertLine } from './delivery/console-publisher.js';
import { ConfigError, StateError, StateFileError, UsageError } from './errors.js';
import type { DeliveryStage } from './delivery/deliver.js';
import { createKeyResolver } from './keys.js';
import { runKeys } from './keys-cli.js';
import { runSilence } from './silence-cli.js';
import { runDigest } from './digest-cli.js';
import { DEFAULT_STATE_FILE, EXIT, type CliIo } from './cli-io.js';

export { EXIT, type CliIo } from './cli-io.js';
import { createHttpClient } from './providers/http.js';
import { runDemo } from './demo.js';
import { createFileStore } from './state/file-store.js';
import { parseFlags, parseInstant, requiredFlag } from './cli-args.js';


const USAGE = `Usage: budget-alerts <command> [options]

Commands:
  check     Check every account in the budgets file and send the alerts that are due
            --config FILE     budgets file (YAML or JSON)               (required)
            --now ISO         evaluate at this instant (replaying history; UTC unless it has an offset)
            --state FILE      alert state file        (default .budget-alerts/state.json)
            --accounts a,b    only these account ids
            --dry-run         evaluate and print; change no state, send nothing
            --json            print exactly one JSON report on stdout
  validate  Validate a budgets file:   --config FILE
  schema    Print the JSON Schema of the budgets file (for editors)
  keys put <account-id> --config FILE
            Store the account's API key (read from stdin, never echoed) as a SecureString
            in the SSM parameter its apiKey names (overwrites)
  keys check --config FILE
            Report which configured SSM parameters exist (values are never read; exit 3 if some are missing)
  silence add MATCHER (--for DURATION | --until ISO) [--reason TEXT] [--state FILE] [--now ISO] [--json]
            Hold back firing alerts whose key matches (an alert key, or * for any characters:
            video-prod/*, */budget.forecast:*) for 30m, 24h, 7d …; resolutions are never held
  silence list [--state FILE] [--now ISO] [--json]    the active silences
  silence rm ID [--state FILE]                        end a silence now
  digest --config FILE [--state FILE] [--now ISO] [--period day|week] [--json]
            Summarise every account from the state file (no vendor is called): balance, use
            against budget, forecast, runway, money, what fired and resolved, what is stale
            (exit 3 when an account's last successful check is older than twice its schedule)
  demo      Replay a month of simulated vendor activity and show the alerts on every channel

Exit codes: 0 every account checked · 3 some account could not be checked ·
            2 bad config or arguments · 1 internal error
`;

/** Runs the `budget-alerts` command; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'validate':
        return await runValidate(rest, io);
      case 'silence':
        return await runSilence(rest, io);
      case 'digest':
        return await runDigest(rest, io);
      case 'keys':
        return await runKeys(rest, io);
      case 'schema':
        parseFlags(rest, {});
        io.stdout.write(`${JSON.stringify(budgetsJsonSchema(), null, 2)}\n`);
        return EXIT.ok;
      case 'demo': {
        parseFlags(rest, {});
        return await runDemo({ stdout: io.stdout, fetch: io.fetch });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`budget-alerts: invalid budgets file\n${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`budget-alerts: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof StateFileError) {
      io.stderr.write(`budget-alerts: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof StateError) {
      io.stderr.write(`budget-alerts: ${error.message}\n`);
      return EXIT.internal;
    }
    io.stderr.write(`budget-alerts: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}

async function runValidate(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { config: { type: 'string' } });
  const file = requiredFlag(values.config, '--config');
  const config = await loadBudgets(file);
  io.stdout.write(`${file}: ok (${config.accounts.length} account${config.accounts.length === 1 ? '' : 's'})\n`);
  return EXIT.ok;
}

async function runCheck(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    config: { type: 'string' },
    now: { type: 'string' },
    state: { type: 'string' },
    accounts: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const file = requiredFlag(values.config, '--config');
  const now = values.now === undefined ? (io.clock ?? (() => new Date()))() : parseInstant(values.now, '--now');
  const config = selectAccounts(await loadBudgets(file), values.accounts);
  const json = values.json === true;

  const result = await checkAccounts(
    {
      http: createHttpClient({ fetch: io.fetch }),
      store: createFileStore(values.state ?? DEFAULT_STATE_FILE, { now: () => now, wallClock: io.clock }),
      wallClock: io.clock,
      claimOwner: io.processId,
      publisher: createConsolePublisher((text) => (json ? undefined : io.stdout.write(text))),
      resolveKey: createKeyResolver({ env: io.env, ssm: io.ssm ?? (() => new SSMClient({})) }),
      dryRun: values['dry-run'] === true,
      onDeliveryError: (alert, target, stage, error) => io.stderr.write(`budget-alerts: ${deliveryProblem(alert.key, target, stage, error)}\n`),
    },
    config,
    now,
  );

  io.stdout.write(json ? `${JSON.stringify(result.report, null, 2)}\n` : formatReport(result, values['dry-run'] === true));
  const failed = result.report.accounts.some((a) => a.status === 'error') || result.unsent.length > 0;
  return failed ? EXIT.someFailed : EXIT.ok;
}

/** What a failed delivery step means for the user. */
function deliveryProblem(key: string, target: string, stage: DeliveryStage, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  switch (stage) {
    case 'claim':
      return `could not claim ${key} for ${target} in the state file (${reason}); it was not sent and will be retried next run`;
    case 'publish':
      return `could not send ${key} to ${target} (${reason}); it will be retried next run`;
    case 'confirm':
      return `sent ${key} to ${target} but could not record it (${reason}); it may be sent once more`;
    case 'release':
      return `could not release the claim on ${key} for ${target} (${reason}); it will be retried once the claim lapses`;
  }
}

function selectAccounts(config: BudgetsConfig, list: string | undefined): BudgetsConfig {
  if (list === undefined) return config;
  const ids = list.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const known = new Set(config.accounts.map((a) => a.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (ids.length === 0) throw new UsageError('--accounts needs at least one account id');
  if (unknown.length > 0) throw new UsageError(`--accounts: no account with id ${unknown.map((id) => `"${id}"`).join(', ')} in the budgets file`);
  return { accounts: config.accounts.filter((a) => ids.includes(a.id)) };
}

/** Human-readable summary of a check: one line per account, then what was sent. */
export function formatReport({ report, sent, silenced }: Pick<CheckResult, 'report' | 'sent' | 'silenced'>, dryRun: boolean): string {
  const lines = [`Checked ${report.accounts.length} account(s) at ${report.checkedAt}${dryRun ? ' (dry run: nothing sent, no state changed)' : ''}`];
  const width = Math.max(...report.accounts.map((a) => a.id.length), 2);
  for (const account of report.accounts) {
    const head = `  ${account.id.padEnd(width)}  ${account.provider.padEnd(11)}`;
    if (account.status === 'error') {
      lines.push(`${head}  ERROR ${account.error?.code}: ${account.error?.message}`);
      continue;
    }
    const parts = [`available ${num(account.balance?.available)}${account.balance?.currency ? ` ${account.balance.currency}` : ''}`];
    const c = account.consumption;
    if (c) {
      parts.push(
        c.budget !== undefined
          ? `used ${num(c.used)}/${num(c.budget)} in ${c.period} (${num((c.used / c.budget) * 100)}%)`
          : `used ${num(c.used)} in ${c.period}`,
      );
      if (c.forecast !== undefined) parts.push(`forecast ${num(c.forecast)}`);
    }
    if (account.runwayDays !== undefined) parts.push(`runway ${num(account.runwayDays)} d`);
    lines.push(`${head}  ${parts.join(' · ')}`);
  }
  lines.push(sent.length === 0 ? 'No new alerts.' : `${sent.length} alert(s) ${dryRun ? 'would be sent' : 'sent'}.`);
  if (silenced.length > 0) {
    lines.push(`Held back by silences (${silenced.length}; sent once the silence ends, if still due):`);
    for (const alert of silenced) lines.push(`  ${formatAlertLine(alert)}  [${alert.key}]`);
  }
  return `${lines.join('\n')}\n`;
}

function num(value: number | undefined): string {
  return value === undefined ? '?' : String(Math.round(value * 100) / 100);
}

