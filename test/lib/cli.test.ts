import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../lib/cli.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { captureIo } from '../helpers/cli.js';
import { threeAccounts } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = new Date('2026-11-15T12:00:00Z');

const capture = (env: Record<string, string> = {}, extra: Partial<CliIo> = {}) => captureIo(env, NOW, extra);

describe('budget-alerts check', () => {
  let sandbox: Sandbox;
  let dir: string;
  let configPath: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      now: NOW,
      // Each CLI run has its own HTTP client, as separate processes do; per-second limits are tested with the adapters.
      enforceRateLimits: false,
      accounts: threeAccounts(80),
    });
  });
  afterAll(() => sandbox?.close());

  beforeEach(async () => {
    sandbox.clearFaults();
    dir = await tempDir('cli-test-');
    configPath = join(dir, 'budgets.yaml');
    await writeFile(
      configPath,
      `accounts:
  - id: vid
    provider: pictory
    baseUrl: ${sandbox.urls.pictory}
    apiKey: { env: VID_KEY }
    budget: { monthly: 400, alertAt: [50, 80] }
  - id: img
    provider: pixelcut
    baseUrl: ${sandbox.urls.pixelcut}
    apiKey: { env: IMG_KEY }
    balance: { below: 100 }
  - id: api
    provider: account-api
    baseUrl: ${sandbox.urls['account-api']}
    apiKey: { env: API_KEY }
    budget: { monthly: 1000 }
`,
    );
    env = { VID_KEY: sandbox.keyOf('vid'), IMG_KEY: sandbox.keyOf('img'), API_KEY: sandbox.keyOf('api') };
  });

  const args = (...extra: string[]) => ['check', '--config', configPath, '--state', join(dir, 'state.json'), ...extra];

  it('prints exactly one JSON report with --json and exits 0 when every account was checked', async () => {
    // Prepare
    const { io, stdout, stderr } = capture(env);

    // Act
    const code = await main(args('--json'), io);

    // Assess
    expect(stderr()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout());
    expect(report.checkedAt).toBe(NOW.toISOString());
    expect(report.accounts.map((a: { id: string; status: string }) => `${a.id}:${a.status}`)).toEqual(['vid:ok', 'img:ok', 'api:ok']);
    expect(report.accounts[0].consumption).toMatchObject({ period: '2026-11', budget: 400 });
    // 1 credit an hour since Nov 1 00:00; the debit stamped exactly at --now counts.
    expect(report.accounts[0].consumption.used).toBe(14.5 * 24 + 1);
    const kinds = report.alerts.map((a: { key: string }) => a.key).sort();
    expect(kinds).toEqual([
      'img/balance.low',
      'vid/budget.actual:50/2026-11',
      'vid/budget.actual:80/2026-11',
      'vid/budget.forecast:100/2026-11',
    ]);
    for (const alert of report.alerts) {
      expect(Object.keys(alert).sort()).toEqual(
        expect.arrayContaining(['key', 'account', 'provider', 'kind', 'severity', 'status', 'title', 'message']),
      );
    }
  });

  it('takes the clock from --now and sends nothing new on a second run at the same instant', async () => {
    const first = capture(env);
    const second = capture(env);

    await main(args('--json', '--now', '2026-11-02T00:00:00Z'), first.io);
    await main(args('--json', '--now', '2026-11-02T00:00:00Z'), second.io);

    expect(JSON.parse(first.stdout()).checkedAt).toBe('2026-11-02T00:00:00.000Z');
    expect(JSON.parse(first.stdout()).alerts.length).toBeGreaterThan(0);
    expect(JSON.parse(second.stdout()).alerts).toEqual([]);
  });

  it('changes no state and sends nothing with --dry-run, but reports what would be sent', async () => {
    const { io, stdout } = capture(env);

    const code = await main(args('--dry-run'), io);

    expect(code).toBe(0);
    expect(stdout()).toMatch(/4 alert\(s\) would be sent/);
    await expect(stat(join(dir, 'state.json'))).rejects.toThrow(/ENOENT/);
  });

  it('checks only the accounts named by --accounts, and rejects unknown ones with exit 2', async () => {
    const ok = capture(env);
    const bad = capture(env);

    await main(args('--json', '--accounts', 'img'), ok.io);
    const code = await main(args('--accounts', 'img,nope'), bad.io);

    expect(JSON.parse(ok.stdout()).accounts.map((a: { id: string }) => a.id)).toEqual(['img']);
    expect(code).toBe(2);
    expect(bad.stderr()).toMatch(/no account with id "nope"/);
  });

  it('exits 3 when an account cannot be checked, still reporting the others', async () => {
    // Prepare: a revoked key for one account.
    const { io, stdout } = capture({ ...env, API_KEY: 'not-a-valid-token' });

    // Act
    const code = await main(args('--json'), io);

    // Assess
    expect(code).toBe(3);
    const report = JSON.parse(stdout());
    expect(report.accounts.find((a: { id: string }) => a.id === 'api')).toMatchObject({ status: 'error', error: { code: 'auth' } });
    expect(report.accounts.filter((a: { status: string }) => a.status === 'ok')).toHaveLength(2);
    expect(report.alerts.find((a: { kind: string }) => a.kind === 'check.failed')).toMatchObject({ account: 'api', status: 'firing' });
  });

  it('reports an unset key variable as a failed check naming the variable', async () => {
    const { io, stdout } = capture({ VID_KEY: env.VID_KEY!, IMG_KEY: env.IMG_KEY! });

    const code = await main(args('--json'), io);

    expect(code).toBe(3);
    const api = JSON.parse(stdout()).accounts.find((a: { id: string }) => a.id === 'api');
    expect(api.error).toMatchObject({ code: 'key' });
    expect(api.error.message).toMatch(/API_KEY/);
  });

  it('never shows a key that a vendor echoes back: not in stdout, stderr, the report or the state file', async () => {
    // Prepare: every vendor echoes the caller's key in its error body and a header.
    for (const vendor of ['pictory', 'account-api', 'pixelcut'] as const) {
      sandbox.inject({ vendor, fault: { kind: 'echo-key', status: 400 }, times: Infinity });
    }
    const json = capture(env);
    const text = capture(env);

    // Act
    const code = await main(args('--json'), json.io);
    await main(args(), text.io);

    // Assess
    expect(code).toBe(3);
    const state = await readFile(join(dir, 'state.json'), 'utf8');
    const everything = [json.stdout(), json.stderr(), text.stdout(), text.stderr(), state].join('\n');
    expect(JSON.parse(json.stdout()).accounts.every((a: { status: string }) => a.status === 'error')).toBe(true);
    for (const key of Object.values(env)) {
      expect(everything).not.toContain(key);
    }
    expect(everything).toContain('[redacted]');
  });

  it('reports a corrupt state file with exit 2 (the user must fix it) instead of resetting it', async () => {
    await writeFile(join(dir, 'state.json'), 'not json');
    const { io, stderr } = capture(env);

    const code = await main(args(), io);

    expect(code).toBe(2);
    expect(stderr()).toMatch(/state\.json is corrupt/);
  });
});

describe('bad budgets files', () => {
  const account = (extra = '') => `  - id: a\n    provider: pictory\n    apiKey: { env: K }\n${extra}`;
  it.each([
    ['unknown field', `accounts:\n${account('    budgt: { monthly: 1 }\n')}`, 'accounts[0].budgt'],
    ['bad threshold', `accounts:\n${account('    budget: { monthly: 5, alertAt: [50, 0] }\n')}`, 'accounts[0].budget.alertAt[1]'],
    ['non-numeric budget', `accounts:\n${account('    budget: { monthly: ten }\n')}`, 'accounts[0].budget.monthly'],
    ['negative balance floor', `accounts:\n${account('    balance: { below: -5 }\n')}`, 'accounts[0].balance.below'],
    ['unknown provider', 'accounts:\n  - id: a\n    provider: acme\n    apiKey: { env: K }\n', 'accounts[0].provider'],
    ['uppercase id', 'accounts:\n  - id: Prod\n    provider: pictory\n    apiKey: { env: K }\n', 'accounts[0].id'],
    ['duplicate id', `accounts:\n${account()}${account()}`, 'accounts[1].id'],
    ['missing apiKey', 'accounts:\n  - id: a\n    provider: pictory\n', 'accounts[0].apiKey'],
    ['literal key', 'accounts:\n  - id: a\n    provider: pictory\n    apiKey: pictai_123\n', 'accounts[0].apiKey'],
    ['account-api without baseUrl', 'accounts:\n  - id: a\n    provider: account-api\n    apiKey: { env: K }\n', 'accounts[0].baseUrl'],
    ['bad timezone', `accounts:\n${account('    timezone: Nowhere/Town\n')}`, 'accounts[0].timezone'],
    ['bad error rate', `accounts:\n${account('    usage: { errorRate: 150 }\n')}`, 'accounts[0].usage.errorRate'],
    ['bad default', `defaults:\n  renotifyHours: -1\naccounts:\n${account()}`, 'defaults.renotifyHours'],
    ['no accounts', 'accounts: []\n', 'accounts'],
  ])('%s: exit 2, stderr names the file and the field path', async (_name, text, path) => {
    // Prepare
    const dir = await tempDir('bad-config-');
    const file = join(dir, 'budgets.yaml');
    await writeFile(file, text);
    const check = capture({ K: 'x' });
    const validate = capture({ K: 'x' });

    // Act
    const checkCode = await main(['check', '--config', file, '--state', join(dir, 's.json')], check.io);
    const validateCode = await main(['validate', '--config', file], validate.io);

    // Assess
    expect([checkCode, validateCode]).toEqual([2, 2]);
    expect(check.stderr()).toContain(`${file}: ${path}: `);
    expect(validate.stderr()).toContain(`${file}: ${path}: `);
    expect(check.stdout()).toBe('');
  });

  it('exit 2 for a missing file and for bad arguments', async () => {
    const missing = capture();
    const noConfig = capture();
    const badNow = capture();
    const unknownFlag = capture();

    const codes = [
      await main(['check', '--config', '/nonexistent/budgets.yaml'], missing.io),
      await main(['check'], noConfig.io),
      await main(['check', '--config', 'x.yaml', '--now', 'yesterday'], badNow.io),
      await main(['check', '--config', 'x.yaml', '--verbose'], unknownFlag.io),
    ];

    expect(codes).toEqual([2, 2, 2, 2]);
    expect(missing.stderr()).toMatch(/\/nonexistent\/budgets\.yaml: file not found/);
    expect(noConfig.stderr()).toMatch(/--config is required/);
    expect(badNow.stderr()).toMatch(/--now: "yesterday"/);
    expect(unknownFlag.stderr()).toMatch(/--verbose/);
  });
});

describe('budget-alerts schema, validate, and the bin', () => {
  it('prints a JSON Schema', async () => {
    const { io, stdout } = capture();
    expect(await main(['schema'], io)).toBe(0);
    expect(JSON.parse(stdout()).properties.accounts.type).toBe('array');
  });

  it('runs as a real process through the bin entry without a build step', async () => {
    const dir = await tempDir('bin-');
    const file = join(dir, 'budgets.yaml');
    await writeFile(file, 'accounts:\n  - id: a\n    provider: pixelcut\n    apiKey: { env: K }\n');

    const { stdout } = await promisify(execFile)(process.execPath, ['bin/budget-alerts.js', 'validate', '--config', file]);

    expect(stdout).toBe(`${file}: ok (1 account)\n`);
  });
});

describe('budget-alerts demo', () => {
  it('replays a month on loopback only, showing several kinds of alert on every channel', async () => {
    // Prepare: record every address the demo's HTTP client reaches.
    const hosts = new Set<string>();
    const recordingFetch: typeof fetch = (input, init) => {
      hosts.add(new URL(input instanceof Request ? input.url : String(input)).hostname);
      return fetch(input, init);
    };
    const { io, stdout } = capture({}, { fetch: recordingFetch });

    // Act
    const code = await main(['demo'], io);

    // Assess
    expect(code).toBe(0);
    expect([...hosts]).toEqual(['127.0.0.1']);
    const kinds = new Set([...stdout().matchAll(/^ {2}(\S+) (firing|resolved) +\d+$/gm)].map((m) => m[1]));
    expect(kinds.size).toBeGreaterThanOrEqual(3);
    expect(stdout()).toMatch(/Subject: /);
    expect(stdout()).toMatch(/ sms {5}/);
    expect(stdout()).toMatch(/ slack {3}┌ /);
    // What each capability does: money beside credits, snooze links, a silence, quiet hours, the digest.
    expect(stdout()).toMatch(/credits \(\$[\d.]+ of \$[\d.]+\)/);
    expect(stdout()).toMatch(/Snooze 1 day: https:\/\/\S+\?t=/);
    expect(stdout()).toMatch(/^── held by a silence: /m);
    expect(stdout()).toMatch(/on-call phone, its quiet hours over \(one message\): WARNING: \d+ alerts:/);
    expect(stdout()).toMatch(/^ACCOUNT +AVAILABLE +USED \/ BUDGET/m);
  }, 120_000);
});
