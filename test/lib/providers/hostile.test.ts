// Vendors answering as a hostile or broken server would (issue 9: "Inputs that must not hurt" and "Found
// when tried as a hostile user would" 3, 4, 5, 11, 12): each case fails clearly for its account, within
// bounded time and memory, and no form of the key reaches any message.
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../../lib/model.js';
import { DEFAULT_ACCOUNT_DEADLINE_MS, fetchSnapshot } from '../../../lib/providers/index.js';
import { createHttpClient, type HttpClient } from '../../../lib/providers/http.js';
import { redact } from '../../../lib/redact.js';
import type { Fault, SandboxVendor } from '../../../lib/sandbox/index.js';
import { failureOf, instantClient, useSandbox, visibleText } from './helpers.js';

const START = new Date('2026-11-01T00:00:00Z');
const NOW = new Date('2026-11-11T00:00:00Z');
/** A key with the characters that encodings change: `/` (JSON `\/`, `&#x2F;`) and `+` (`%2B`, `&#43;`). */
const KEY = 'sk-RT/Secret+Key-12345678';

const sandbox = useSandbox({
  now: NOW,
  accounts: [
    { id: 'img', vendor: 'pixelcut', key: KEY, start: START, openingBalance: 500, burnPerHour: 1 },
    { id: 'vid', vendor: 'pictory', start: START, openingBalance: 500, monthlyAllowance: 500, burnPerHour: 1 },
    { id: 'api', vendor: 'account-api', start: START, openingBalance: 5000, burnPerHour: 1 },
    // A debit every 10 minutes: 1,440 ledger entries, 15 pages of 100.
    { id: 'pages', vendor: 'account-api', start: START, openingBalance: 5000, burnPerHour: 6, debitEveryMinutes: 10 },
    { id: 'js', vendor: 'json', key: `${KEY}-json`, start: START, openingBalance: 500, burnPerHour: 1 },
  ],
});

const VENDOR: Record<string, ProviderName> = { img: 'pixelcut', vid: 'pictory', api: 'account-api', pages: 'account-api', js: 'json' };

function check(accountId: string, options: { http?: HttpClient; apiKey?: string; signal?: AbortSignal } = {}) {
  const provider = VENDOR[accountId]!;
  const http = options.http ?? instantClient({ retries: 1, timeoutMs: 2_000 }).http;
  return fetchSnapshot(
    provider,
    {
      accountId,
      baseUrl: sandbox().urls[provider as SandboxVendor],
      apiKey: options.apiKey ?? sandbox().keyOf(accountId),
      window: { from: START, to: NOW },
      now: NOW,
      ...(provider === 'json' && { endpoint: { path: '/v1/balance', auth: { header: 'Authorization', value: 'Bearer {key}' }, available: 'data.remaining', currency: { path: 'data.currency' } } }),
      ...(options.signal !== undefined && { signal: options.signal }),
    },
    http,
  );
}

function inject(vendor: SandboxVendor, fault: Fault, path?: string): void {
  sandbox().inject({ vendor, fault, times: Infinity, ...(path !== undefined && { path }) });
}

/** Every form of a key that must not be shown: itself, and the run a vendor may show unmasked. */
function expectNoKey(error: Error, key = KEY): void {
  const text = visibleText(error);
  expect(text).not.toContain(key);
  expect(text).not.toContain(key.slice(0, 14));
  expect(text).not.toContain(encodeURIComponent(key));
}

describe('bodies that are huge, endless, deep or not text', () => {
  it('stops reading a Pictory month above its 16 MiB cap', async () => {
    // Prepare: 20 MiB of ledger.
    const entry = '{"transactionId":"t","type":"debit","amount":1,"transactionDate":"2026-11-02T00:00:00Z"},';
    inject('pictory', { kind: 'body', body: `[${entry.repeat(Math.ceil((20 * 1024 * 1024) / entry.length))}{}]` }, '/pictoryapis/v1/aicredits/usage');

    // Act
    const error = await failureOf(check('vid'));

    // Assess
    expect(error.code).toBe('response');
    expect(error.message).toBe('pictory GET /pictoryapis/v1/aicredits/usage: HTTP 200 body is larger than 16 MiB (stopped reading there)');
  });

  it('reports one problem for a large array of bad entries, not one per entry', async () => {
    // Prepare: 40,000 entries, every one with a bad amount.
    const entry = '{"transactionId":"t","type":"debit","amount":"n/a","transactionDate":"2026-11-02T00:00:00Z"},';
    inject('pictory', { kind: 'body', body: `[${entry.repeat(40_000)}{}]` }, '/pictoryapis/v1/aicredits/usage');

    // Act
    const error = await failureOf(check('vid'));

    // Assess
    expect(error.message).toBe('pictory /pictoryapis/v1/aicredits/usage: [0].amount: expected a number, got a string of 3 characters');
  });

  it.each([
    ['a gzip bomb (32 MiB inflated)', { kind: 'body', body: Buffer.alloc(32 * 1024 * 1024, 0x20), gzip: true }, 'HTTP 200 body is larger than 1 MiB (stopped reading there)'],
    ['a body that never ends', { kind: 'endless' }, 'HTTP 200 body is larger than 1 MiB (stopped reading there)'],
    ['JSON nested 100,000 deep', { kind: 'body', body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }, 'HTTP 200 body nests JSON deeper than 64 levels'],
    ['bytes that are not UTF-8', { kind: 'body', body: Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }, 'HTTP 200 body is not UTF-8 text'],
  ] as const)('refuses %s for that account', async (_, fault, problem) => {
    // Prepare
    inject('pixelcut', fault);

    // Act
    const error = await failureOf(check('img'));

    // Assess
    expect(error.code).toBe('response');
    expect(error.message).toBe(`pixelcut GET /v1/credits: ${problem}`);
  });

  it('times out a body that trickles for ever', async () => {
    // Prepare
    inject('pixelcut', { kind: 'endless', chunk: ' ', intervalMs: 20 });
    const { http } = instantClient({ retries: 0, timeoutMs: 300 });

    // Act
    const error = await failureOf(check('img', { http }));

    // Assess
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('pixelcut GET /v1/credits: no response within 300 ms (after 1 attempt)');
  });

  it('names the missing field of a 200 that holds an error object', async () => {
    // Prepare
    inject('pixelcut', { kind: 'drift', body: { error: 'API Token not found', error_code: 'invalid_auth_token' } });

    // Act
    const error = await failureOf(check('img'));

    // Assess
    expect(error.code).toBe('response');
    expect(error.message).toBe('pixelcut /v1/credits: credits_remaining: required field is missing');
  });
});

describe('a key echoed back in another encoding', () => {
  const jsonEscaped = JSON.stringify(KEY).slice(1, -1).replace(/\//g, '\\/');
  const unicodeEscaped = [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const html = KEY.replace(/\//g, '&#x2F;').replace(/\+/g, '&#43;');
  it.each([
    ['JSON-escaped in a JSON body', `{"error":"invalid key ${jsonEscaped}"}`, 'application/json', 400],
    ['JSON-escaped in a text body', `invalid key ${jsonEscaped}`, 'text/plain', 400],
    ['\\u-escaped in a JSON body', `{"message":"key ${unicodeEscaped} rejected"}`, 'application/json', 400],
    ['\\u-escaped in a text body', `key ${unicodeEscaped} rejected`, 'text/plain', 401],
    ['as HTML entities', `<html><body><p>Key ${html} is not valid</p></body></html>`, 'text/html', 403],
    ['partly, masked at the end', `{"error":"key ${KEY.slice(0, 14)}**** revoked"}`, 'application/json', 401],
    ['URL-encoded', `{"error":"see /keys?k=${encodeURIComponent(KEY)}"}`, 'application/json', 400],
    ['in a plain-text 200', `Welcome ${KEY}!`, 'text/plain', 200],
  ])('%s never reaches the error', async (_, body, contentType, status) => {
    // Prepare
    inject('pixelcut', { kind: 'body', status, body, contentType });

    // Act
    const error = await failureOf(check('img'));

    // Assess
    expect(error.message).toMatch(/^pixelcut GET \/v1\/credits: HTTP \d{3} /);
    expect(error.message).toContain('[redacted]');
    expectNoKey(error);
  });

  it('refuses a currency that is the key (or anything but three letters) without showing it', async () => {
    // Prepare
    inject('account-api', { kind: 'drift', body: { balance: 10, available: 10, currency: KEY } }, '/auth/account/credits');

    // Act
    const error = await failureOf(check('api'));

    // Assess
    expect(error.code).toBe('response');
    expect(error.message).toBe(
      'account-api /auth/account/credits: currency: expected an ISO 4217 currency code (three letters), got a string of 25 characters',
    );
    expectNoKey(error);
  });
});

describe('control characters from vendors', () => {
  it('strips ANSI escapes, the bell and line breaks from an error message', async () => {
    // Prepare
    inject('pixelcut', { kind: 'status', status: 400, body: { error: '\u001b[31mred\u001b[0m\u0007 alert\r\n[ok] FORGED LINE\u202e' } });

    // Act
    const error = await failureOf(check('img'));

    // Assess
    expect(error.message).toBe('pixelcut GET /v1/credits: HTTP 400 request refused: red alert [ok] FORGED LINE');
  });

  it('refuses a currency forging a line, and strips escapes from ledger descriptions', async () => {
    // Prepare
    inject('account-api', { kind: 'drift', body: { balance: 10, available: 10, currency: 'US\r\nD' } }, '/auth/account/credits');
    sandbox().inject({
      vendor: 'pictory',
      path: '/pictoryapis/v1/aicredits/usage',
      times: Infinity,
      fault: {
        kind: 'drift',
        body: [{ transactionId: 't1', type: 'debit', amount: 1, description: '\u001b]0;pwned\u0007Render\r\nOK', transactionDate: '2026-11-02T00:00:00Z' }],
      },
    });

    // Act
    const currency = await failureOf(check('api'));
    const pictory = await check('vid');

    // Assess
    expect(currency.field).toBe('currency');
    expect(pictory.ledger?.map((entry) => entry.description)).toEqual(['Render  OK']);
  });
});

describe('keys that no vendor could accept', () => {
  it.each([
    ['a line break', 'sk-abc\ndef', 'holds a line break or another control character'],
    ['a non-Latin-1 character', 'sk-clé✓', 'holds a character that cannot be sent in an HTTP header (outside Latin-1)'],
    ['100 KB', 'k'.repeat(100_000), 'is 100000 characters long (an API key has at most 4096)'],
  ])('are a key error at once, naming the account, for %s', async (_, apiKey, problem) => {
    // Act
    const error = await failureOf(check('img', { apiKey }));

    // Assess
    expect(error.code).toBe('key');
    expect(error.message).toBe(`the API key of account img ${problem}; check what its variable or parameter holds`);
    expect(sandbox().requests().filter((r) => r.vendor === 'pixelcut')).toEqual([]);
  });

  it('does not mangle a message when the key is one letter, however often it is redacted', async () => {
    // Act
    const error = await failureOf(check('img', { apiKey: 'e' }));
    const again = redact(redact(error.message, ['e']), ['e']);

    // Assess
    expect(error.code).toBe('auth');
    expect(error.message).toBe(
      'pixelcut GET /v1/credits: HTTP 401 credentials rejected (wrong, revoked or expired key): invalid_auth_token: API Token not found',
    );
    expect(again).toBe(error.message);
  });
});

describe('figures beyond any real balance', () => {
  it('refuses 1.7e308 rather than let it become Infinity or null downstream', async () => {
    // Prepare
    inject('pixelcut', { kind: 'drift', body: { credits_remaining: 1.7e308 } });
    inject('json', { kind: 'drift', body: { data: { remaining: '1.7e308', currency: 'USD' } } });

    // Act
    const pixelcut = await failureOf(check('img'));
    const json = await failureOf(check('js'));

    // Assess
    expect(pixelcut.message).toBe('pixelcut /v1/credits: credits_remaining: expected a number of credits (at most 1000000000000000 in size), got 1.7e+308');
    expect(json.message).toBe('json GET /v1/balance: data.remaining: the figure is beyond any real balance (more than 1000000000000000 in size)');
  });
});

describe('the overall deadline of an account', () => {
  it('is 30 seconds unless the caller passes its own signal', () => {
    // Assess
    expect(DEFAULT_ACCOUNT_DEADLINE_MS).toBe(30_000);
  });

  it('ends an Account API serving slow ledger pages as a timeout error', async () => {
    // Prepare: every ledger page takes 100 ms; 15 pages would take 1.5 s.
    sandbox().inject({ vendor: 'account-api', path: '/auth/account/ledger', fault: { kind: 'latency', ms: 100 }, times: Infinity });

    // Act
    const error = await failureOf(check('pages', { signal: AbortSignal.timeout(250) }));

    // Assess
    expect(error.code).toBe('timeout');
    expect(error.message).toContain("the account's overall deadline passed");
    const pages = sandbox().requests().filter((r) => r.path === '/auth/account/ledger');
    expect(pages.length).toBeLessThan(15);
  });

  it('cuts short a Retry-After sleep and the retries after it', async () => {
    // Prepare: a 429 asking for 30 s, again and again, and a client that really sleeps.
    inject('pixelcut', { kind: 'status', status: 429, retryAfter: '30' });
    const http = createHttpClient({ retries: 5 });

    // Act
    const error = await failureOf(check('img', { http, signal: AbortSignal.timeout(200) }));

    // Assess
    expect(error.code).toBe('timeout');
    expect(error.message).toBe("pixelcut GET /v1/credits: the account's overall deadline passed (after 1 attempt); stopped");
    expect(sandbox().requests().filter((r) => r.vendor === 'pixelcut')).toHaveLength(1);
  });

  it('gives up waiting for a concurrency slot at the deadline, and leaks no slot', async () => {
    // Prepare: one request at a time to Pixelcut; the first one hangs until its 300 ms timeout.
    sandbox().inject({ vendor: 'pixelcut', fault: { kind: 'hang' } });
    const http = createHttpClient({ retries: 0, timeoutMs: 300, limits: { pixelcut: { concurrency: 1 } } });
    const hung = failureOf(check('img', { http }));

    // Act
    const waiting = await failureOf(check('img', { http, signal: AbortSignal.timeout(50) }));
    const first = await hung;
    const after = await check('img', { http });

    // Assess
    expect(waiting.code).toBe('timeout');
    expect(waiting.message).toContain("the account's overall deadline passed");
    expect(first.code).toBe('timeout');
    expect(after.balance.available).toBe(sandbox().balanceOf('img'));
  });

  it('cuts short a request that hangs, whatever the per-attempt timeout', async () => {
    // Prepare
    inject('pixelcut', { kind: 'hang' });
    const http = createHttpClient({ timeoutMs: 10_000, retries: 3 });

    // Act
    const error = await failureOf(check('img', { http, signal: AbortSignal.timeout(200) }));

    // Assess
    expect(error.code).toBe('timeout');
    expect(error.message).toContain("the account's overall deadline passed (after 1 attempt)");
  });
});
