import { describe, expect, it } from 'vitest';
import type { JsonEndpointOverrides } from '../../../lib/json-endpoint.js';
import { JSON_PRESETS } from '../../../lib/json-presets.js';
import { PRESET_PROVIDER_NAMES, type PresetProviderName } from '../../../lib/model.js';
import { ADAPTERS, fetchSnapshot, PROVIDER_DEFAULT_BASE_URLS } from '../../../lib/providers/index.js';
import { JSON_API_VENDORS, type SandboxAccountSpec } from '../../../lib/sandbox/index.js';
import { failureOf, instantClient, useSandbox, visibleText } from './helpers.js';

const START = new Date('2026-11-01T00:00:00Z');
// 232 hours after START: 1,000 − 232 × 1.25 = 710 (and a monthly reset at 10:12:59Z on the 1st for quotas).
const NOW = new Date('2026-11-10T16:00:00Z');

/** What each preset reads from its vendor's documented answer, for an account at 710 of 1,000. */
const EXPECTED: Readonly<Record<PresetProviderName, { available: number; total?: number; currency?: string }>> = {
  openrouter: { available: 710, total: 1000, currency: 'USD' },
  elevenlabs: { available: 722.5, total: 1000 },
  deepl: { available: 722.5, total: 1000 },
  deepgram: { available: 710, currency: 'USD' },
  stability: { available: 710 },
  runway: { available: 710 },
  fal: { available: 710, currency: 'USD' },
  twilio: { available: 710, currency: 'USD' },
  telnyx: { available: 710, currency: 'USD' },
  deepseek: { available: 710, currency: 'USD' },
  imagerouter: { available: 710 },
};

const QUOTA_VENDORS: readonly string[] = ['elevenlabs', 'deepl'];

const accounts: SandboxAccountSpec[] = JSON_API_VENDORS.map((vendor) => ({
  id: vendor,
  vendor,
  start: START,
  openingBalance: 1000,
  burnPerHour: 1.25,
  ...(QUOTA_VENDORS.includes(vendor) && { monthlyAllowance: 1000 }),
}));
accounts.push({ id: 'fal-inference', vendor: 'fal', start: START, openingBalance: 1000, burnPerHour: 1, canReadBalance: false });
const sandbox = useSandbox({ now: NOW, accounts });

function read(provider: PresetProviderName, endpoint?: JsonEndpointOverrides, accountId: string = provider) {
  const { http } = instantClient({ retries: 0 });
  const vendor = sandbox().accounts().find((a) => a.id === accountId)!.vendor;
  return fetchSnapshot(
    provider,
    {
      accountId,
      baseUrl: sandbox().urls[vendor],
      apiKey: sandbox().keyOf(accountId),
      window: { from: START, to: NOW },
      now: NOW,
      ...(endpoint !== undefined && { endpoint }),
    },
    http,
  );
}

/** The vendor parameters a preset needs, from the account (Deepgram's project id, Twilio's account SID). */
function params(vendor: string): JsonEndpointOverrides | undefined {
  const values = sandbox().paramsOf(vendor);
  return Object.keys(values).length > 0 ? { params: { ...values } } : undefined;
}

describe('the presets, each against its vendor’s documented answer', () => {
  it.each(PRESET_PROVIDER_NAMES)('%s', async (provider) => {
    // Act
    const snapshot = await read(provider, params(provider));

    // Assess
    expect(snapshot.provider).toBe(provider);
    expect(snapshot.balance).toEqual(EXPECTED[provider]);
    expect(snapshot.balance.available).toBe(sandbox().balanceOf(provider));
    const [request] = sandbox().requests();
    expect(request?.method).toBe('GET');
    expect(request?.status).toBe(200);
    expect(request?.accountId).toBe(provider);
  });

  it('sends the credential each vendor documents', async () => {
    // Prepare
    const { http } = instantClient({ retries: 0 });
    const seen: Record<string, Readonly<Record<string, string>>> = {};
    const spy = { getJson: async (req: Parameters<typeof http.getJson>[0]) => ((seen[req.provider] = req.headers), http.getJson(req)) };

    // Act
    for (const provider of PRESET_PROVIDER_NAMES) {
      await fetchSnapshot(
        provider,
        { accountId: provider, baseUrl: sandbox().urls[provider], apiKey: 'k3y-abcdefgh', window: { from: START, to: NOW }, now: NOW, ...(params(provider) !== undefined && { endpoint: params(provider) }) },
        spy,
      ).catch(() => undefined);
    }

    // Assess
    const sid = sandbox().paramsOf('twilio')['accountSid'];
    expect(seen).toEqual({
      openrouter: { Authorization: 'Bearer k3y-abcdefgh' },
      elevenlabs: { 'xi-api-key': 'k3y-abcdefgh' },
      deepl: { Authorization: 'DeepL-Auth-Key k3y-abcdefgh' },
      deepgram: { Authorization: 'Token k3y-abcdefgh' },
      stability: { Authorization: 'Bearer k3y-abcdefgh' },
      runway: { 'X-Runway-Version': '2024-11-06', Authorization: 'Bearer k3y-abcdefgh' },
      fal: { Authorization: 'Key k3y-abcdefgh' },
      twilio: { Authorization: `Basic ${Buffer.from(`${sid}:k3y-abcdefgh`).toString('base64')}` },
      telnyx: { Authorization: 'Bearer k3y-abcdefgh' },
      deepseek: { Authorization: 'Bearer k3y-abcdefgh' },
      imagerouter: { Authorization: 'Bearer k3y-abcdefgh' },
    });
  });
});

describe('a preset’s fields are overridden one by one', () => {
  it('reads another array item and currency when told (DeepSeek in CNY)', async () => {
    // Act
    const snapshot = await read('deepseek', { available: 'balance_infos[currency=CNY].total_balance', currency: 'CNY' });

    // Assess
    expect(snapshot.balance).toEqual({ available: 5112, currency: 'CNY' });
  });

  it('keeps the preset’s path and auth when only the scale changes (Stability credits → hundreds)', async () => {
    // Act
    const snapshot = await read('stability', { scale: 0.01 });

    // Assess
    expect(snapshot.balance).toEqual({ available: 7.1 });
  });

  it('takes its own base URL over the preset’s (the default is the vendor’s public one)', () => {
    // Assess
    expect(PROVIDER_DEFAULT_BASE_URLS.openrouter).toBe('https://openrouter.ai');
    expect(PROVIDER_DEFAULT_BASE_URLS.deepl).toBe('https://api.deepl.com');
    expect(PROVIDER_DEFAULT_BASE_URLS.json).toBeUndefined();
  });
});

describe('preset parameters and permissions', () => {
  it('refuses to read Deepgram without a project id, naming the field', async () => {
    // Act
    const error = await failureOf(read('deepgram'));

    // Assess
    expect(error.code).toBe('request');
    expect(error.message).toContain('endpoint.params.projectId is required: the endpoint of provider deepgram uses {projectId}');
    expect(sandbox().requests()).toEqual([]);
  });

  it('gets 404 for another project id, and 401 for a Twilio SID the token does not belong to', async () => {
    // Act
    const deepgram = await failureOf(read('deepgram', { params: { projectId: 'not-mine' } }));
    const twilio = await failureOf(read('twilio', { params: { accountSid: `AC${'0'.repeat(32)}` } }));

    // Assess
    expect(deepgram.message).toBe('deepgram GET /v1/projects/not-mine/balances: HTTP 404 request refused: NOT_FOUND: Not Found');
    expect(twilio.code).toBe('auth');
  });

  it('says a fal key without billing permission lacks permission to read the balance', async () => {
    // Act
    const error = await failureOf(read('fal', undefined, 'fal-inference'));

    // Assess
    expect(error.code).toBe('auth');
    expect(error.message).toBe('fal GET /v1/account/billing: HTTP 403 the key lacks permission to read the balance: Admin API key required');
    expect(visibleText(error)).not.toContain(sandbox().keyOf('fal-inference'));
  });
});

describe('the preset table', () => {
  it('names for every preset its vendor, an https base URL, what it reads and the https page it was confirmed from', () => {
    // Assess
    for (const [name, preset] of Object.entries(JSON_PRESETS)) {
      expect(preset.vendor, name).not.toBe('');
      expect(preset.baseUrl, name).toMatch(/^https:\/\/[a-z0-9.-]+$/);
      expect(preset.doc, name).toMatch(/^https:\/\/\S+$/);
      expect(preset.reads, name).not.toBe('');
      expect(ADAPTERS[name as PresetProviderName].hasLedger, name).toBe(false);
    }
    expect(Object.keys(JSON_PRESETS).sort()).toEqual([...PRESET_PROVIDER_NAMES].sort());
    expect([...JSON_API_VENDORS].sort()).toEqual([...PRESET_PROVIDER_NAMES].sort());
  });
});
