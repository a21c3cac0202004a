import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderAuthError, ProviderRequestError, ProviderResponseError } from '../../../lib/errors.js';
import { createHttpClient, type HttpClient, type JsonRequest } from '../../../lib/providers/http.js';
import { fetchPixelcutSnapshot } from '../../../lib/providers/pixelcut.js';
import type { SnapshotRequest } from '../../../lib/providers/types.js';
import { startSandbox, type Sandbox } from '../../../lib/sandbox/index.js';
import { instantClient, rejectionOf, visibleText } from './helpers.js';

const NOW = new Date('2026-05-10T12:00:00Z');

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({
    now: NOW,
    accounts: [
      { id: 'images', vendor: 'pixelcut', start: new Date('2026-05-01T00:00:00Z'), openingBalance: 1_000, burnPerHour: 1.5 },
      {
        id: 'numbers',
        vendor: 'pixelcut',
        start: new Date('2026-05-01T00:00:00Z'),
        openingBalance: 100,
        burnPerHour: 0,
        numbersAsStrings: false,
      },
      { id: 'empty', vendor: 'pixelcut', start: new Date('2026-05-01T00:00:00Z'), openingBalance: 5, burnPerHour: 1 },
    ],
  });
});

afterEach(async () => {
  await sandbox.close();
});

function request(id = 'images', overrides: Partial<SnapshotRequest> = {}): SnapshotRequest {
  return {
    accountId: id,
    baseUrl: sandbox.urls.pixelcut,
    apiKey: sandbox.keyOf(id),
    window: { from: new Date('2026-05-01T00:00:00Z'), to: sandbox.now() },
    now: sandbox.now(),
    ...overrides,
  };
}

describe('fetchPixelcutSnapshot', () => {
  it('reads credits_remaining sent as a string (as the spec types it), with no ledger', async () => {
    // Prepare
    const { http } = instantClient();

    // Act
    const snapshot = await fetchPixelcutSnapshot(request(), http);

    // Assess
    expect(snapshot).toEqual({
      accountId: 'images',
      provider: 'pixelcut',
      fetchedAt: NOW,
      balance: { available: sandbox.balanceOf('images') },
    });
    expect(snapshot.balance.available).toBe(1_000 - 1.5 * 228);
    expect(snapshot.ledger).toBeUndefined();
    const [seen] = sandbox.requests();
    expect(seen?.headers['x-api-key']).toBeDefined();
    expect(seen?.accountId).toBe('images');
  });

  it('reads credits_remaining sent as a number, and as a fractional string', async () => {
    // Prepare
    const { http } = instantClient();

    // Act
    const asNumber = await fetchPixelcutSnapshot(request('numbers'), http);
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'drift', body: { credits_remaining: '12.5' } } });
    const fractional = await fetchPixelcutSnapshot(request('numbers'), http);

    // Assess
    expect(asNumber.balance.available).toBe(100);
    expect(fractional.balance.available).toBe(12.5);
  });

  it.each([
    [{ credits_remaining: 'abc' }, 'credits_remaining: expected a number, got "abc"'],
    [{ credits_remaining: '' }, 'credits_remaining: expected a number, got ""'],
    [{ credits_remaining: null }, 'credits_remaining: expected a number, got null'],
    [{ credits: 42 }, 'credits_remaining: required field is missing'],
  ])('rejects %j naming credits_remaining, never reading it as 0', async (body, problem) => {
    // Prepare
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'drift', body } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchPixelcutSnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as ProviderResponseError).field).toBe('credits_remaining');
    expect(error.message).toBe(`pixelcut /v1/credits: ${problem}`);
  });

  it('takes 403 insufficient_api_credits as a balance of 0, not a failure', async () => {
    // Prepare: the account burnt its 5 credits long ago.
    const { http } = instantClient();

    // Act
    const snapshot = await fetchPixelcutSnapshot(request('empty'), http);

    // Assess
    expect(sandbox.requests().map((r) => r.status)).toEqual([403]);
    expect(snapshot.balance).toEqual({ available: 0 });
  });

  it('takes any other 403 as an auth failure, without retrying', async () => {
    // Prepare
    sandbox.inject({
      vendor: 'pixelcut',
      fault: { kind: 'status', status: 403, body: { error: 'Key disabled', error_code: 'forbidden' } },
    });
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(fetchPixelcutSnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderAuthError).status).toBe(403);
    expect(error.message).toContain('Key disabled');
    expect(delays).toEqual([]);
  });

  it('fails with an auth error on 401, without retrying', async () => {
    // Prepare
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(fetchPixelcutSnapshot(request('images', { apiKey: 'sk_wrong' }), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.message).toContain('invalid_auth_token');
    expect(sandbox.requests()).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'status', status: 429, retryAfter: '1' } });
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'status', status: 429 } });
    const { http, delays } = instantClient();

    // Act
    const snapshot = await fetchPixelcutSnapshot(request(), http);

    // Assess: Retry-After first, then the backoff (0.5 of 500 ms for the second retry).
    expect(snapshot.balance.available).toBe(sandbox.balanceOf('images'));
    expect(delays).toEqual([1_000, 250]);
    expect(sandbox.requests().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('reports rate limiting after every retry of a persistent 429, and a server error for 500', async () => {
    // Prepare
    const { http } = instantClient({ retries: 2 });

    // Act
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'status', status: 429 }, times: 3 });
    const limited = await rejectionOf(fetchPixelcutSnapshot(request(), http));
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'status', status: 500 }, times: 3 });
    const broken = await rejectionOf(fetchPixelcutSnapshot(request('numbers'), http));

    // Assess
    expect((limited as ProviderRequestError).details).toEqual({ code: 'rate-limited', status: 429, attempts: 3 });
    expect(limited.message).toContain('rate_limit_exceeded');
    expect((broken as ProviderRequestError).details).toEqual({ code: 'server', status: 500, attempts: 3 });
  });

  it('times out a hung request', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'hang' }, times: Infinity });
    const { http } = instantClient({ timeoutMs: 80, retries: 1 });

    // Act
    const error = await rejectionOf(fetchPixelcutSnapshot(request(), http));

    // Assess
    expect((error as ProviderRequestError).code).toBe('timeout');
  });

  it('keeps a key echoed in an error body and header out of every error string', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pixelcut', fault: { kind: 'echo-key', status: 401 } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(fetchPixelcutSnapshot(request(), http));

    // Assess
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.message).toContain('[redacted]');
    expect(visibleText(error)).not.toContain(sandbox.keyOf('images'));
  });

  it('keeps 20 requests for one key under the vendor limit of 5 per second', async () => {
    // Prepare: real time, since the sandbox counts real requests per real second.
    const http = createHttpClient();

    // Act
    const started = performance.now();
    const snapshots = await Promise.all(Array.from({ length: 20 }, () => fetchPixelcutSnapshot(request(), http)));
    const elapsed = performance.now() - started;

    // Assess
    expect(snapshots.every((s) => s.balance.available === sandbox.balanceOf('images'))).toBe(true);
    const statuses = sandbox.requests().map((r) => r.status);
    expect(statuses).toHaveLength(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Four windows of five: at least three full seconds apart.
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
  });

  it('limits per key by a hash of the key, never the key itself', async () => {
    // Prepare
    const seen: JsonRequest[] = [];
    const http: HttpClient = {
      getJson: async (req) => {
        seen.push(req);
        return { status: 200, body: { credits_remaining: '1' }, headers: new Headers() };
      },
    };

    // Act
    await fetchPixelcutSnapshot(request('images'), http);
    await fetchPixelcutSnapshot(request('images'), http);
    await fetchPixelcutSnapshot(request('numbers'), http);

    // Assess
    const keys = seen.map((r) => r.rateKey);
    expect(keys[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[0]).not.toContain(sandbox.keyOf('images'));
    expect(sandbox.keyOf('images')).not.toContain(keys[0] ?? '');
    expect(seen[0]?.secrets).toEqual([sandbox.keyOf('images')]);
  });
});
