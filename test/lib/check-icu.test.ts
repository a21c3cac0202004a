import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkAccounts, type CheckDeps } from '../../lib/check.js';
import { parseBudgets } from '../../lib/config.js';
import { createKeyResolver } from '../../lib/keys.js';
import { createHttpClient } from '../../lib/providers/http.js';
import { startSandbox, type Sandbox } from '../../lib/sandbox/index.js';
import { createFileStore } from '../../lib/state/file-store.js';
import { recordingPublisher, threeAccounts } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = new Date('2026-11-15T12:00:00Z');

// The first Intl object of a process starts ICU, about 18 ms of a cold start (bench/cold-start.ts). A check of
// UTC accounts that has nothing new to say should not need it: calendars of "UTC" use the Date's own fields,
// state is ordered by text, and alert texts build their number formatters only when they render.
describe('a quiet check of UTC accounts', () => {
  let sandbox: Sandbox;
  afterAll(() => sandbox?.close());
  afterEach(() => vi.restoreAllMocks());

  let deps: CheckDeps;
  beforeAll(async () => {
    sandbox = await startSandbox({ now: NOW, accounts: threeAccounts(50) });
    deps = {
      http: createHttpClient({ retries: 0 }),
      store: createFileStore(join(await tempDir('check-icu-'), 'state.json'), { now: () => NOW }),
      publisher: recordingPublisher(),
      resolveKey: createKeyResolver({
        env: { VID: sandbox.keyOf('vid'), IMG: sandbox.keyOf('img'), API: sandbox.keyOf('api') },
        ssm: () => {
          throw new Error('no SSM in this test');
        },
      }),
    };
  });

  const config = () =>
    parseBudgets(
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID }, budget: { monthly: 400, alertAt: [50, 80] } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG }, balance: { below: 100 } }
  - { id: api, provider: account-api, baseUrl: "${sandbox.urls['account-api']}", apiKey: { env: API }, balance: { below: 10 } }
`,
      'icu.yaml',
    );

  it('builds no Intl formatter and compares no strings by locale', async () => {
    // Prepare: the first run sends what is due, so the second has nothing new.
    const first = await checkAccounts(deps, config(), NOW);
    expect(first.report.alerts.length).toBeGreaterThan(0);
    const numberFormat = vi.spyOn(Intl, 'NumberFormat');
    const dateTimeFormat = vi.spyOn(Intl, 'DateTimeFormat');
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare');

    // Act
    const second = await checkAccounts(deps, config(), NOW);

    // Assess
    expect(second.report.accounts.map((a) => a.id).sort()).toEqual(['api', 'img', 'vid']);
    expect(numberFormat).not.toHaveBeenCalled();
    expect(dateTimeFormat).not.toHaveBeenCalled();
    expect(localeCompare).not.toHaveBeenCalled();
  });
});
