import { DescribeParametersCommand, PutParameterCommand, SSMClient, type ParameterMetadata } from '@aws-sdk/client-ssm';
import type { CliIo, SecretInput } from './cli-io.js';
import { loadBudgets, type BudgetsConfig } from './config.js';
import { UsageError } from './errors.js';
import { parseFlags, requiredFlag } from './cli-args.js';
import { redact } from './redact.js';


/** Ctrl-C at the key prompt. */
class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

const EXIT = { ok: 0, internal: 1, usage: 2, missing: 3 } as const;
/** DescribeParameters takes at most 50 values per filter and returns at most 50 per page. */
const BATCH = 50;

/** Runs `budget-alerts keys put|check`; returns the exit code. */
export async function runKeys(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'put':
      return await runPut(rest, io);
    case 'check':
      return await runCheckKeys(rest, io);
    default:
      throw new UsageError(sub === undefined ? 'keys needs a subcommand: put or check' : `unknown keys subcommand "${sub}" (expected put or check)`);
  }
}

async function runPut(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { config: { type: 'string' } }, true);
  const file = requiredFlag(values.config, '--config');
  if (positionals.length !== 1) throw new UsageError('keys put needs exactly one account id: keys put <account-id> --config FILE');
  const id = positionals[0]!;
  const config = await loadBudgets(file);
  const account = config.accounts.find((a) => a.id === id);
  if (account === undefined) {
    io.stderr.write(`budget-alerts: ${file} has no account "${id}" (accounts: ${config.accounts.map((a) => a.id).join(', ')})\n`);
    return EXIT.usage;
  }
  if (!('ssm' in account.apiKey)) {
    io.stderr.write(
      `budget-alerts: account "${id}" reads its key from environment variable ${account.apiKey.env}, not SSM; ` +
        `set apiKey: { ssm: /parameter/name } in ${file} to keep it in Parameter Store\n`,
    );
    return EXIT.usage;
  }
  const name = account.apiKey.ssm;
  if (io.stdin === undefined) throw new UsageError('keys put reads the key from standard input, which is not available');

  let key: string;
  try {
    key = await readSecret(io.stdin, io.stderr, `API key for ${id} (${account.provider}), stored in ${name}: `);
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    io.stderr.write('budget-alerts: cancelled; nothing was written\n');
    return EXIT.usage;
  }
  if (key === '') {
    io.stderr.write('budget-alerts: no key on standard input; nothing was written\n');
    return EXIT.usage;
  }
  if (/[\r\n]/.test(key)) {
    io.stderr.write('budget-alerts: the key must be a single line; nothing was written\n');
    return EXIT.usage;
  }

  const client = (io.ssm ?? (() => new SSMClient({})))();
  try {
    const result = await client.send(
      new PutParameterCommand({
        Name: name,
        Value: key,
        Type: 'SecureString',
        Overwrite: true,
        Description: `budget-alerts: API key of account ${id} (${account.provider})`,
      }),
    );
    io.stdout.write(`Stored the key of ${id} in ${name} (SecureString, version ${result.Version ?? '?'}).\n`);
    return EXIT.ok;
  } catch (error) {
    // An AWS error never needs the value to be understood; redact it in case a message ever echoes it.
    io.stderr.write(`budget-alerts: could not write ${name}: ${redact(describe(error), [key])}\n`);
    return EXIT.internal;
  }
}

async function runCheckKeys(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { config: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`keys check takes no arguments (got ${positionals.join(' ')})`);
  const file = requiredFlag(values.config, '--config');
  const config = await loadBudgets(file);
  const names = ssmNames(config);

  const found = new Map<string, ParameterMetadata>();
  if (names.length > 0) {
    const client = (io.ssm ?? (() => new SSMClient({})))();
    try {
      for (let start = 0; start < names.length; start += BATCH) {
        const batch = names.slice(start, start + BATCH);
        let nextToken: string | undefined;
        do {
          // Metadata only: DescribeParameters never returns a value.
          const page = await client.send(
            new DescribeParametersCommand({
              ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: batch }],
              MaxResults: BATCH,
              NextToken: nextToken,
            }),
          );
          for (const parameter of page.Parameters ?? []) if (parameter.Name !== undefined) found.set(parameter.Name, parameter);
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
      }
    } catch (error) {
      io.stderr.write(`budget-alerts: could not list SSM parameters: ${describe(error)}\n`);
      return EXIT.internal;
    }
  }

  const width = Math.max(...config.accounts.map((a) => a.id.length));
  const lines = [`API keys of ${file}:`];
  let missing = 0;
  for (const account of config.accounts) {
    const head = `  ${account.id.padEnd(width)}  `;
    if (!('ssm' in account.apiKey)) {
      lines.push(`${head}env ${account.apiKey.env} (read from the environment, not SSM)`);
      continue;
    }
    const name = account.apiKey.ssm;
    const parameter = found.get(name);
    if (parameter === undefined) {
      missing += 1;
      lines.push(`${head}${name}  MISSING: budget-alerts keys put ${account.id} --config ${file}`);
    } else if (parameter.Type !== 'SecureString') {
      lines.push(`${head}${name}  exists, but as ${parameter.Type ?? 'an unknown type'}, not SecureString: put it again with keys put`);
    } else {
      const modified = parameter.LastModifiedDate?.toISOString().slice(0, 10);
      lines.push(`${head}${name}  ok (SecureString, version ${parameter.Version ?? '?'}${modified ? `, changed ${modified}` : ''})`);
    }
  }
  lines.push(missing === 0 ? 'Every SSM key exists.' : `${missing} SSM parameter(s) missing.`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return missing === 0 ? EXIT.ok : EXIT.missing;
}

/** Reads the key: from a terminal in raw mode without echo, otherwise all of stdin; surrounding whitespace trimmed. */
export async function readSecret(stdin: SecretInput, stderr: CliIo['stderr'], prompt: string): Promise<string> {
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function' && typeof stdin.on === 'function') {
    // Raw mode before the prompt: anything typed once the prompt shows is never echoed.
    const typed = await readRawLine(stdin, () => stderr.write(prompt));
    stderr.write('\n');
    return typed.trim();
  }
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text.trim();
}

/** One line from a raw-mode terminal: nothing is echoed; backspace edits; Ctrl-C aborts; Enter or Ctrl-D ends. */
function readRawLine(stdin: SecretInput, prompt: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.removeListener?.('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause?.();
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new CancelledError('cancelled at the prompt'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on?.('data', onData);
    stdin.resume?.();
    prompt();
  });
}

function ssmNames(config: BudgetsConfig): string[] {
  return [...new Set(config.accounts.flatMap((a) => ('ssm' in a.apiKey ? [a.apiKey.ssm] : [])))];
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
