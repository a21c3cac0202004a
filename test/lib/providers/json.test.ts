import { describe, expect, it } from 'vitest';
import type { JsonEndpointOverrides } from '../../../lib/json-endpoint.js';
import { fetchSnapshot } from '../../../lib/providers/index.js';
import { failureOf, instantClient, recordingServer, useSandbox, visibleText } from './helpers.js';

const START = new Date('2026-11-01T00:00:00Z');
const NOW = new Date('2026-11-10T16:00:00Z');
const BEARER = { header: 'Authorization', value: 'Bearer {key}' } as const;

const sandbox = useSandbox({
  now: NOW,
  accounts: [
    // 1.25 an hour from 1,000: 710 at NOW, in cents exactly.
    { id: 'api', vendor: 'json', start: START, openingBalance: 1000, burnPerHour: 1.25 },
    { id: 'strings', vendor: 'json', start: START, openingBalance: 1000, burnPerHour: 1.25, numbersAsStrings: true },
  ],
});

function read(endpoint: JsonEndpointOverrides, accountId = 'api', baseUrl = sandbox().urls.json) {
  const { http } = instantClient({ retries: 0 });
  return fetchSnapshot(
    'json',
    { accountId, baseUrl, apiKey: sandbox().keyOf(accountId), window: { from: START, to: NOW }, now: NOW, endpoint },
    http,
  );
}

describe('provider json: every PATH form against a real endpoint', () => {
  it.each([
    ['a dot path to a numeric string', { available: 'data.remaining' }, { available: 710 }],
    ['an index', { available: 'accounts[0].credits' }, { available: 710 }],
    ['[key=value]', { available: 'balances[currency=USD].amount' }, { available: 177.5 }],
    ['[*] (the sum)', { available: 'balances[*].amount' }, { available: 710 }],
    ['{limit, used}', { available: { limit: 'data.limit', used: 'data.used' } }, { available: 710, total: 1000 }],
    ['scale (cents)', { available: 'data.cents', scale: 0.01 }, { available: 710 }],
    ['a currency literal', { available: 'data.remaining', currency: 'USD' }, { available: 710, currency: 'USD' }],
    ['a currency path', { available: 'data.remaining', currency: { path: 'data.currency' } }, { available: 710, currency: 'EUR' }],
  ] as const)('reads %s', async (_, mapping, balance) => {
    // Act
    const snapshot = await read({ path: '/v1/balance', auth: BEARER, ...mapping });

    // Assess
    expect(snapshot.balance).toEqual(balance);
    expect(snapshot.ledger).toBeUndefined();
    expect(sandbox().balanceOf('api')).toBe(710);
  });

  it('reads numbers sent as strings through {limit, used} and [*]', async () => {
    // Act
    const limitUsed = await read({ path: '/x', auth: BEARER, available: { limit: 'data.limit', used: 'data.used' } }, 'strings');
    const summed = await read({ path: '/x', auth: BEARER, available: 'balances[*].amount' }, 'strings');

    // Assess
    expect(limitUsed.balance).toEqual({ available: 710, total: 1000 });
    expect(summed.balance.available).toBe(710);
  });

  it('sends the key as a query parameter, and only GETs', async () => {
    // Act
    const snapshot = await read({ path: '/v1/balance?detail=1', auth: { query: 'api_key' }, available: 'data.remaining' });

    // Assess
    expect(snapshot.balance.available).toBe(710);
    const [request] = sandbox().requests();
    expect(request?.method).toBe('GET');
    expect(request?.query).toEqual({ detail: '1', api_key: '<redacted>' });
  });
});

describe('provider json: what is not a number is an error naming the path, never a zero', () => {
  it.each([
    ['missing', { data: {} }, 'data.remaining: missing'],
    ['null', { data: { remaining: null } }, 'data.remaining: expected a number, found null'],
    ['text', { data: { remaining: 'plenty' } }, 'data.remaining: expected a number, found text that is not a number'],
    ['an object', { data: { remaining: { value: 1 } } }, 'data.remaining: expected a number, found an object'],
    ['an array', { data: { remaining: [1, 2] } }, 'data.remaining: expected a number, found an array'],
    ['a null body', null, 'data: missing (the body is null, not an object) (reading data.remaining)'],
  ])('%s', async (_, body, message) => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault: { kind: 'drift', body } });

    // Act
    const error = await failureOf(read({ path: '/v1/balance', auth: BEARER, available: 'data.remaining' }));

    // Assess
    expect(error.code).toBe('response');
    expect(error.message).toBe(`json GET /v1/balance: ${message}`);
    expect(error.field).toBe(message.split(':')[0]);
  });

  it('says so when a 200 body holds an error object, in the vendor words it takes from known fields only', async () => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault: { kind: 'drift', body: { error: { code: 'invalid_key', message: 'Invalid API key' }, extra: 'x'.repeat(5000) } } });

    // Act
    const error = await failureOf(read({ path: '/v1/balance', auth: BEARER, available: 'data.remaining' }));

    // Assess
    expect(error.message).toBe(
      'json GET /v1/balance: data: missing (reading data.remaining); the body holds an error: invalid_key: Invalid API key',
    );
  });

  it('names the item of a sum that is not a number', async () => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault: { kind: 'drift', body: { balances: [{ amount: 1 }, { amount: 'n/a' }] } } });

    // Act
    const error = await failureOf(read({ path: '/b', auth: BEARER, available: 'balances[*].amount' }));

    // Assess
    expect(error.message).toBe('json GET /b: balances[1].amount: expected a number, found text that is not a number (reading balances[*].amount)');
  });

  it('refuses a PATH that cannot be parsed (one that skipped validation), naming it', async () => {
    // Act
    const error = await failureOf(read({ path: '/b', auth: BEARER, available: 'data..remaining' }));

    // Assess
    expect(error.code).toBe('request');
    expect(error.message).toBe('json GET /b: PATH "data..remaining" unexpected "." at character 5 (expected ".key", [n], [key=value] or [*])');
  });

  it('refuses a currency that is not three letters without showing it', async () => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault: { kind: 'drift', body: { data: { remaining: 5, currency: 'Euros, please' } } } });

    // Act
    const error = await failureOf(read({ path: '/b', auth: BEARER, available: 'data.remaining', currency: { path: 'data.currency' } }));

    // Assess
    expect(error.message).toBe('json GET /b: data.currency: expected an ISO 4217 currency code (three letters), found text of 13 characters');
  });
});

describe('provider json: safety', () => {
  it.each([
    ['more than 1 MiB', { kind: 'body', body: `{"data":{"remaining":1},"pad":"${'x'.repeat(1_100_000)}"}` }, 'HTTP 200 body is larger than 1 MiB (stopped reading there)'],
    ['nested too deep', { kind: 'body', body: `${'['.repeat(100)}${']'.repeat(100)}` }, 'HTTP 200 body nests JSON deeper than 64 levels'],
    ['HTML', { kind: 'body', body: '<html><body><h1>Welcome</h1></body></html>', contentType: 'text/html; charset=utf-8' }, 'HTTP 200 body is not JSON (text/html): Welcome'],
  ] as const)('refuses a body %s with a clear error', async (_, fault, message) => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault });

    // Act
    const error = await failureOf(read({ path: '/b', auth: BEARER, available: 'data.remaining' }));

    // Assess
    expect(error.code).toBe('response');
    expect(error.message).toBe(`json GET /b: ${message}`);
  });

  it('reports a 403 as a key without permission to read the balance (code auth), not an expired key', async () => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault: { kind: 'status', status: 403, body: { error: { message: 'billing scope required' } } } });

    // Act
    const error = await failureOf(read({ path: '/b', auth: BEARER, available: 'data.remaining' }));

    // Assess
    expect(error.code).toBe('auth');
    expect(error.message).toBe('json GET /b: HTTP 403 the key lacks permission to read the balance: billing scope required');
  });

  it.each([
    ['a header', BEARER],
    ['the query string', { query: 'api_key' }],
  ] as const)('never follows a redirect to another origin with the key in %s, nor shows the key', async (_, auth) => {
    // Prepare: the redirect's URL carries the key too, as a careless vendor might build it.
    const elsewhere = await recordingServer();
    const key = sandbox().keyOf('api');
    sandbox().inject({ vendor: 'json', fault: { kind: 'redirect', location: `${elsewhere.url}/steal/${key}?api_key=${key}` } });

    // Act
    const error = await failureOf(read({ path: '/b', auth, available: 'data.remaining' }));
    await elsewhere.close();

    // Assess
    expect(error.code).toBe('request');
    expect(error.message).toContain(`redirect to ${elsewhere.url}/steal/[redacted] not followed`);
    expect(visibleText(error)).not.toContain(key);
    expect(elsewhere.requests).toEqual([]);
  });

  it.each([
    ['a header', BEARER],
    ['the query string', { query: 'api_key' }],
  ] as const)('keeps a key sent in %s and echoed back in an error body out of the error', async (_, auth) => {
    // Prepare
    const key = sandbox().keyOf('api');
    sandbox().inject({ vendor: 'json', fault: { kind: 'echo-key', status: 400 } });

    // Act
    const error = await failureOf(read({ path: '/b', auth, available: 'data.remaining' }));

    // Assess
    expect(error.code).toBe('request');
    expect(error.message).toContain('[redacted]');
    expect(visibleText(error)).not.toContain(key);
  });

  it('follows a redirect within the same origin', async () => {
    // Prepare
    sandbox().inject({ vendor: 'json', fault: { kind: 'redirect', location: '/v2/balance', status: 301 } });

    // Act
    const snapshot = await read({ path: '/v1/balance', auth: BEARER, available: 'data.remaining' });

    // Assess
    expect(snapshot.balance.available).toBe(710);
    expect(sandbox().requests().map((r) => [r.path, r.status])).toEqual([
      ['/v1/balance', 301],
      ['/v2/balance', 200],
    ]);
  });
});
