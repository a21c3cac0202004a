// The json provider end to end, through `budget-alerts check` (lib/cli.ts): what a broken endpoint does
// to the exit code and the report, and where a key echoed back by a vendor could surface — stdout,
// stderr, the report, the alert texts, the state file — and that it surfaces nowhere.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../lib/cli.js';
import { startSandbox, type Fault, type Sandbox } from '../../lib/sandbox/index.js';
import { recordingServer } from './providers/helpers.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const START = new Date('2026-11-01T00:00:00Z');
const KEY = 'sk-RT/Secret+Key-12345678';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    now: NOW,
    enforceRateLimits: false,
    accounts: [
      { id: 'credits', vendor: 'json', key: KEY, start: START, openingBalance: 1000, burnPerHour: 1 },
      { id: 'router', vendor: 'openrouter', key: `${KEY}-router`, start: START, openingBalance: 100, burnPerHour: 0.1 },
    ],
  });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.clearFaults();
  dir = await tempDir('json-cli-');
});

async function run(endpoint: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string; state: string }> {
  const config = join(dir, 'budgets.yaml');
  await writeFile(
    config,
    `accounts:
  - id: credits
    provider: json
    baseUrl: ${sandbox.urls.json}
    apiKey: { env: CREDITS_KEY }
    endpoint:
${endpoint}
    balance: { below: 2000 }
  - id: router
    provider: openrouter
    baseUrl: ${sandbox.urls.openrouter}
    apiKey: { env: ROUTER_KEY }
`,
  );
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { CREDITS_KEY: KEY, ROUTER_KEY: `${KEY}-router` },
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    clock: () => NOW,
  };
  const state = join(dir, 'state.json');
  const code = await main(['check', '--config', config, '--state', state, ...extra], io);
  return { code, stdout: out.join(''), stderr: err.join(''), state: await readFile(state, 'utf8').catch(() => '') };
}

const HEADER_AUTH = `      path: /v1/balance
      auth: { header: Authorization, value: "Bearer {key}" }
      available: data.remaining`;
const QUERY_AUTH = `      path: /v1/balance
      auth: { query: api_key }
      available: data.remaining`;

describe('budget-alerts check with a json account', () => {
  it('reports the balance of a json account and a preset account, exit 0', async () => {
    // Act
    const result = await run(HEADER_AUTH, ['--json']);

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.accounts.map((a: { id: string; balance: unknown }) => [a.id, a.balance])).toEqual([
      ['credits', { available: 652 }],
      ['router', { available: 65.2, total: 100, currency: 'USD' }],
    ]);
  });

  it.each([
    ['missing', {}, 'data: missing (reading data.remaining)'],
    ['null', { data: { remaining: null } }, 'data.remaining: expected a number, found null'],
    ['text', { data: { remaining: 'lots' } }, 'data.remaining: expected a number, found text that is not a number'],
    ['an object', { data: { remaining: {} } }, 'data.remaining: expected a number, found an object'],
    ['an array', { data: { remaining: [5] } }, 'data.remaining: expected a number, found an array'],
  ])('exits 3 when the PATH finds %s, naming the path, with no balance (never 0) for that account', async (_, body, problem) => {
    // Prepare
    sandbox.inject({ vendor: 'json', fault: { kind: 'drift', body } });

    // Act
    const result = await run(HEADER_AUTH, ['--json']);

    // Assess
    expect(result.code).toBe(3);
    const [credits, router] = JSON.parse(result.stdout).accounts;
    expect(credits).toMatchObject({ id: 'credits', status: 'error', error: { code: 'response', message: `json GET /v1/balance: ${problem}` } });
    expect(credits.balance).toBeUndefined();
    expect(router.status).toBe('ok');
  });

  it('exits 2 for a PATH that cannot parse, naming the field', async () => {
    // Act
    const result = await run(HEADER_AUTH.replace('data.remaining', 'data[remaining'));

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('accounts[0].endpoint.available: is not a PATH (unexpected "[" at character 5');
  });
});

describe('a key echoed back by the vendor', () => {
  const faults: [string, (elsewhere: string) => Fault][] = [
    ['in an error body', () => ({ kind: 'echo-key', status: 400 })],
    ['in an error body, JSON-escaped', () => ({ kind: 'body', status: 401, body: `{"error":"bad key ${KEY.replace('/', '\\/')}"}` })],
    ['in a redirect to another port', (elsewhere) => ({ kind: 'redirect', location: `${elsewhere}/k/${encodeURIComponent(KEY)}?api_key=${encodeURIComponent(KEY)}` })],
  ];
  it.each(
    faults.flatMap(([what, fault]) => [
      [`sent in a header, echoed ${what}`, HEADER_AUTH, fault] as const,
      [`sent in the query string, echoed ${what}`, QUERY_AUTH, fault] as const,
    ]),
  )('%s: appears in no output, report, alert or state file, and never reaches another port', async (_, endpoint, fault) => {
    // Prepare: three runs, so that even a transient failure alerts.
    const elsewhere = await recordingServer();
    sandbox.inject({ vendor: 'json', fault: fault(elsewhere.url), times: Infinity });

    // Act
    const runs = [await run(endpoint), await run(endpoint), await run(endpoint, ['--json'])];
    await elsewhere.close();

    // Assess
    expect(runs.map((r) => r.code)).toEqual([3, 3, 3]);
    const everything = runs.map((r) => `${r.stdout}\n${r.stderr}\n${r.state}`).join('\n');
    expect(everything).toContain('check.failed');
    for (const form of [KEY, encodeURIComponent(KEY), KEY.replace('/', '\\/'), KEY.slice(0, 12)]) expect(everything).not.toContain(form);
    expect(elsewhere.requests).toEqual([]);
  });
});
