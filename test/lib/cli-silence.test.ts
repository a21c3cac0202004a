import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli.js';
import type { Report } from '../../lib/report.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { captureIo } from '../helpers/cli.js';
import { threeAccounts } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const HOUR = 3_600_000;
const later = (hours: number) => new Date(NOW.getTime() + hours * HOUR).toISOString();

describe('budget-alerts silence', () => {
  let sandbox: Sandbox;
  let dir: string;
  let config: string;
  let state: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ now: NOW, enforceRateLimits: false, accounts: threeAccounts(80) });
  });
  afterAll(() => sandbox?.close());
  beforeEach(async () => {
    dir = await tempDir('cli-silence-');
    config = join(dir, 'budgets.yaml');
    state = join(dir, 'state.json');
    await writeFile(
      config,
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID_KEY }, budget: { monthly: 400, alertAt: [50, 80] } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG_KEY }, balance: { below: 100 } }
`,
    );
    env = { VID_KEY: sandbox.keyOf('vid'), IMG_KEY: sandbox.keyOf('img') };
  });

  const cli = async (...args: string[]) => {
    const { io, stdout, stderr } = captureIo(env, NOW);
    const code = await main(args, io);
    return { code, stdout: stdout(), stderr: stderr() };
  };
  const check = async (now: string) => {
    const { code, stdout } = await cli('check', '--config', config, '--state', state, '--now', now, '--json');
    return { code, report: JSON.parse(stdout) as Report };
  };

  it('holds a matching alert while silenced, leaves its state alone, and sends it once after the silence ends', async () => {
    // Prepare
    const added = await cli('silence', 'add', 'vid/budget.*', '--for', '2h', '--reason', 'known batch', '--state', state, '--now', NOW.toISOString(), '--json');
    const silence = JSON.parse(added.stdout) as { id: string; matcher: string; startsAt: string; endsAt: string; reason: string };

    // Act
    const during = await check(NOW.toISOString());
    const storedDuring = JSON.parse(await readFile(state, 'utf8')) as { alerts: Record<string, unknown> };
    const still = await check(later(1));
    const after = await check(later(3));
    const again = await check(later(4));

    // Assess
    expect(added.code).toBe(0);
    expect(silence).toEqual({ id: expect.any(String), matcher: 'vid/budget.*', startsAt: NOW.toISOString(), endsAt: later(2), reason: 'known batch' });
    expect(during.report.silenced?.map((a) => a.key).sort()).toEqual(['vid/budget.actual:50/2026-11', 'vid/budget.actual:80/2026-11', 'vid/budget.forecast:100/2026-11']);
    expect(during.report.alerts.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(Object.keys(storedDuring.alerts).filter((id) => id.includes('vid/budget'))).toEqual([]);
    expect(still.report.alerts).toEqual([]);
    expect(still.report.silenced).toHaveLength(3);
    expect(after.report.alerts.map((a) => a.key).sort()).toEqual(['vid/budget.actual:50/2026-11', 'vid/budget.actual:80/2026-11', 'vid/budget.forecast:100/2026-11']);
    expect(after.report.silenced).toBeUndefined();
    expect(again.report.alerts).toEqual([]);
  });

  it('lists active silences, and silence rm ends one early', async () => {
    // Prepare
    const added = await cli('silence', 'add', 'img/balance.low', '--until', later(48), '--state', state, '--now', NOW.toISOString());
    const id = added.stdout.split('\n')[0]!;

    // Act
    const listed = await cli('silence', 'list', '--state', state, '--now', NOW.toISOString(), '--json');
    const held = await check(NOW.toISOString());
    const removed = await cli('silence', 'rm', id, '--state', state);
    const sent = await check(later(1));
    const empty = await cli('silence', 'list', '--state', state, '--now', later(1));

    // Assess
    expect(added.stdout).toContain(`Undo: budget-alerts silence rm ${id}`);
    expect(JSON.parse(listed.stdout)).toEqual([{ id, matcher: 'img/balance.low', startsAt: NOW.toISOString(), endsAt: later(48) }]);
    expect(held.report.silenced?.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(removed.code).toBe(0);
    expect(sent.report.alerts.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(empty.stdout).toBe('No active silences.\n');
  });

  it('prints held alerts under a heading of their own', async () => {
    await cli('silence', 'add', 'img/*', '--for', '1h', '--state', state, '--now', NOW.toISOString());

    const { stdout } = await cli('check', '--config', config, '--state', state, '--now', NOW.toISOString());

    expect(stdout).toMatch(/Held back by silences \(1; sent once the silence ends, if still due\):\n.*balance below 100 credits {2}\[img\/balance\.low\]/);
  });

  it.each([
    [['silence', 'add', 'video prod/*', '--for', '1h'], /matcher "video prod\/\*" may hold only printable characters without spaces; expected an alert key/],
    [['silence', 'add', '*', '--for', '1h'], /would silence every alert/],
    [['silence', 'add', 'vid/*', '--for', '1 week'], /--for: "1 week" is not a duration such as 30m, 24h or 7d/],
    [['silence', 'add', 'vid/*'], /either --for DURATION or --until ISO/],
    [['silence', 'add', 'vid/*', '--for', '1h', '--until', '2026-11-16T00:00:00Z'], /either --for DURATION or --until ISO/],
    [['silence', 'add', 'vid/*', '--until', '2026-11-01T00:00:00Z'], /not after/],
    [['silence', 'rm', 'nope'], /no silence with id "nope"/],
    [['silence', 'frobnicate'], /expected add, list or rm/],
  ])('refuses %j with exit 2 and says what is accepted', async (args, message) => {
    const { code, stderr } = await cli(...args, '--state', state);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
