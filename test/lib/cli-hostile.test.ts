import { execFile, spawn } from 'node:child_process';
import { chmod, readFile, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { captureIo } from '../helpers/cli.js';
import { threeAccounts } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

// Inputs a hostile or careless user gives the CLI (issue 9): each gets exit 2 or a per-account error
// that names it, within bounded time and memory, with nothing lost and no key shown.
const NOW = new Date('2026-11-15T12:00:00Z');
const BIN = 'bin/budget-alerts.js';
const run = promisify(execFile);

const capture = (env: Record<string, string> = {}) => captureIo(env, NOW);

let dir: string;
beforeEach(async () => {
  dir = await tempDir('cli-hostile-');
});

describe('a hostile budgets file', () => {
  const account = `  - id: a\n    provider: pixelcut\n    apiKey: { env: K }\n`;
  const validate = async (text: string) => {
    const file = join(dir, 'budgets.yaml');
    await writeFile(file, text);
    const { io, stderr } = capture();
    return { code: await main(['validate', '--config', file], io), stderr: stderr(), file };
  };

  it('refuses a 6 MB file without reading it whole, naming the file and the limit', async () => {
    const { code, stderr, file } = await validate(`accounts:\n${account}# ${'x'.repeat(6 * 1024 * 1024)}\n`);
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/at most 5 MiB/);
  });

  it('refuses a YAML alias bomb with exit 2, naming the file, and no stack trace', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const prev = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { code, stderr, file } = await validate(`${levels.join('\n')}\naccounts:\n${account}`);
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/aliases/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('loads a real file of 101 accounts sharing one apiKey alias', async () => {
    const rest = Array.from({ length: 100 }, (_, i) => `  - id: a${i + 1}\n    provider: pixelcut\n    apiKey: *key\n`).join('');
    const { code, stderr } = await validate(`accounts:\n  - id: a0\n    provider: pixelcut\n    apiKey: &key { env: K }\n${rest}`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('refuses deep nesting, naming where', async () => {
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    const { code, stderr } = await validate(`accounts:\n${account}    budget: ${deep}\n`);
    expect(code).toBe(2);
    expect(stderr).toMatch(/nested more than 32 levels/);
  });

  it('refuses duplicate keys, naming the line', async () => {
    const { code, stderr, file } = await validate(`accounts:\n  - id: a\n    id: b\n    provider: pixelcut\n    apiKey: { env: K }\n`);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:3`);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key inside an account as an unknown field (it must not set the budget)', async (key) => {
    const { code, stderr } = await validate(`accounts:\n${account}    ${key}: { budget: { monthly: 5 } }\n`);
    expect(code).toBe(2);
    expect(stderr).toContain(`accounts[0].${key}: unknown field`);
  });

  it('refuses a __proto__ key in JSON too', async () => {
    const file = join(dir, 'budgets.json');
    await writeFile(file, '{"accounts":[{"id":"a","provider":"pixelcut","apiKey":{"env":"K"},"__proto__":{"budget":{"monthly":5}}}]}');
    const { io, stderr } = capture();
    expect(await main(['validate', '--config', file], io)).toBe(2);
    expect(stderr()).toContain('accounts[0].__proto__');
  });

  it.each([['.nan', 'NaN'], ['.inf', 'Infinity'], ['-.inf', '-Infinity']])('refuses %s as a number, naming the field', async (value) => {
    const { code, stderr } = await validate(`accounts:\n${account}    budget: { monthly: ${value} }\n`);
    expect(code).toBe(2);
    expect(stderr).toContain('accounts[0].budget.monthly');
  });
});

describe('hostile state files and instants', () => {
  let sandbox: Sandbox;
  let config: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ now: NOW, enforceRateLimits: false, accounts: threeAccounts(80) });
  });
  afterAll(() => sandbox?.close());
  beforeEach(async () => {
    config = join(dir, 'budgets.yaml');
    await writeFile(
      config,
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID_KEY }, budget: { monthly: 400, alertAt: [50, 80] } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG_KEY }, balance: { below: 100 }, budget: { monthly: 50 } }
`,
    );
    env = { VID_KEY: sandbox.keyOf('vid'), IMG_KEY: sandbox.keyOf('img') };
  });
  const check = async (state: string, ...extra: string[]) => {
    const { io, stdout, stderr } = capture(env);
    const code = await main(['check', '--config', config, '--state', state, '--json', ...extra], io);
    return { code, stdout: stdout(), stderr: stderr() };
  };
  const noKeys = (text: string) => {
    for (const key of Object.values(env)) expect(text).not.toContain(key);
  };

  it.each([
    ['corrupt', 'not json at all'],
    ['truncated', '{"version":2,"alerts":{"stdout#vid/'],
    ['of a wrong shape', JSON.stringify({ version: 2, alerts: { x: { key: 1 } }, accounts: {} })],
  ])('refuses a %s state file with exit 2, naming it, and leaves it untouched', async (_what, text) => {
    const state = join(dir, 'state.json');
    await writeFile(state, text);
    const { code, stderr } = await check(state);
    expect(code).toBe(2);
    expect(stderr).toContain(state);
    expect(stderr).toMatch(/corrupt/);
    expect(await readFile(state, 'utf8')).toBe(text);
    noKeys(stderr);
  });

  it('refuses a read-only state file, naming it, before sending anything', async () => {
    const state = join(dir, 'state.json');
    await check(state);
    const before = await readFile(state, 'utf8');
    await chmod(state, 0o444);
    sandbox.setNow(new Date(NOW.getTime() + 40 * 86_400_000));
    try {
      const { code, stderr } = await check(state, '--now', new Date(NOW.getTime() + 40 * 86_400_000).toISOString());
      expect(code).toBe(2);
      expect(stderr).toContain(`${state} is read-only`);
      expect(await readFile(state, 'utf8')).toBe(before);
      expect((await lstat(state)).mode & 0o777).toBe(0o444);
    } finally {
      sandbox.setNow(NOW);
    }
  });

  it('writes through a symlinked state file, so a second path to the same state sends nothing again', async () => {
    const real = join(dir, 'real-state.json');
    const link = join(dir, 'link-state.json');
    await check(real);
    await symlink(real, link);

    const viaLink = await check(link);

    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((JSON.parse(viaLink.stdout) as { alerts: unknown[] }).alerts).toEqual([]);
    expect(JSON.parse(await readFile(real, 'utf8'))).toMatchObject({ version: 2 });
  });

  it('refuses a FIFO as the state file at once instead of hanging', async () => {
    const fifo = join(dir, 'state.fifo');
    await run('mkfifo', [fifo]);
    const { code, stderr } = await check(fifo);
    expect(code).toBe(2);
    expect(stderr).toContain('is not a regular file');
  });

  it('refuses a state folder that cannot be created, naming it, with no stack trace', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const state = join(blocker, 'state.json');
    const { code, stderr } = await check(state);
    expect(code).toBe(2);
    expect(stderr).toContain(`state file ${state} cannot be opened`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses impossible instants and reads a zone-less one as UTC', async () => {
    const state = join(dir, 'state.json');
    const impossible = await check(state, '--now', '2027-02-30T00:00:00Z');
    const zoneless = await check(join(dir, 'other.json'), '--now', '2026-11-15T12:00:00', '--dry-run');

    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toContain('--now: "2027-02-30T00:00:00Z" is not a valid ISO instant');
    expect((JSON.parse(zoneless.stdout) as { checkedAt: string }).checkedAt).toBe('2026-11-15T12:00:00.000Z');
  });

  it('does not let a replay of a past instant damage the live state', async () => {
    // Prepare: live runs a day apart; the balance of img is flat, so nothing is consumed.
    const state = join(dir, 'state.json');
    const day = 86_400_000;
    await check(state, '--now', new Date(NOW.getTime() - day).toISOString());
    await check(state, '--now', NOW.toISOString());

    // Act: a replay of an instant in between (the vendor answers today's balance), then the next live run.
    await check(state, '--now', new Date(NOW.getTime() - day / 2).toISOString());
    const next = await check(state, '--now', new Date(NOW.getTime() + 3_600_000).toISOString());

    // Assess: no consumption appeared, so no budget alert for img.
    const report = JSON.parse(next.stdout) as { accounts: { id: string; consumption?: { used: number } }[]; alerts: { key: string }[] };
    expect(report.accounts.find((a) => a.id === 'img')?.consumption?.used).toBe(0);
    expect(report.alerts.filter((a) => a.key.startsWith('img/budget'))).toEqual([]);
  });

  it('does not let a replay of a future instant prune what the live state still needs', async () => {
    // Prepare: a live run sends the due alerts.
    const state = join(dir, 'state.json');
    const first = await check(state);
    expect((JSON.parse(first.stdout) as { alerts: unknown[] }).alerts.length).toBeGreaterThan(0);

    // Act: a replay 100 days ahead (past every record's retention), then a live run again.
    await check(state, '--now', new Date(NOW.getTime() + 100 * 86_400_000).toISOString());
    const again = await check(state, '--now', new Date(NOW.getTime() + 60_000).toISOString());

    // Assess: nothing re-sent.
    expect((JSON.parse(again.stdout) as { alerts: unknown[] }).alerts).toEqual([]);
  });
});

// Real processes (each starts Node and compiles the CLI): generous timeouts for a busy machine.
describe('CLI processes sharing one state file', { timeout: 240_000 }, () => {
  let sandbox: Sandbox;
  let config: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sandbox = await startSandbox({ now: NOW, enforceRateLimits: false, latencyMs: 20, accounts: threeAccounts(80) });
    const base = await tempDir('cli-procs-');
    config = join(base, 'budgets.yaml');
    await writeFile(
      config,
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID_KEY }, budget: { monthly: 400, alertAt: [10, 20, 30, 40, 50, 60, 70, 80] } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG_KEY }, balance: { below: 100 } }
  - { id: api, provider: account-api, baseUrl: "${sandbox.urls['account-api']}", apiKey: { env: API_KEY }, budget: { monthly: 300, alertAt: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] } }
`,
    );
    env = { ...process.env, VID_KEY: sandbox.keyOf('vid'), IMG_KEY: sandbox.keyOf('img'), API_KEY: sandbox.keyOf('api') };
  });
  afterAll(() => sandbox?.close());

  const keysOf = (stdout: string): string[] => (JSON.parse(stdout) as { alerts: { key: string }[] }).alerts.map((a) => a.key);
  const cli = (state: string, ...extra: string[]) =>
    run(process.execPath, [BIN, 'check', '--config', config, '--state', state, '--now', NOW.toISOString(), '--json', ...extra], { env }).catch(
      (e: { stdout: string }) => e,
    );
  // What one run alone sends.
  let due = 0;
  beforeAll(async () => {
    due = keysOf((await cli(join(await tempDir('cli-due-'), 'state.json'), '--dry-run')).stdout).length;
  });

  it('sends each alert once across 10 pairs of concurrent processes', async () => {
    // Two pairs at a time: four processes race, each pair on its own state file.
    for (let pair = 0; pair < 10; pair += 2) {
      const results = await Promise.all([pair, pair + 1].map(async (p) => {
        const state = join(dir, `pair-${p}.json`);
        const [a, b] = await Promise.all([cli(state), cli(state)]);
        return [...keysOf(a.stdout), ...keysOf(b.stdout)].sort();
      }));
      for (const keys of results) {
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.length).toBe(due);
      }
    }
  });

  it('loses nothing when a run is killed with SIGKILL mid-send and rerun at once', async () => {
    // Prepare: the first run prints each alert as it is sent; kill it after the first one.
    const state = join(dir, 'killed.json');
    const child = spawn(process.execPath, [BIN, 'check', '--config', config, '--state', state, '--now', NOW.toISOString()], { env });
    let printed = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (/\] firing/.test(printed)) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });

    // Act
    const rerun = await cli(state);

    // Assess: everything due reached the terminal, at most once more than once (the re-send window).
    const killedTitles = printed.split('\n').filter((line) => / firing /.test(line)).length;
    const rerunKeys = keysOf(rerun.stdout);
    expect(killedTitles).toBeGreaterThan(0);
    expect(due).toBeGreaterThan(10);
    expect(killedTitles + rerunKeys.length).toBeGreaterThanOrEqual(due);
    // Only the one alert the killed run may have sent without recording it can come twice.
    expect(killedTitles + rerunKeys.length).toBeLessThanOrEqual(due + 1);
    const stored = JSON.parse(await readFile(state, 'utf8')) as { alerts: Record<string, { pending?: unknown; notified?: unknown }> };
    expect(Object.values(stored.alerts).filter((r) => r.notified === undefined)).toEqual([]);
  });

  it('finishes and records what it sent when the reader of its output goes away (check | head -1)', async () => {
    // Prepare
    const state = join(dir, 'piped.json');
    const child = spawn(process.execPath, [BIN, 'check', '--config', config, '--state', state, '--now', NOW.toISOString()], { env });

    // Act: read one chunk, then close the pipe, as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    // Assess
    expect(code).toBe(0);
    const stored = JSON.parse(await readFile(state, 'utf8')) as { alerts: Record<string, { pending?: unknown }> };
    expect(Object.keys(stored.alerts)).toHaveLength(due);
    expect(Object.values(stored.alerts).filter((r) => r.pending !== undefined)).toEqual([]);
  });
});
