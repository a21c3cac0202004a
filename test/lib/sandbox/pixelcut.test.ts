import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccountSpec, type SandboxOptions } from '../../../lib/sandbox/index.js';
import { HOUR, after, get, pixelcut } from './helpers.js';

const MAY = new Date('2026-05-01T00:00:00.000Z');

function imagesProd(overrides: Partial<SandboxAccountSpec> = {}): SandboxAccountSpec {
  return { id: 'images-prod', vendor: 'pixelcut', start: MAY, openingBalance: 50, burnPerHour: 2, ...overrides };
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(now: Date, accounts: SandboxAccountSpec[], options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ now, accounts, ...options });
  return sandbox;
}

describe('pixelcut credits', () => {
  it('answers credits_remaining as a string by default, as the spec types it', async () => {
    // Prepare
    const sb = await start(after(MAY, 4 * HOUR), [imagesProd()]);

    // Act
    const answer = await pixelcut(sb, 'images-prod');

    // Assess
    expect(sb.keyOf('images-prod')).toMatch(/^sk[0-9a-f]{32}$/);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ credits_remaining: '42' });
  });

  it('answers a number when the account sends numbers, fractions included', async () => {
    // Prepare
    const sb = await start(after(MAY, 3 * HOUR), [imagesProd({ numbersAsStrings: false, burnPerHour: 2.5 })]);

    // Act
    const answer = await pixelcut(sb, 'images-prod');

    // Assess
    expect(answer.json()).toEqual({ credits_remaining: 42.5 });
  });

  it('reads the key header case-insensitively and answers 401 invalid_auth_token without a valid key', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [imagesProd()]);
    const url = `${sb.urls.pixelcut}/v1/credits`;

    // Act
    const mixedCase = await get(url, { 'X-Api-Key': sb.keyOf('images-prod') });
    const missing = await get(url);
    const wrong = await get(url, { 'X-API-KEY': 'sk-not-a-key' });

    // Assess
    expect(mixedCase.status).toBe(200);
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(wrong.json()).toEqual({ error: 'API Token not found', error_code: 'invalid_auth_token' });
  });

  it('answers 403 insufficient_api_credits once consumption has stopped at 0, and 200 again after a top-up', async () => {
    // Prepare: 50 credits at 2/h last 25 hours.
    const sb = await start(after(MAY, 30 * HOUR), [imagesProd()]);

    // Act
    const drained = await pixelcut(sb, 'images-prod');
    const balance = sb.balanceOf('images-prod');
    sb.topUp('images-prod', 10);
    const toppedUp = await pixelcut(sb, 'images-prod');

    // Assess
    expect(balance).toBe(0);
    expect(drained.status).toBe(403);
    expect(drained.json()).toEqual({ error: 'Insufficient API credits', error_code: 'insufficient_api_credits' });
    // The top-up lands at 06:00 on the 2nd, just before that instant's debit of 2.
    expect(toppedUp.json()).toEqual({ credits_remaining: '8' });
  });

  it('cuts the last debit to what is left rather than going below 0', async () => {
    // Prepare: 5 credits at 2/h: 3, 1, then 0 (a debit of 1).
    const sb = await start(after(MAY, 10 * HOUR), [imagesProd({ openingBalance: 5 })]);

    // Act
    const balances = [1, 2, 3, 4].map((hours) => {
      sb.setNow(after(MAY, hours * HOUR));
      return sb.balanceOf('images-prod');
    });

    // Assess
    expect(balances).toEqual([3, 1, 0, 0]);
  });

  it('answers 429 rate_limit_exceeded beyond 5 requests a second per key, without Retry-After', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [imagesProd(), imagesProd({ id: 'images-staging' })]);

    // Act
    const burst = await Promise.all(Array.from({ length: 7 }, () => pixelcut(sb, 'images-prod')));
    const otherKey = await pixelcut(sb, 'images-staging');

    // Assess
    const statuses = burst.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = burst.find((answer) => answer.status === 429);
    expect(limited?.json()).toEqual({ error: 'Too many requests', error_code: 'rate_limit_exceeded' });
    expect(limited?.headers.get('retry-after')).toBeNull();
    expect(otherKey.status).toBe(200);
  });

  it('admits requests again once the second has passed', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [imagesProd()]);
    await Promise.all(Array.from({ length: 6 }, () => pixelcut(sb, 'images-prod')));

    // Act
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const answer = await pixelcut(sb, 'images-prod');

    // Assess
    expect(answer.status).toBe(200);
  });

  it('does not rate-limit when told not to', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [imagesProd()], { enforceRateLimits: false });

    // Act
    const burst = await Promise.all(Array.from({ length: 12 }, () => pixelcut(sb, 'images-prod')));

    // Assess
    expect(burst.every((answer) => answer.status === 200)).toBe(true);
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    // Prepare
    const sb = await start(after(MAY, HOUR), [imagesProd()]);
    const headers = { 'x-api-key': sb.keyOf('images-prod') };

    // Act
    const unknown = await get(`${sb.urls.pixelcut}/v1/remove-background`, headers);
    const posted = await get(`${sb.urls.pixelcut}/v1/credits`, headers, { method: 'POST' });

    // Assess
    expect([unknown.status, posted.status]).toEqual([404, 405]);
  });
});
