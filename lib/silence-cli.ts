import { randomUUID } from 'node:crypto';
import { createSilence, isActive, parseDuration, toSilenceJson, type Silence } from './alerts/silences.js';
import { parseFlags, parseInstant, requiredFlag } from './cli-args.js';
import { DEFAULT_STATE_FILE, EXIT, type CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { createFileStore } from './state/file-store.js';


const DURATIONS = 'a duration such as 30m, 24h or 7d';

/** Runs `budget-alerts silence add|list|rm`; returns the exit code. */
export async function runSilence(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return await addSilence(rest, io);
    case 'list':
      return await listSilences(rest, io);
    case 'rm':
      return await removeSilence(rest, io);
    default:
      throw new UsageError(sub === undefined ? 'silence needs a subcommand: add, list or rm' : `unknown silence subcommand "${sub}" (expected add, list or rm)`);
  }
}

async function addSilence(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { for: { type: 'string' }, until: { type: 'string' }, reason: { type: 'string' }, state: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('silence add needs exactly one MATCHER, e.g. silence add video-prod/balance.low --for 24h');
  if ((values.for === undefined) === (values.until === undefined)) throw new UsageError('silence add needs either --for DURATION or --until ISO');
  const now = instantOf(values.now, io);
  let durationMs: number | undefined;
  if (values.for !== undefined) {
    durationMs = parseDuration(values.for);
    if (durationMs === undefined) throw new UsageError(`--for: "${values.for}" is not ${DURATIONS}`);
  }
  const silence = createSilence({
    id: randomUUID().slice(0, 8),
    matcher: positionals[0]!,
    now,
    ...(durationMs !== undefined && { durationMs }),
    ...(values.until !== undefined && { until: parseInstant(values.until, '--until') }),
    ...(values.reason !== undefined && { reason: values.reason }),
    createdBy: `cli:${io.env.USER ?? io.env.USERNAME ?? 'unknown'}`,
  });
  if ('problem' in silence) throw new UsageError(`silence add: ${silence.problem}`);
  await storeOf(values.state, now).addSilence(silence);
  io.stdout.write(
    values.json === true
      ? `${JSON.stringify(toSilenceJson(silence), null, 2)}\n`
      : `${silence.id}\nSilenced ${silence.matcher} until ${silence.endsAt}. Undo: budget-alerts silence rm ${silence.id}\n`,
  );
  return EXIT.ok;
}

async function listSilences(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { state: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean' } });
  const now = instantOf(values.now, io);
  const active = (await storeOf(values.state, now).listSilences()).filter((s) => isActive(s, now)).sort(byEnd);
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(active.map(toSilenceJson), null, 2)}\n`);
  } else if (active.length === 0) {
    io.stdout.write('No active silences.\n');
  } else {
    const lines = active.map((s) => `  ${s.id}  ${s.matcher}  until ${s.endsAt}${s.reason ? `  (${s.reason})` : ''}`);
    io.stdout.write(`Active silences at ${now.toISOString()}:\n${lines.join('\n')}\n`);
  }
  return EXIT.ok;
}

async function removeSilence(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, { state: { type: 'string' } }, true);
  const id = requiredFlag(positionals[0], 'silence rm ID');
  if (positionals.length !== 1) throw new UsageError('silence rm takes exactly one silence id (see silence list)');
  const now = (io.clock ?? (() => new Date()))();
  const removed = await storeOf(values.state, now).removeSilence(id, now);
  if (removed === undefined) throw new UsageError(`silence rm: no silence with id "${id}" (see silence list)`);
  io.stdout.write(`Removed silence ${id} (${removed.matcher}); its alerts are sent again from the next check.\n`);
  return EXIT.ok;
}

function instantOf(text: string | undefined, io: CliIo): Date {
  return text === undefined ? (io.clock ?? (() => new Date()))() : parseInstant(text, '--now');
}

function storeOf(path: string | undefined, now: Date) {
  return createFileStore(path ?? DEFAULT_STATE_FILE, { now: () => now });
}

function byEnd(a: Silence, b: Silence): number {
  return a.endsAt.localeCompare(b.endsAt);
}
