import { describe, expect, it } from 'vitest';
import { PRESET_PROVIDER_NAMES, PROVIDER_NAMES } from '../../../lib/model.js';
import { ADAPTERS, DEFAULT_VENDOR_LIMITS, PROVIDER_DEFAULT_BASE_URLS, providerHasLedger } from '../../../lib/providers/index.js';
import { JSON_PRESETS } from '../../../lib/json-presets.js';

describe('the provider registry', () => {
  it('holds one adapter per provider name, with its base URL, ledger, limits and body cap', () => {
    // Assess
    expect(Object.keys(ADAPTERS).sort()).toEqual([...PROVIDER_NAMES].sort());
    expect(PROVIDER_NAMES.filter(providerHasLedger)).toEqual(['pictory', 'account-api']);
    expect(PROVIDER_DEFAULT_BASE_URLS.pictory).toBe('https://api.pictory.ai');
    expect(PROVIDER_DEFAULT_BASE_URLS['account-api']).toBeUndefined();
    expect(DEFAULT_VENDOR_LIMITS.pixelcut).toEqual({ concurrency: 32, perSecond: 5 });
    expect(DEFAULT_VENDOR_LIMITS.openrouter).toEqual({ concurrency: 32 });
    expect(ADAPTERS.pictory.maxBodyBytes).toBe(16 * 1024 * 1024);
    expect(ADAPTERS.json.maxBodyBytes).toBeUndefined();
  });

  it('serves every preset with the json adapter and the preset’s base URL', () => {
    // Assess
    for (const name of PRESET_PROVIDER_NAMES) {
      expect(ADAPTERS[name].defaultBaseUrl, name).toBe(JSON_PRESETS[name].baseUrl);
      expect(ADAPTERS[name].hasLedger, name).toBe(false);
    }
  });
});
