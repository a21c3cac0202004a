import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAccounts, type CheckDeps } from '../../lib/check.js';
import { mapConcurrent } from '../../lib/concurrency.js';
import { parseBudgets, type BudgetsConfig } from '../../lib/config.js';
import type { AlertPublisher } from '../../lib/delivery/types.js';
import { createKeyResolver } from '../../lib/keys.js';
import { createHttpClient } from '../../lib/providers/http.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { createFileStore } from '../../lib/state/file-store.js';
import type { AlertStateStore } from '../../lib/state/types.js';
import { recordingPublisher, threeAccounts } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = new Date('2026-11-15T12:00:00Z');


describe('checkAccounts', () => {
  let sandbox: Sandbox;
  let config: BudgetsConfig;
  let statePath: string;
  let resolveKey: CheckDeps['resolveKey'];
  // One client for every run, as in a process: its Pixelcut rate limit then spans the runs.
  const http = createHttpClient({ retries: 0 });

  beforeAll(async () => {
    sandbox = await startSandbox({
      now: NOW,
      accounts: threeAccounts(50),
    });
    config = parseBudgets(
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID }, budget: { monthly: 400, alertAt: [50, 80], forecastAt: [100] } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG }, balance: { below: 100 } }
  - { id: api, provider: account-api, baseUrl: "${sandbox.urls['account-api']}", apiKey: { env: API }, balance: { below: 10 } }
`,
      'check.yaml',
    );
    resolveKey = createKeyResolver({
      env: { VID: sandbox.keyOf('vid'), IMG: sandbox.keyOf('img'), API: sandbox.keyOf('api') },
      ssm: () => {
        throw new Error('no SSM in this test');
      },
    });
  });
  afterAll(() => sandbox?.close());

  beforeEach(async () => {
    sandbox.clearFaults();
    statePath = join(await tempDir('check-'), 'state.json');
  });

  const deps = (publisher: AlertPublisher, extra: Partial<CheckDeps> = {}): CheckDeps => ({
    http,
    store: createFileStore(statePath, { now: () => NOW }),
    publisher,
    resolveKey,
    ...extra,
  });

  it('sends each alert exactly once when two runs start together on one state file', async () => {
    // Prepare
    const first = recordingPublisher();
    const second = recordingPublisher();

    // Act
    const [a, b] = await Promise.all([checkAccounts(deps(first), config, NOW), checkAccounts(deps(second), config, NOW)]);

    // Assess
    const keys = [...first.sent, ...second.sent].map((alert) => alert.key).sort();
    expect(keys).toEqual(['img/balance.low', 'vid/budget.actual:50/2026-11', 'vid/budget.actual:80/2026-11', 'vid/budget.forecast:100/2026-11']);
    expect(a.report.alerts.length + b.report.alerts.length).toBe(4);
  });

  it('keeps the others when one publication fails, and sends the failed one on the next run', async () => {
    // Prepare
    const failing = recordingPublisher((alert) => alert.key === 'img/balance.low');
    const healthy = recordingPublisher();

    // Act
    const broken = await checkAccounts(deps(failing), config, NOW);
    const next = await checkAccounts(deps(healthy), config, new Date(NOW.getTime() + 3_600_000));
    const after = await checkAccounts(deps(recordingPublisher()), config, new Date(NOW.getTime() + 7_200_000));

    // Assess
    expect(failing.sent.map((a) => a.key).sort()).toEqual(['vid/budget.actual:50/2026-11', 'vid/budget.actual:80/2026-11', 'vid/budget.forecast:100/2026-11']);
    expect(broken.unsent.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(broken.report.alerts.map((a) => a.key)).not.toContain('img/balance.low');
    expect(healthy.sent.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(next.report.alerts.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(after.sent).toEqual([]);
  });

  it('re-sends an alert whose claim was left pending by a run that died mid-send', async () => {
    // Prepare: a run claims but never confirms or releases (the process died).
    let claimedAll!: () => void;
    const allClaimed = new Promise<void>((resolve) => (claimedAll = resolve));
    let calls = 0;
    // publish is called only after its claim landed: once all four hang there, every claim is pending.
    const dying: AlertPublisher = {
      publish: () => {
        if (++calls === 4) claimedAll();
        return new Promise<void>(() => undefined);
      },
    };
    void checkAccounts(deps(dying, { claimTtlMs: 60_000 }), config, NOW);
    await allClaimed;
    const soon = recordingPublisher();
    const later = recordingPublisher();

    // Act
    await checkAccounts(deps(soon), config, new Date(NOW.getTime() + 30_000));
    await checkAccounts(deps(later), config, new Date(NOW.getTime() + 120_000));

    // Assess: within the claim's lifetime nobody else sends it; after it, the next run does.
    expect(soon.sent).toEqual([]);
    expect(later.sent.length).toBeGreaterThan(0);
  });

  it('reports a failing vendor without hiding the other accounts, alerting after three failed runs', async () => {
    // Prepare
    sandbox.inject({ vendor: 'account-api', fault: { kind: 'status', status: 503 }, times: Infinity });
    const publisher = recordingPublisher();

    // Act
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await checkAccounts(deps(publisher), config, new Date(NOW.getTime() + i * 3_600_000)));

    // Assess
    expect(runs[0]!.report.accounts.map((a) => a.status)).toEqual(['ok', 'ok', 'error']);
    expect(runs[0]!.report.accounts[2]!.error).toMatchObject({ code: 'server' });
    const failed = publisher.sent.filter((a) => a.kind === 'check.failed');
    expect(failed).toHaveLength(1);
    expect(runs.findIndex((r) => r.sent.some((a) => a.kind === 'check.failed'))).toBe(2);

    // Act: the vendor recovers.
    sandbox.clearFaults();
    const recovered = await checkAccounts(deps(publisher), config, new Date(NOW.getTime() + 5 * 3_600_000));

    // Assess
    expect(recovered.sent.map((a) => `${a.kind} ${a.status}`)).toEqual(['check.failed resolved']);
  });

  it('goes on when a confirmation fails: state is saved, the alert counts as unsent, and it is sent once more after the claim lapses', async () => {
    // Prepare: the state store refuses the first confirmation (e.g. the disk filled up mid-run).
    const file = createFileStore(statePath, { now: () => NOW });
    let refused = 0;
    const store: AlertStateStore = {
      ...file,
      confirm: (claimed) => (refused++ === 0 ? Promise.reject(new Error('ENOSPC: no space left on device')) : file.confirm(claimed)),
    };
    const first = recordingPublisher();

    // Act
    const broken = await checkAccounts(deps(first, { store, claimTtlMs: 60_000 }), config, NOW);
    const withinClaim = recordingPublisher();
    await checkAccounts(deps(withinClaim), config, new Date(NOW.getTime() + 30_000));
    const afterLapse = recordingPublisher();
    await checkAccounts(deps(afterLapse), config, new Date(NOW.getTime() + 120_000));
    const later = recordingPublisher();
    await checkAccounts(deps(later), config, new Date(NOW.getTime() + 240_000));

    // Assess: the run finished and saved every account's state.
    expect(first.sent).toHaveLength(4);
    expect(broken.unsent).toHaveLength(1);
    expect(broken.report.delivery?.filter((d) => d.failed.length > 0)).toHaveLength(1);
    const saved = JSON.parse(await readFile(statePath, 'utf8')) as { accounts: Record<string, { lastCheckedAt: string }> };
    expect(Object.keys(saved.accounts).sort()).toEqual(['api', 'img', 'vid']);
    // The unrecorded alert is re-sent exactly once, after its claim lapsed.
    expect(withinClaim.sent).toEqual([]);
    expect(afterLapse.sent.map((a) => a.key)).toEqual([broken.unsent[0]!.key]);
    expect(later.sent).toEqual([]);
  });

  it('goes on when a release fails: the failed alert is retried once its claim lapses, the others are sent once', async () => {
    // Prepare: publishing fails for one alert, and so does releasing its claim.
    const file = createFileStore(statePath, { now: () => NOW });
    const store: AlertStateStore = { ...file, release: () => Promise.reject(new Error('EIO: i/o error')) };
    const failing = recordingPublisher((alert) => alert.key === 'img/balance.low');

    // Act
    const broken = await checkAccounts(deps(failing, { store, claimTtlMs: 60_000 }), config, NOW);
    const afterLapse = recordingPublisher();
    await checkAccounts(deps(afterLapse), config, new Date(NOW.getTime() + 120_000));

    // Assess
    expect(failing.sent).toHaveLength(3);
    expect(broken.unsent.map((a) => a.key)).toEqual(['img/balance.low']);
    expect(afterLapse.sent.map((a) => a.key)).toEqual(['img/balance.low']);
  });

  it('changes nothing in a dry run', async () => {
    const publisher = recordingPublisher();

    const result = await checkAccounts(deps(publisher, { dryRun: true }), config, NOW);

    expect(result.report.alerts).toHaveLength(4);
    expect(publisher.sent).toEqual([]);
    await expect(readFile(statePath, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('mapConcurrent', () => {
  it('keeps the input order and never runs more than the bound at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (ms) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return ms * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
