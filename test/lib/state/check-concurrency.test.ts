import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/alerts/types.js';
import { checkAccounts, type CheckDeps } from '../../../lib/check.js';
import { parseBudgets, type BudgetsConfig } from '../../../lib/config.js';
import type { AlertPublisher } from '../../../lib/delivery/types.js';
import { createKeyResolver } from '../../../lib/keys.js';
import { createHttpClient } from '../../../lib/providers/http.js';
import { startSandbox, type Sandbox } from '../../../lib/sandbox/index.js';
import { createDynamoDbStore } from '../../../lib/state/dynamodb-store.js';
import { createStateTable, dynamoClient, startDynalite, type RunningDynalite } from '../../helpers/dynalite.js';
import { recordingPublisher, threeAccounts } from '../../helpers/fixtures.js';
import { storeWith } from '../../helpers/store-with.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const HOUR = 3_600_000;


describe('checkAccounts with the DynamoDB store', () => {
  let sandbox: Sandbox;
  let dynamo: RunningDynalite;
  let config: BudgetsConfig;
  let resolveKey: CheckDeps['resolveKey'];
  let tableName: string;
  let tables = 0;
  const clients: DynamoDBClient[] = [];
  const http = createHttpClient({ retries: 0 });

  beforeAll(async () => {
    [sandbox, dynamo] = await Promise.all([
      startSandbox({
        now: NOW,
        // Two runs at once would otherwise trip Pixelcut's per-key rate limit, which is not under test here.
        enforceRateLimits: false,
        accounts: threeAccounts(50),
      }),
      startDynalite(),
    ]);
    // Three alerts are due at NOW: vid used over 50 % of its budget and is forecast past 100 %; img is below 100.
    config = parseBudgets(
      `accounts:
  - { id: vid, provider: pictory, baseUrl: "${sandbox.urls.pictory}", apiKey: { env: VID }, budget: { monthly: 400, alertAt: [50], forecastAt: [100] } }
  - { id: img, provider: pixelcut, baseUrl: "${sandbox.urls.pixelcut}", apiKey: { env: IMG }, balance: { below: 100 } }
  - { id: api, provider: account-api, baseUrl: "${sandbox.urls['account-api']}", apiKey: { env: API }, balance: { below: 10 } }
`,
      'concurrency.yaml',
    );
    resolveKey = createKeyResolver({
      env: { VID: sandbox.keyOf('vid'), IMG: sandbox.keyOf('img'), API: sandbox.keyOf('api') },
      ssm: () => {
        throw new Error('no SSM in this test');
      },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all([sandbox?.close(), dynamo?.close()]);
  });

  beforeEach(async () => {
    tableName = `state-${++tables}`;
    await createStateTable(client(), tableName);
  });

  /** A client of its own per run, as two Lambda containers would have. */
  function client(): DynamoDBClient {
    const created = dynamoClient(dynamo.endpoint);
    clients.push(created);
    return created;
  }

  let lostClaims = 0;
  beforeEach(() => {
    lostClaims = 0;
  });

  const deps = (publisher: AlertPublisher, now: Date): CheckDeps => {
    const store = createDynamoDbStore({ client: client(), tableName, now: () => now });
    return {
      http,
      // Counts the claims DynamoDB refused, to show it was the conditional write that kept runs apart.
      store: storeWith(store, {
        claim: async (next, prior) => {
          const won = await store.claim(next, prior);
          if (!won) lostClaims++;
          return won;
        },
      }),
      publisher,
      resolveKey,
    };
  };

  const keysOf = (alerts: readonly Alert[]): string[] => alerts.map((alert) => alert.key).sort();

  it('sends each alert exactly once when two runs start together on one table', async () => {
    // Prepare
    const first = recordingPublisher();
    const second = recordingPublisher();

    // Act
    const [a, b] = await Promise.all([
      checkAccounts(deps(first, NOW), config, NOW),
      checkAccounts(deps(second, NOW), config, NOW),
    ]);
    const again = recordingPublisher();
    await checkAccounts(deps(again, NOW), config, NOW);

    // Assess
    expect(keysOf([...first.sent, ...second.sent])).toEqual(['img/balance.low', 'vid/budget.actual:50/2026-11', 'vid/budget.forecast:100/2026-11']);
    expect(a.report.alerts.length + b.report.alerts.length).toBe(3);
    expect(a.unsent.length + b.unsent.length).toBe(0);
    expect(lostClaims).toBe(3); // both runs planned every alert; DynamoDB let one claim each
    expect(again.sent).toEqual([]);
  });

  it('sends the other two when SNS fails for one of three alerts, the failed one on the next run, none twice', async () => {
    // Prepare
    const failing = recordingPublisher((alert) => alert.key === 'img/balance.low');
    const healthy = recordingPublisher();
    const quiet = recordingPublisher();

    // Act
    const broken = await checkAccounts(deps(failing, NOW), config, NOW);
    const next = await checkAccounts(deps(healthy, new Date(NOW.getTime() + HOUR)), config, new Date(NOW.getTime() + HOUR));
    const after = await checkAccounts(deps(quiet, new Date(NOW.getTime() + 2 * HOUR)), config, new Date(NOW.getTime() + 2 * HOUR));

    // Assess
    expect(keysOf(failing.sent)).toEqual(['vid/budget.actual:50/2026-11', 'vid/budget.forecast:100/2026-11']);
    expect(keysOf(broken.unsent)).toEqual(['img/balance.low']);
    expect(broken.report.alerts.map((a) => a.key)).not.toContain('img/balance.low');
    expect(keysOf(healthy.sent)).toEqual(['img/balance.low']);
    expect(next.unsent).toEqual([]);
    expect(after.sent).toEqual([]);
    const all = keysOf([...failing.sent, ...healthy.sent, ...quiet.sent]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('does not re-send within a dead run\'s claim, and re-sends once the claim has lapsed', async () => {
    // Prepare: a run claims but never confirms or releases (the Lambda timed out mid-send).
    const dying: AlertPublisher = { publish: () => new Promise<void>(() => undefined) };
    void checkAccounts({ ...deps(dying, NOW), claimTtlMs: 60_000 }, config, NOW);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const soon = recordingPublisher();
    const later = recordingPublisher();

    // Act
    await checkAccounts(deps(soon, new Date(NOW.getTime() + 30_000)), config, new Date(NOW.getTime() + 30_000));
    await checkAccounts(deps(later, new Date(NOW.getTime() + 120_000)), config, new Date(NOW.getTime() + 120_000));

    // Assess
    expect(soon.sent).toEqual([]);
    expect(keysOf(later.sent)).toEqual(['img/balance.low', 'vid/budget.actual:50/2026-11', 'vid/budget.forecast:100/2026-11']);
  });
});
