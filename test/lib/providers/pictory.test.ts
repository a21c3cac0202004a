import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderAuthError, ProviderRequestError, ProviderResponseError } from '../../../lib/errors.js';
import { createHttpClient, DEFAULT_USER_AGENT } from '../../../lib/providers/http.js';
import { fetchPictorySnapshot } from '../../../lib/providers/pictory.js';
import type { SnapshotRequest } from '../../../lib/providers/types.js';
import { startSandbox, type Sandbox } from '../../../lib/sandbox/index.js';
import { instantClient, rejectionOf, visibleText } from './helpers.js';

const NOW = new Date('2026-05-10T12:00:00Z');
const QUOTA = '/pictoryapis/v1/quota';
const USAGE = '/pictoryapis/v1/aicredits/usage';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({
    now: NOW,
    accounts: [
      {
        id: 'video',
        vendor: 'pictory',
        start: new Date('2026-04-01T00:00:00Z'),
        openingBalance: 500,
        monthlyAllowance: 500,
        burnPerHour: 0.5,
        topUps: [{ at: new Date('2026-05-05T08:00:00Z'), amount: 50 }],
      },
    ],
  });
});

afterEach(async () => {
  await sandbox.close();
});

function request(overrides: Partial<SnapshotRequest> = {}): SnapshotRequest {
  return {
    accountId: 'video',
    baseUrl: sandbox.urls.pictory,
    apiKey: sandbox.keyOf('video'),
    window: { from: new Date('2026-05-01T00:00:00Z'), to: sandbox.now() },
    now: sandbox.now(),
    ...overrides,
  };
}

describe('fetchPictorySnapshot', () => {
  it('reads the balance from the quota and maps the month ledger oldest first', async () => {
    // Prepare
    const { http } = instantClient();

    // Act
    const snapshot = await fetchPictorySnapshot(request(), http);

    // Assess
    expect(snapshot.balance).toEqual({ available: sandbox.balanceOf('video'), total: 550 });
    expect(snapshot.provider).toBe('pictory');
    expect(snapshot.ledgerFrom?.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    const ledger = snapshot.ledger ?? [];
    const times = ledger.map((entry) => entry.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const reset = ledger.filter((entry) => entry.type === 'reset');
    expect(reset.map((entry) => [entry.at.toISOString(), entry.delta])).toEqual([['2026-05-01T10:12:59.445Z', 500]]);
    const credits = ledger.filter((entry) => entry.type === 'credit');
    expect(credits.map((entry) => [entry.at.toISOString(), entry.delta])).toEqual([['2026-05-05T08:00:00.000Z', 50]]);
    const debits = ledger.filter((entry) => entry.type === 'debit');
    expect(debits.every((entry) => entry.delta === -0.5 && entry.at instanceof Date)).toBe(true);
    expect(debits).toHaveLength(ledger.length - 2);
    // Everything since the reset adds up to what is available now.
    const sinceReset = ledger.filter((entry) => entry.at >= (reset[0]?.at ?? NOW));
    const sum = sinceReset.reduce((total, entry) => total + entry.delta, 0);
    expect(sum).toBeCloseTo(snapshot.balance.available, 6);
  });

  it('sends the raw key, an explicit User-Agent and Accept, and asks for the window month', async () => {
    // Prepare
    const { http } = instantClient();

    // Act
    await fetchPictorySnapshot(request({ baseUrl: `${sandbox.urls.pictory}/` }), http);

    // Assess
    const seen = sandbox.requests();
    expect(seen.map((r) => [r.path, r.query, r.status]).sort()).toEqual([
      [USAGE, { year: '2026', month: '5' }, 200],
      [QUOTA, {}, 200],
    ]);
    for (const r of seen) {
      expect(r.accountId).toBe('video');
      expect(r.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
      expect(r.headers['accept']).toBe('application/json');
    }
  });

  it('fetches both months of a window that spans a month boundary, inside the window only', async () => {
    // Prepare: 7 days back from June 3rd reaches into May.
    sandbox.setNow(new Date('2026-06-03T00:00:00Z'));
    const { http } = instantClient();
    const from = new Date('2026-05-27T00:00:00Z');

    // Act
    const snapshot = await fetchPictorySnapshot(request({ window: { from, to: sandbox.now() }, now: sandbox.now() }), http);

    // Assess
    const months = sandbox.requests().filter((r) => r.path === USAGE).map((r) => r.query['month']).sort();
    expect(months).toEqual(['5', '6']);
    const ledger = snapshot.ledger ?? [];
    // Hourly debits from May 27th 00:00 through June 3rd 00:00 inclusive, and June's reset.
    expect(ledger).toHaveLength(7 * 24 + 1 + 1);
    expect(ledger[0]?.at.toISOString()).toBe('2026-05-27T00:00:00.000Z');
    expect(ledger.at(-1)?.at.toISOString()).toBe('2026-06-03T00:00:00.000Z');
    expect(ledger.filter((entry) => entry.type === 'reset').map((entry) => entry.at.toISOString())).toEqual([
      '2026-06-01T10:12:59.445Z',
    ]);
    expect(new Set(ledger.map((entry) => entry.id)).size).toBe(ledger.length);
  });

  it('de-duplicates transactions that both months return', async () => {
    // Prepare: a vendor that returns the same entries for both months.
    sandbox.setNow(new Date('2026-06-03T00:00:00Z'));
    const window = { from: new Date('2026-05-27T00:00:00Z'), to: sandbox.now() };
    const { http } = instantClient();
    const expected = await fetchPictorySnapshot(request({ window, now: sandbox.now() }), http);
    const both: unknown[] = [];
    for (const month of [6, 5]) {
      const response = await http.getJson({
        provider: 'pictory',
        url: `${sandbox.urls.pictory}${USAGE}?year=2026&month=${month}`,
        headers: { Authorization: sandbox.keyOf('video') },
        secrets: [],
      });
      both.push(...(response.body as unknown[]));
    }
    sandbox.inject({ vendor: 'pictory', path: USAGE, fault: { kind: 'drift', body: both }, times: 2 });

    // Act
    const snapshot = await fetchPictorySnapshot(request({ window, now: sandbox.now() }), http);

    // Assess
    expect(snapshot.ledger).toHaveLength(expected.ledger?.length ?? -1);
    expect(snapshot.ledger).toEqual(expected.ledger);
  });

  it('reads numeric strings in the quota, without float noise in the difference', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'drift', body: { aiCredits: { used: '99.4', limit: '100' } } } });
    const { http } = instantClient();

    // Act
    const snapshot = await fetchPictorySnapshot(request(), http);

    // Assess
    expect(snapshot.balance).toEqual({ available: 0.6, total: 100 });
  });

  it('names the field when the usage ledger drifts', async () => {
    // Prepare
    const entry = (amount: unknown, i: number) => ({
      transactionId: `t${i}`,
      type: 'debit',
      amount,
      source: 'AI Avatar',
      description: 'x',
      plan: 'API Annual',
      transactionDate: '2026-05-08T15:37:11.176Z',
      addedByVendorLater: true,
    });
    sandbox.inject({
      vendor: 'pictory',
      path: USAGE,
      fault: { kind: 'drift', body: [entry(1, 0), entry('2', 1), entry(0.6, 2), entry('abc', 3)] },
    });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as ProviderResponseError).field).toBe('[3].amount');
    expect(error.message).toBe('pictory /pictoryapis/v1/aicredits/usage: [3].amount: expected a number, got "abc"');
  });

  it('names a missing quota field instead of computing with it', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'drift', body: { aiCredits: { used: 3 } } } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toBe('pictory /pictoryapis/v1/quota: aiCredits.limit: required field is missing');
  });

  it('reports a body that is not JSON with its path and content type', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'malformed' } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as ProviderResponseError).field).toBe('');
    expect(error.message).toContain('pictory GET /pictoryapis/v1/quota');
    expect(error.message).toContain('text/html');
  });

  it('fails with an auth error on 401, without retrying', async () => {
    // Prepare
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request({ apiKey: 'pictai_not-a-key' }), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderAuthError).status).toBe(401);
    expect(error.message).toContain('Unauthorized');
    expect(error.message).not.toContain('pictai_not-a-key');
    expect(delays).toEqual([]);
    expect(sandbox.requests().filter((r) => r.path === QUOTA)).toHaveLength(1);
  });

  it('passes on a 400 with the vendor code, without retrying', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'status', status: 400 } });
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).details).toEqual({ code: 'request', status: 400, attempts: 1 });
    expect(error.message).toContain('INVALID_REQUEST');
    expect(delays).toEqual([]);
  });

  it("explains Cloudflare's 1010 block of a default User-Agent rather than blaming the key", async () => {
    // Prepare: the signature of Node's own fetch, which the edge bans.
    const http = createHttpClient({ userAgent: 'node', sleep: async () => undefined });

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).details.status).toBe(403);
    expect(error.message).toMatch(/edge .*User-Agent/);
    expect(error.message).toContain('error code: 1010');
    expect(sandbox.requests().filter((r) => r.path === QUOTA)).toHaveLength(1);
  });

  it('retries 5xx with backoff and succeeds', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'status', status: 503 }, times: 2 });
    const { http, delays } = instantClient();

    // Act
    const snapshot = await fetchPictorySnapshot(request(), http);

    // Assess: random 0.5 of ceilings 250 and 500 ms.
    expect(snapshot.balance.available).toBe(sandbox.balanceOf('video'));
    expect(delays).toEqual([125, 250]);
    expect(sandbox.requests().filter((r) => r.path === QUOTA).map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up on a persistent 500 as a server error after every retry', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'status', status: 500 }, times: Infinity });
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).details).toEqual({ code: 'server', status: 500, attempts: 4 });
    expect((error as ProviderRequestError).transient).toBe(true);
    expect(delays).toEqual([125, 250, 500]);
  });

  it('honours Retry-After on 429 and reports rate limiting when it persists', async () => {
    // Prepare
    sandbox.inject({
      vendor: 'pictory',
      path: QUOTA,
      fault: { kind: 'status', status: 429, retryAfter: '2' },
      times: Infinity,
    });
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).code).toBe('rate-limited');
    expect(delays).toEqual([2_000, 2_000, 2_000]);
  });

  it('times out a server that never answers', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', path: QUOTA, fault: { kind: 'hang' }, times: Infinity });
    const { http, delays } = instantClient({ timeoutMs: 100, retries: 1 });

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).details).toEqual({ code: 'timeout', attempts: 2 });
    expect(error.message).toContain('no response within 100 ms');
    expect(delays).toHaveLength(1);
  });

  it('keeps a key that the vendor echoes out of every error string', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'echo-key', status: 500 }, times: Infinity });
    const { http } = instantClient();
    const key = sandbox.keyOf('video');

    // Act
    const error = await rejectionOf(fetchPictorySnapshot(request(), http));

    // Assess
    expect(error.message).toContain('[redacted]');
    expect(visibleText(error)).not.toContain(key);
  });
});
