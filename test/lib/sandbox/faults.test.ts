import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccountSpec, type SandboxOptions } from '../../../lib/sandbox/index.js';
import { HOUR, accountApi, after, get, pictory, pixelcut } from './helpers.js';

const MAY = new Date('2026-05-01T00:00:00.000Z');
const NOW = after(MAY, 5 * HOUR);

const ACCOUNTS: SandboxAccountSpec[] = [
  { id: 'video-prod', vendor: 'pictory', start: MAY, openingBalance: 100, burnPerHour: 1 },
  { id: 'chat-prod', vendor: 'account-api', start: MAY, openingBalance: 100, burnPerHour: 1 },
  { id: 'batch-jobs', vendor: 'account-api', start: MAY, openingBalance: 100, burnPerHour: 1 },
  { id: 'images-prod', vendor: 'pixelcut', start: MAY, openingBalance: 100, burnPerHour: 1 },
];

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ now: NOW, accounts: ACCOUNTS, enforceRateLimits: false, ...options });
  return sandbox;
}

describe('status faults', () => {
  it('answers the vendor’s own error body by default, with Retry-After when given, once', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'pixelcut', fault: { kind: 'status', status: 429, retryAfter: '2' } });

    // Act
    const faulted = await pixelcut(sb, 'images-prod');
    const next = await pixelcut(sb, 'images-prod');

    // Assess
    expect(faulted.status).toBe(429);
    expect(faulted.headers.get('retry-after')).toBe('2');
    expect(faulted.json()).toEqual({ error: 'Too many requests', error_code: 'rate_limit_exceeded' });
    expect(next.status).toBe(200);
  });

  it('answers a given JSON body, as many times as asked', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'account-api', fault: { kind: 'status', status: 503, body: { error: 'maintenance' } }, times: 2 });

    // Act
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await accountApi(sb, 'chat-prod', 'credits'));

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 200]);
    expect(answers[0]?.json()).toEqual({ error: 'maintenance' });
  });

  it('affects only the given path prefix and account, and for ever with Infinity', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'account-api', path: '/auth/account/ledger', accountId: 'batch-jobs', fault: { kind: 'status', status: 500 }, times: Infinity });

    // Act
    const otherPath = await accountApi(sb, 'batch-jobs', 'credits');
    const otherAccount = await accountApi(sb, 'chat-prod', 'ledger');
    const hits = await Promise.all([1, 2, 3].map(() => accountApi(sb, 'batch-jobs', 'ledger?limit=5')));
    sb.clearFaults();
    const cleared = await accountApi(sb, 'batch-jobs', 'ledger');

    // Assess
    expect([otherPath.status, otherAccount.status]).toEqual([200, 200]);
    expect(hits.map((answer) => answer.status)).toEqual([500, 500, 500]);
    expect(hits[0]?.json()).toEqual({ error: 'internal_error', message: 'Internal server error' });
    expect(cleared.status).toBe(200);
  });

  it('matches rules in insertion order', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'pictory', fault: { kind: 'status', status: 502 } });
    sb.inject({ vendor: 'pictory', fault: { kind: 'status', status: 504 } });

    // Act
    const first = await pictory(sb, 'video-prod', '/pictoryapis/v1/quota');
    const second = await pictory(sb, 'video-prod', '/pictoryapis/v1/quota');
    const third = await pictory(sb, 'video-prod', '/pictoryapis/v1/quota');

    // Assess
    expect([first.status, second.status, third.status]).toEqual([502, 504, 200]);
  });
});

describe('body faults', () => {
  it('answers 200 with a body that is not JSON', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'pictory', fault: { kind: 'malformed' } });

    // Act
    const answer = await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('<html>oops');
    expect(() => answer.json()).toThrow();
  });

  it('answers 200 with a drifted JSON body', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'pixelcut', fault: { kind: 'drift', body: { credits: { remaining: 'lots' } } } });

    // Act
    const answer = await pixelcut(sb, 'images-prod');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ credits: { remaining: 'lots' } });
  });

  it('echoes the caller’s key in the body and a header, and the request log still holds no key', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'pictory', fault: { kind: 'echo-key' } });
    sb.inject({ vendor: 'account-api', fault: { kind: 'echo-key', status: 401 } });
    sb.inject({ vendor: 'pixelcut', fault: { kind: 'echo-key' } });

    // Act
    const answers = [
      await pictory(sb, 'video-prod', '/pictoryapis/v1/quota'),
      await accountApi(sb, 'chat-prod', 'credits'),
      await pixelcut(sb, 'images-prod'),
    ];

    // Assess
    const keys = [sb.keyOf('video-prod'), sb.keyOf('chat-prod'), sb.keyOf('images-prod')];
    expect(answers.map((answer) => answer.status)).toEqual([500, 401, 500]);
    answers.forEach((answer, i) => {
      expect(answer.text).toContain(keys[i]);
      expect(answer.headers.get('x-debug-key')).toBe(keys[i]);
      expect(answer.json()).toMatchObject({ error: expect.stringContaining(keys[i] ?? '?'), received_headers: expect.any(Object) });
    });
    const log = JSON.stringify(sb.requests());
    for (const key of keys) expect(log).not.toContain(key);
    expect(sb.requests().map((request) => request.headers['authorization'] ?? request.headers['x-api-key'])).toEqual([
      '<redacted>',
      '<redacted>',
      '<redacted>',
    ]);
  });
});

describe('timing faults', () => {
  it('delays an otherwise normal answer', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'account-api', fault: { kind: 'latency', ms: 150 } });

    // Act
    const startedAt = performance.now();
    const answer = await accountApi(sb, 'chat-prod', 'credits');
    const elapsed = performance.now() - startedAt;

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ balance: 95 });
    expect(elapsed).toBeGreaterThanOrEqual(140);
  });

  it('adds the global latency to every answer', async () => {
    // Prepare
    const sb = await start({ latencyMs: 60 });

    // Act
    const startedAt = performance.now();
    const answer = await pixelcut(sb, 'images-prod');
    const elapsed = performance.now() - startedAt;

    // Assess
    expect(answer.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(55);
  });

  it('never answers a hung request and records it with status 0', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'pixelcut', fault: { kind: 'hang' } });

    // Act
    const hung = get(`${sb.urls.pixelcut}/v1/credits`, { 'x-api-key': sb.keyOf('images-prod') }, { signal: AbortSignal.timeout(150) });

    // Assess
    await expect(hung).rejects.toThrow();
    expect(sb.requests()).toEqual([expect.objectContaining({ vendor: 'pixelcut', accountId: 'images-prod', status: 0 })]);
    expect((await pixelcut(sb, 'images-prod')).status).toBe(200);
  });

  it('closes while a hung request is still open', async () => {
    // Prepare
    const sb = await start();
    sb.inject({ vendor: 'account-api', fault: { kind: 'hang' } });
    const hung = accountApi(sb, 'chat-prod', 'credits').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    await sb.close();

    // Assess
    expect(await hung).toBeInstanceOf(Error);
  });
});

describe('request log', () => {
  it('records every request with sandbox time, final status and redacted credentials', async () => {
    // Prepare
    const sb = await start();

    // Act
    await pictory(sb, 'video-prod', '/pictoryapis/v1/aicredits/usage?month=5');
    sb.setNow(after(NOW, HOUR));
    await accountApi(sb, 'chat-prod', 'ledger?limit=7');
    await get(`${sb.urls.pixelcut}/v1/credits`, { 'x-api-key': 'sk-unknown' });

    // Assess
    expect(sb.requests()).toEqual([
      expect.objectContaining({ vendor: 'pictory', accountId: 'video-prod', method: 'GET', path: '/pictoryapis/v1/aicredits/usage', query: { month: '5' }, status: 200, at: NOW }),
      expect.objectContaining({ vendor: 'account-api', accountId: 'chat-prod', path: '/auth/account/ledger', query: { limit: '7' }, status: 200, at: after(NOW, HOUR) }),
      expect.objectContaining({ vendor: 'pixelcut', path: '/v1/credits', status: 401, headers: expect.objectContaining({ 'x-api-key': '<redacted>' }) }),
    ]);
    expect(sb.requests()[2]?.accountId).toBeUndefined();
    expect(JSON.stringify(sb.requests())).not.toContain('sk-unknown');
    sb.clearRequests();
    expect(sb.requests()).toEqual([]);
  });
});
