import { gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { JSON_API_VENDORS, startSandbox, type Sandbox, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { DAY, HOUR, after, get } from './helpers.js';

const NOV = new Date('2026-11-01T00:00:00.000Z');
const NOW = after(NOV, 10 * DAY);

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(accounts: SandboxAccountSpec[], now = NOW): Promise<Sandbox> {
  sandbox = await startSandbox({ now, accounts, enforceRateLimits: false });
  return sandbox;
}

const spec = (id: string, vendor: SandboxAccountSpec['vendor'], extra: Partial<SandboxAccountSpec> = {}): SandboxAccountSpec => ({
  id,
  vendor,
  start: NOV,
  openingBalance: 1000,
  burnPerHour: 1,
  ...extra,
});

/** GETs a vendor's documented endpoint as the account, with the credential its docs describe. */
function asAccount(sb: Sandbox, accountId: string, init: { path?: string; headers?: Record<string, string> } = {}) {
  const account = sb.accounts().find((a) => a.id === accountId)!;
  const key = sb.keyOf(accountId);
  const params = sb.paramsOf(accountId);
  const request: Record<string, [string, Record<string, string>]> = {
    openrouter: ['/api/v1/credits', { authorization: `Bearer ${key}` }],
    elevenlabs: ['/v1/user/subscription', { 'xi-api-key': key }],
    deepl: ['/v2/usage', { authorization: `DeepL-Auth-Key ${key}` }],
    deepgram: [`/v1/projects/${params['projectId']}/balances`, { authorization: `Token ${key}` }],
    stability: ['/v1/user/balance', { authorization: `Bearer ${key}` }],
    runway: ['/v1/organization', { authorization: `Bearer ${key}`, 'x-runway-version': '2024-11-06' }],
    fal: ['/v1/account/billing?expand=credits', { authorization: `Key ${key}` }],
    twilio: [`/2010-04-01/Accounts/${params['accountSid']}/Balance.json`, { authorization: `Basic ${Buffer.from(`${params['accountSid']}:${key}`).toString('base64')}` }],
    telnyx: ['/v2/balance', { authorization: `Bearer ${key}` }],
    deepseek: ['/user/balance', { authorization: `Bearer ${key}` }],
    imagerouter: ['/v1/credits', { authorization: `Bearer ${key}` }],
    json: ['/anything', { authorization: `Bearer ${key}` }],
  };
  const [path, headers] = request[account.vendor]!;
  return get(`${sb.urls[account.vendor]}${init.path ?? path}`, { ...headers, ...init.headers });
}

describe('the credit APIs of the presets', () => {
  it('answers each vendor’s documented shape to its documented credential, with 950 credits left after 50 hours', async () => {
    // Prepare
    const sb = await start(JSON_API_VENDORS.map((vendor) => spec(vendor, vendor)), after(NOV, 50 * HOUR));

    // Act
    const bodies = Object.fromEntries(await Promise.all(JSON_API_VENDORS.map(async (v) => [v, (await asAccount(sb, v)).json()])));

    // Assess
    const sid = sb.paramsOf('twilio')['accountSid'];
    expect(bodies).toMatchObject({
      openrouter: { data: { total_credits: 1000, total_usage: 50 } },
      elevenlabs: { character_count: 50, character_limit: 1000, next_character_count_reset_unix: Date.parse('2026-12-01T10:12:59.445Z') / 1000 - 0.445 },
      deepl: { character_count: 50, character_limit: 1000 },
      deepgram: { balances: [{ amount: 712.5, units: 'USD' }, { amount: 237.5, units: 'USD' }] },
      stability: { credits: 950 },
      runway: { creditBalance: 950, tier: { maxMonthlyCreditSpend: 10000 } },
      fal: { username: 'fal', credits: { current_balance: 950, currency: 'USD' } },
      twilio: { currency: 'USD', balance: '950', account_sid: sid },
      telnyx: { data: { record_type: 'balance', available_credit: '950', currency: 'USD' } },
      deepseek: { is_available: true, balance_infos: [{ currency: 'CNY' }, { currency: 'USD', total_balance: '950' }] },
      imagerouter: { remaining_credits: '950', credit_usage: '50', total_deposits: '1000' },
    });
  });

  it('moves the balance through the month, a top-up included', async () => {
    // Prepare
    const sb = await start([spec('or', 'openrouter', { topUps: [{ at: after(NOV, 5 * DAY), amount: 500 }] })]);
    const remaining = async (instant: Date): Promise<number> => {
      sb.setNow(instant);
      const { data } = (await asAccount(sb, 'or')).json<{ data: { total_credits: number; total_usage: number } }>();
      return data.total_credits - data.total_usage;
    };

    // Act
    const figures = [await remaining(after(NOV, DAY)), await remaining(after(NOV, 5 * DAY)), await remaining(after(NOV, 20 * DAY))];

    // Assess
    expect(figures).toEqual([976, 1380, 1020]);
  });

  it('refuses a wrong or missing credential (401), another project (404), a key without billing access (403) and a missing version (400)', async () => {
    // Prepare
    const sb = await start([spec('dg', 'deepgram'), spec('fal', 'fal', { canReadBalance: false }), spec('rw', 'runway'), spec('tw', 'twilio')]);

    // Act
    const statuses = [
      (await asAccount(sb, 'dg', { headers: { authorization: 'Token nope' } })).status,
      (await get(`${sb.urls.stability}/v1/user/balance`)).status,
      (await asAccount(sb, 'dg', { path: '/v1/projects/someone-else/balances' })).status,
      (await asAccount(sb, 'fal')).status,
      (await asAccount(sb, 'rw', { headers: { 'x-runway-version': '2020-01-01' } })).status,
      (await asAccount(sb, 'tw', { headers: { authorization: `Basic ${Buffer.from(`AC0:${sb.keyOf('tw')}`).toString('base64')}` } })).status,
    ];

    // Assess
    expect(statuses).toEqual([401, 401, 404, 403, 400, 401]);
  });

  it('leaves fal’s credits out unless asked to expand them, and gives each account stable parameters', async () => {
    // Prepare
    const sb = await start([spec('fal', 'fal'), spec('dg', 'deepgram'), spec('tw', 'twilio', { params: { accountSid: `AC${'1'.repeat(32)}` } })]);

    // Act
    const plain = (await asAccount(sb, 'fal', { path: '/v1/account/billing' })).json();

    // Assess
    expect(plain).toEqual({ username: 'fal' });
    expect(sb.paramsOf('dg')['projectId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sb.paramsOf('tw')).toEqual({ accountSid: `AC${'1'.repeat(32)}` });
  });
});

describe('the generic json endpoint', () => {
  it('answers any path to a Bearer key, an X-Api-Key or ?api_key=, and logs the query key redacted', async () => {
    // Prepare
    const sb = await start([spec('js', 'json')]);
    const key = sb.keyOf('js');

    // Act
    const answers = await Promise.all([
      get(`${sb.urls.json}/v1/balance`, { authorization: `Bearer ${key}` }),
      get(`${sb.urls.json}/credits`, { 'x-api-key': key }),
      get(`${sb.urls.json}/x?api_key=${encodeURIComponent(key)}`),
      get(`${sb.urls.json}/x?api_key=wrong`),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401]);
    expect(answers[0]?.json()).toMatchObject({ data: { remaining: '760', limit: 1000, used: 240, cents: 76000, currency: 'EUR' } });
    expect(JSON.stringify(sb.requests())).not.toContain(key);
  });

  it('answers a body a test sets: HTML, null, bytes that are not UTF-8, gzip', async () => {
    // Prepare
    const sb = await start([spec('js', 'json')]);
    sb.inject({ vendor: 'json', fault: { kind: 'body', body: '<html>Bad gateway</html>', contentType: 'text/html' } });
    sb.inject({ vendor: 'json', fault: { kind: 'body', body: 'null' } });
    sb.inject({ vendor: 'json', fault: { kind: 'body', body: Uint8Array.from([0xff, 0xfe]) } });
    sb.inject({ vendor: 'json', fault: { kind: 'body', body: '{"a":1}', gzip: true } });

    // Act
    const html = await asAccount(sb, 'js');
    const nul = await asAccount(sb, 'js');
    const bytes = await rawGet(`${sb.urls.json}/x`, sb.keyOf('js'));
    const gzip = await rawGet(`${sb.urls.json}/x`, sb.keyOf('js'));

    // Assess
    expect([html.status, html.headers.get('content-type'), html.text]).toEqual([200, 'text/html', '<html>Bad gateway</html>']);
    expect(nul.json()).toBeNull();
    expect([...bytes.body]).toEqual([0xff, 0xfe]);
    expect([gzip.encoding, gunzipSync(gzip.body).toString()]).toEqual(['gzip', '{"a":1}']);
  });

  it('redirects to another port, and streams a body that never ends until the client goes', async () => {
    // Prepare
    const sb = await start([spec('js', 'json')]);
    sb.inject({ vendor: 'json', fault: { kind: 'redirect', location: `${sb.urls.pixelcut}/v1/credits` } });
    sb.inject({ vendor: 'json', fault: { kind: 'endless', chunk: 'x'.repeat(1024) } });

    // Act
    const redirect = await get(`${sb.urls.json}/x`, { authorization: `Bearer ${sb.keyOf('js')}` }, { redirect: 'manual' });
    const controller = new AbortController();
    const response = await fetch(`${sb.urls.json}/x`, { headers: { authorization: `Bearer ${sb.keyOf('js')}` }, signal: controller.signal });
    const reader = response.body!.getReader();
    let received = 0;
    while (received < 256 * 1024) received += (await reader.read()).value?.byteLength ?? 0;
    controller.abort();

    // Assess
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, `${sb.urls.pixelcut}/v1/credits`]);
    expect(received).toBeGreaterThanOrEqual(256 * 1024);
  });
});

/** A GET that reads the raw bytes, without fetch's decompression. */
function rawGet(url: string, key: string): Promise<{ body: Buffer; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { authorization: `Bearer ${key}` }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ body: Buffer.concat(chunks), encoding: res.headers['content-encoding'] }));
    });
    req.on('error', reject);
    req.end();
  });
}
