import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderRequestError } from '../../../lib/errors.js';
import { backoffDelayMs, buildUrl, parseRetryAfter, urlPath } from '../../../lib/providers/http.js';
import { redact } from '../../../lib/redact.js';
import { startSandbox, type Sandbox } from '../../../lib/sandbox/index.js';
import { instantClient, rejectionOf } from './helpers.js';

describe('backoffDelayMs', () => {
  it('grows exponentially from the base and never exceeds the cap', () => {
    // Prepare: the largest jitter draw, so the delay sits at its ceiling.
    const options = { baseDelayMs: 250, maxDelayMs: 8_000, random: () => 0.999999 };

    // Act
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 40].map((retry) => backoffDelayMs(retry, options));

    // Assess
    expect(delays).toEqual([249, 499, 999, 1_999, 3_999, 7_999, 7_999, 7_999, 7_999]);
  });

  it('draws uniformly between 0 and the ceiling (full jitter)', () => {
    // Prepare
    const draws = [0, 0.25, 0.5, 0.75];
    const base = { baseDelayMs: 100, maxDelayMs: 8_000 };

    // Act
    const delays = draws.map((r) => backoffDelayMs(3, { ...base, random: () => r }));

    // Assess: ceiling for retry 3 is 800 ms.
    expect(delays).toEqual([0, 200, 400, 600]);
  });

  it('stays within [0, cap] even when the random source misbehaves', () => {
    // Prepare
    const options = { baseDelayMs: 250, maxDelayMs: 1_000 };

    // Act
    const low = backoffDelayMs(2, { ...options, random: () => -3 });
    const high = backoffDelayMs(8, { ...options, random: () => 7 });

    // Assess
    expect(low).toBe(0);
    expect(high).toBe(1_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates relative to the given clock, and rejects junk', () => {
    // Prepare
    const now = Date.parse('2026-05-08T12:00:00Z');

    // Act
    const seconds = parseRetryAfter('3', now);
    const fractional = parseRetryAfter('1.5', now);
    const date = parseRetryAfter('Fri, 08 May 2026 12:00:07 GMT', now);
    const past = parseRetryAfter('Fri, 08 May 2026 11:00:00 GMT', now);
    const junk = parseRetryAfter('soon', now);
    const absent = parseRetryAfter(null, now);

    // Assess
    expect(seconds).toBe(3_000);
    expect(fractional).toBe(1_500);
    expect(date).toBe(7_000);
    expect(past).toBe(0);
    expect(junk).toBeUndefined();
    expect(absent).toBeUndefined();
  });
});

describe('redact', () => {
  it('replaces every occurrence of every secret, including URL-encoded ones, and ignores empty secrets', () => {
    // Prepare
    const key = 'pictai_s3cr3t/+=';
    const text = `key ${key} again ${key} encoded ${encodeURIComponent(key)} other tok_1`;

    // Act
    const result = redact(text, [key, 'tok_1', '']);

    // Assess
    expect(result).toBe('key [redacted] again [redacted] encoded [redacted] other [redacted]');
  });

  it('replaces a longer secret whole when a shorter one is inside it', () => {
    // Act
    const result = redact('abc-LONG-secret', ['LONG', 'abc-LONG-secret']);

    // Assess
    expect(result).toBe('[redacted]');
  });
});

describe('buildUrl and urlPath', () => {
  it('tolerates trailing slashes and keeps the query out of the path', () => {
    // Act
    const url = buildUrl('http://127.0.0.1:9/base//', '/v1/credits', { year: 2026, month: 5 });

    // Assess
    expect(url).toBe('http://127.0.0.1:9/base/v1/credits?year=2026&month=5');
    expect(urlPath(url)).toBe('/base/v1/credits');
  });
});

describe('getJson against the sandbox', () => {
  let sandbox: Sandbox;
  const QUOTA = '/pictoryapis/v1/quota';

  beforeEach(async () => {
    sandbox = await startSandbox({
      now: new Date('2026-05-10T12:00:00Z'),
      accounts: [{ id: 'video', vendor: 'pictory', start: new Date('2026-05-01T00:00:00Z'), openingBalance: 100, burnPerHour: 0 }],
    });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  const quota = (secrets: string[] = []) => ({
    provider: 'pictory' as const,
    url: `${sandbox.urls.pictory}${QUOTA}`,
    headers: { Authorization: sandbox.keyOf('video') },
    secrets,
  });

  it('keeps at most the configured number of requests to one vendor in flight', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'latency', ms: 30 }, times: Infinity });
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        const response = await fetch(input, init);
        await response.clone().text();
        return response;
      } finally {
        inFlight -= 1;
      }
    };
    const { http } = instantClient({ fetch: counting, limits: { pictory: { concurrency: 2 } } });

    // Act
    const responses = await Promise.all(Array.from({ length: 6 }, () => http.getJson(quota())));

    // Assess
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(most).toBe(2);
  });

  it('honours an HTTP-date Retry-After against the wall clock, and caps a long one', async () => {
    // Prepare
    const wall = Date.parse('2026-05-10T12:00:00Z');
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'status', status: 503, retryAfter: 'Sun, 10 May 2026 12:00:07 GMT' } });
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'status', status: 429, retryAfter: '3600' } });
    const { http, delays } = instantClient({ wallClock: () => wall, maxRetryAfterMs: 30_000 });

    // Act
    const response = await http.getJson(quota());

    // Assess
    expect(response.status).toBe(200);
    expect(delays).toEqual([7_000, 30_000]);
  });

  it('does not retry a 404 and names the vendor message', async () => {
    // Prepare
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(http.getJson({ ...quota(), url: `${sandbox.urls.pictory}/pictoryapis/v1/nope?token=abc` }));

    // Assess
    expect((error as ProviderRequestError).details).toEqual({ code: 'request', status: 404, attempts: 1 });
    expect(error.message).toBe('pictory GET /pictoryapis/v1/nope: HTTP 404 request refused: Not Found');
    expect(delays).toEqual([]);
  });

  it('does not follow a redirect, which could carry the key header to another host', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'status', status: 302, body: { moved: true } } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(http.getJson(quota()));

    // Assess
    expect((error as ProviderRequestError).details).toEqual({ code: 'request', status: 302, attempts: 1 });
    expect(error.message).toContain('redirect');
    expect(sandbox.requests()).toHaveLength(1);
  });

  it('hands a status the adapter accepts back with its body instead of failing', async () => {
    // Prepare
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'status', status: 409, body: { state: 'busy' } } });
    const { http } = instantClient();
    const seen: Array<[number, unknown]> = [];

    // Act
    const response = await http.getJson({
      ...quota(),
      acceptStatus: (status, body) => {
        seen.push([status, body]);
        return status === 409;
      },
    });

    // Assess
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ state: 'busy' });
    expect(seen).toEqual([[409, { state: 'busy' }]]);
  });

  it('retries a refused connection and reports a network error', async () => {
    // Prepare: a port that nothing listens on.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const { http, delays } = instantClient();

    // Act
    const error = await rejectionOf(http.getJson({ ...quota(), url: `http://127.0.0.1:${port}${QUOTA}` }));

    // Assess
    expect((error as ProviderRequestError).details).toEqual({ code: 'network', attempts: 4 });
    expect(error.message).toContain('ECONNREFUSED');
    expect(delays).toEqual([125, 250, 500]);
  });

  it('cuts a long error body to about 200 characters after redacting it', async () => {
    // Prepare
    const secret = 'pictai_TOPSECRET';
    sandbox.inject({ vendor: 'pictory', fault: { kind: 'status', status: 418, body: `${'x'.repeat(195)}${secret}${'y'.repeat(500)}` } });
    const { http } = instantClient();

    // Act
    const error = await rejectionOf(http.getJson(quota([secret])));

    // Assess
    expect(error.message).not.toContain('TOPSECRET');
    expect(error.message).not.toContain('yyyyyy');
    expect(error.message.length).toBeLessThan(300);
  });
});
