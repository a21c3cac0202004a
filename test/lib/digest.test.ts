import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli.js';
import { buildDigest, type Digest } from '../../lib/digest/build.js';
import { DIGEST_LINE_MAX, renderDigestChatbot, renderDigestEmail } from '../../lib/digest/render.js';
import type { Report } from '../../lib/report.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { captureIo } from '../helpers/cli.js';
import { threeAccounts } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const START = new Date('2026-11-08T00:00:00Z');
const HOUR = 3_600_000;

describe('budget-alerts digest after a replayed week', () => {
  let sandbox: Sandbox;
  let dir: string;
  let config: string;
  let state: string;
  let env: Record<string, string>;
  const sent: { at: string; key: string; status: string; account: string }[] = [];
  const end = new Date(START.getTime() + 7 * 24 * HOUR);

  const cli = async (...args: string[]) => {
    const { io, stdout } = captureIo(env, end);
    const code = await main(args, io);
    return { code, stdout: stdout() };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ now: START, enforceRateLimits: false, accounts: threeAccounts(80) });
    dir = await tempDir('digest-');
    config = join(dir, 'budgets.yaml');
    state = join(dir, 'state.json');
    await writeFile(
      config,
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID_KEY }, budget: { monthly: 400 }, creditPrice: { amount: 0.05, currency: USD } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG_KEY }, balance: { below: 100 }, creditPrice: { amount: 0.02, currency: EUR } }
  - { id: api, provider: account-api, baseUrl: "${sandbox.urls['account-api']}", apiKey: { env: API_KEY }, balance: { runwayDays: 5000 }, creditPrice: { amount: 0.01, currency: USD } }
`,
    );
    env = { VID_KEY: sandbox.keyOf('vid'), IMG_KEY: sandbox.keyOf('img'), API_KEY: sandbox.keyOf('api') };
    // A week of checks every 6 hours; img is not checked in the last day (its schedule is hourly, so it goes stale).
    for (let at = START.getTime(); at <= end.getTime(); at += 6 * HOUR) {
      sandbox.setNow(new Date(at));
      const accounts = at > end.getTime() - 24 * HOUR ? ['--accounts', 'vid,api'] : [];
      const { stdout } = await cli('check', '--config', config, '--state', state, '--now', new Date(at).toISOString(), '--json', ...accounts);
      const report = JSON.parse(stdout) as Report;
      sent.push(...report.alerts.map((a) => ({ at: report.checkedAt, key: a.key, status: a.status, account: a.account })));
    }
  }, 180_000);
  afterAll(() => sandbox?.close());

  it('prints the contract from the state file alone, counts what fired and resolved, flags the stale account, and exits 3', async () => {
    // Act
    const { code, stdout } = await cli('digest', '--config', config, '--state', state, '--now', end.toISOString(), '--period', 'week', '--json');
    const digest = JSON.parse(stdout) as Digest;

    // Assess
    expect(code).toBe(3);
    expect(Object.keys(digest).sort()).toEqual(['accounts', 'from', 'generatedAt', 'to', 'totals']);
    expect(digest).toMatchObject({ from: START.toISOString(), to: end.toISOString(), generatedAt: end.toISOString() });
    expect(digest.accounts.map((a) => [a.id, a.stale])).toEqual([
      ['vid', false],
      ['img', true],
      ['api', false],
    ]);
    for (const account of digest.accounts) {
      const firing = new Set(sent.filter((s) => s.account === account.id && s.status === 'firing').map((s) => s.key));
      const resolved = new Set(sent.filter((s) => s.account === account.id && s.status === 'resolved').map((s) => s.key));
      expect([account.id, account.fired, account.resolved]).toEqual([account.id, firing.size, resolved.size]);
    }
    expect(digest.accounts.find((a) => a.id === 'vid')?.fired).toBeGreaterThanOrEqual(2);
    expect(digest.accounts.find((a) => a.id === 'img')?.open).toEqual(['img/balance.low']);
    expect(digest.accounts.find((a) => a.id === 'api')?.open).toEqual(['api/balance.runway']);
    expect(digest.accounts.find((a) => a.id === 'vid')).toMatchObject({ balance: { available: expect.any(Number) }, money: { currency: 'USD' } });
  });

  it('totals money per currency and never mixes them', async () => {
    const { stdout } = await cli('digest', '--config', config, '--state', state, '--now', end.toISOString(), '--json');
    const digest = JSON.parse(stdout) as Digest;
    const sum = (currency: string, field: 'used' | 'available') =>
      Math.round(digest.accounts.filter((a) => a.money?.currency === currency).reduce((s, a) => s + a.money![field], 0) * 100) / 100;

    expect(digest.totals.map((t) => t.currency)).toEqual(['EUR', 'USD']);
    expect(digest.totals).toEqual([
      { currency: 'EUR', used: sum('EUR', 'used'), available: sum('EUR', 'available') },
      { currency: 'USD', used: sum('USD', 'used'), available: sum('USD', 'available') },
    ]);
  });

  it('mails a plain-text table of lines no longer than 78 characters', async () => {
    const { stdout } = await cli('digest', '--config', config, '--state', state, '--now', end.toISOString(), '--period', 'week');
    const lines = stdout.split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(DIGEST_LINE_MAX);
    expect(stdout).toMatch(/^ACCOUNT +AVAILABLE +USED \/ BUDGET +RUNWAY +F\/R\/OPEN$/m);
    expect(stdout).toMatch(/^vid +[\d,.]+ +[\d,.]+ \/ 400 \(\d+%\) +[\d.]+ d +\d+\/\d+\/\d+$/m);
    expect(stdout).toMatch(/^!img +/m);
    expect(stdout).toContain('Stale (no successful check for over twice its schedule):');
    expect(stdout).toMatch(/total EUR: used €[\d.,]+, available €[\d.,]+/);
    expect(stdout).toMatch(/^  vid: used \$[\d.,]+ of \$20\.00, available \$[\d.,]+/m);
    expect(stdout).not.toContain('...');
  });

  it('refuses an unknown period', async () => {
    const { code } = await cli('digest', '--config', config, '--state', state, '--period', 'month');
    expect(code).toBe(2);
  });
});

describe('digest rendering', () => {
  const now = new Date('2026-11-20T08:00:00Z');
  const digest = buildDigest({
    accounts: [
      { id: 'a-very-long-account-name-indeed-and-more', provider: 'pictory', schedule: 'rate(1 hour)', creditPrice: { amount: 0.05, currency: 'USD' } },
      { id: 'other', provider: 'pixelcut', schedule: 'rate(1 hour)' },
    ],
    states: new Map([
      [
        'a-very-long-account-name-indeed-and-more',
        {
          consecutiveFailures: 0,
          balanceHistory: [],
          lastCheckedAt: now.toISOString(),
          lastGood: { at: now.toISOString(), figures: { balance: { available: 123456789.5 }, consumption: { period: '2026-11', used: 98765432.25, budget: 100000000 }, runwayDays: 3.2 } },
        },
      ],
    ]),
    records: [],
    history: [],
    now,
    period: 'day',
  });

  it('keeps long names and large numbers within 78 characters a line', () => {
    const { subject, text } = renderDigestEmail(digest, 'daily');
    expect(subject).toBe('Budget digest 2026-11-20: 2 account(s), 1 stale');
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(DIGEST_LINE_MAX);
  });

  it('makes one Chatbot card with a line per account and the totals', () => {
    const card = renderDigestChatbot(digest, 'daily');
    expect(card.content.title).toBe(':bar_chart: Budget daily digest, 2026-11-20');
    expect(card.content.description).toContain(':warning: *other*: not checked yet');
    expect(card.content.description).toContain('*USD*: used');
  });
});
