import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.js';
import { createLinkSigner, TOKEN_PARAM } from '../../../lib/links/signer.js';
import { linkKey, MAX_LINK_TTL_MS, verifyToken } from '../../../lib/links/token.js';
import { ALERT_AT, DAY_MS, firingAlert, LINK_BASE, SECRET } from './fixtures.js';

const KEY = linkKey(SECRET);

function tokenOf(url: string): string {
  return new URL(url).searchParams.get(TOKEN_PARAM) ?? '';
}

describe('createLinkSigner', () => {
  it('offers a firing alert three links: its key for a day and a week, its account for a day', () => {
    // Prepare
    const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET });

    // Act
    const links = sign(firingAlert());

    // Assess
    expect(links.map((l) => l.label)).toEqual(['Snooze 1 day', 'Snooze 1 week', 'Silence this account for 1 day']);
    const claims = links.map((l) => verifyToken(KEY, tokenOf(l.url), ALERT_AT));
    expect(claims).toEqual([
      { claim: { alertKey: 'video-prod/balance.low', matcher: 'video-prod/balance.low', durationMs: DAY_MS, linkExpiresAt: new Date(ALERT_AT.getTime() + 7 * DAY_MS) } },
      { claim: { alertKey: 'video-prod/balance.low', matcher: 'video-prod/balance.low', durationMs: 7 * DAY_MS, linkExpiresAt: new Date(ALERT_AT.getTime() + 7 * DAY_MS) } },
      { claim: { alertKey: 'video-prod/balance.low', matcher: 'video-prod/*', durationMs: DAY_MS, linkExpiresAt: new Date(ALERT_AT.getTime() + 7 * DAY_MS) } },
    ]);
    for (const link of links) {
      expect(link.url.startsWith(`${LINK_BASE}?${TOKEN_PARAM}=`)).toBe(true);
      expect(link.url).not.toContain(SECRET);
    }
  });

  it('offers nothing for a resolved alert: good news needs no snooze', () => {
    const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET });
    expect(sign(firingAlert({ status: 'resolved' }))).toEqual([]);
  });

  it('gives the same links for the same alert (rendering stays deterministic)', () => {
    const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET });
    expect(sign(firingAlert())).toEqual(sign(firingAlert()));
  });

  it('lets links expire sooner when asked, never later than 7 days', () => {
    // Prepare
    const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET, linkTtlMs: DAY_MS });

    // Act
    const [first] = sign(firingAlert());

    // Assess
    expect(verifyToken(KEY, tokenOf(first!.url), new Date(ALERT_AT.getTime() + DAY_MS))).toEqual({ problem: 'expired' });
    expect(() => createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET, linkTtlMs: MAX_LINK_TTL_MS + 1 })).toThrow(ConfigError);
    expect(() => createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET, linkTtlMs: 0 })).toThrow(ConfigError);
  });

  it.each(['not a url', 'ftp://example.com/', 'https://example.com/?x=1', 'https://example.com/#top'])('refuses the base URL %s', (baseUrl) => {
    expect(() => createLinkSigner({ baseUrl, secret: SECRET })).toThrow(ConfigError);
  });

  it('refuses a short secret', () => {
    expect(() => createLinkSigner({ baseUrl: LINK_BASE, secret: 'short' })).toThrow(ConfigError);
  });

  it('keeps keys with unusual characters intact in the URL', () => {
    // Prepare
    const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET });
    const alert = firingAlert({ key: 'video-prod/budget.actual:80/2026-11', kind: 'budget.actual' });

    // Act
    const [first] = sign(alert);

    // Assess
    const verified = verifyToken(KEY, tokenOf(first!.url), ALERT_AT);
    expect('claim' in verified && verified.claim.matcher).toBe('video-prod/budget.actual:80/2026-11');
  });
});
