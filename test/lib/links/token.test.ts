import { describe, expect, it, vi } from 'vitest';
import { MAX_SILENCE_MS } from '../../../lib/alerts/silences.js';
import { ConfigError } from '../../../lib/errors.js';
import { linkKey, MAX_TOKEN_LENGTH, signToken, silenceIdOf, verifyToken, type SnoozeClaim } from '../../../lib/links/token.js';
import { ALERT_AT, DAY_MS, OTHER_SECRET, SECRET } from './fixtures.js';

const KEY = linkKey(SECRET);
const CLAIM: SnoozeClaim = {
  alertKey: 'video-prod/balance.low',
  matcher: 'video-prod/balance.low',
  durationMs: DAY_MS,
  linkExpiresAt: new Date(ALERT_AT.getTime() + 7 * DAY_MS),
};
const BEFORE_EXPIRY = new Date(ALERT_AT.getTime() + DAY_MS);

/** The token with its payload replaced by `payload` (JSON), the signature kept. */
function withPayload(token: string, payload: unknown): string {
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${token.split('.')[1]}`;
}

/** Flips one character of the part `index` (0 payload, 1 signature) to another base64url character. */
function flipped(token: string, index: 0 | 1, at: number): string {
  const parts = token.split('.');
  const part = parts[index]!;
  const ch = part[at]!;
  parts[index] = part.slice(0, at) + (ch === 'A' ? 'B' : 'A') + part.slice(at + 1);
  return parts.join('.');
}

describe('signToken / verifyToken', () => {
  it('gives back the claim it signed, before the link expires', () => {
    // Act
    const token = signToken(KEY, CLAIM);
    const verified = verifyToken(KEY, token, BEFORE_EXPIRY);

    // Assess
    expect(verified).toEqual({ claim: CLAIM });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(300);
  });

  it('is deterministic: the same claim and secret give the same token (and so the same silence id)', () => {
    expect(signToken(KEY, CLAIM)).toBe(signToken(linkKey(SECRET), { ...CLAIM }));
    expect(silenceIdOf(signToken(KEY, CLAIM))).toBe(silenceIdOf(signToken(KEY, CLAIM)));
    expect(silenceIdOf(signToken(KEY, CLAIM))).not.toBe(silenceIdOf(signToken(KEY, { ...CLAIM, durationMs: 7 * DAY_MS })));
  });

  it('refuses as forged a token signed with another secret', () => {
    const token = signToken(linkKey(OTHER_SECRET), CLAIM);
    expect(verifyToken(KEY, token, BEFORE_EXPIRY)).toEqual({ problem: 'forged' });
  });

  it('refuses as forged a token whose payload was changed (a longer silence, another matcher, a later expiry)', () => {
    // Prepare
    const token = signToken(KEY, CLAIM);
    const x = Math.floor(CLAIM.linkExpiresAt.getTime() / 1000);
    const tampered = [
      withPayload(token, { v: 1, k: CLAIM.alertKey, m: CLAIM.matcher, d: 90 * DAY_MS, x }),
      withPayload(token, { v: 1, k: CLAIM.alertKey, m: 'video-prod/*', d: DAY_MS, x }),
      withPayload(token, { v: 1, k: CLAIM.alertKey, m: CLAIM.matcher, d: DAY_MS, x: x + 86_400 }),
      flipped(token, 0, 5),
    ];

    // Act / Assess
    for (const forged of tampered) expect(verifyToken(KEY, forged, BEFORE_EXPIRY)).toEqual({ problem: 'forged' });
  });

  it('refuses as forged a changed, shortened or lengthened signature', () => {
    const token = signToken(KEY, CLAIM);
    const [payload, signature] = token.split('.') as [string, string];
    for (const forged of [flipped(token, 1, 0), flipped(token, 1, 42), `${payload}.${signature.slice(0, 20)}`, `${payload}.${signature}AAAA`, `${payload}.A`]) {
      expect(verifyToken(KEY, forged, BEFORE_EXPIRY)).toEqual({ problem: 'forged' });
    }
  });

  it('refuses as expired a genuine token at and after its link expiry, not a moment before', () => {
    const token = signToken(KEY, CLAIM);
    const expiry = CLAIM.linkExpiresAt.getTime();
    expect(verifyToken(KEY, token, new Date(expiry - 1000))).toEqual({ claim: CLAIM });
    expect(verifyToken(KEY, token, new Date(expiry))).toEqual({ problem: 'expired' });
    expect(verifyToken(KEY, token, new Date(expiry + 30 * DAY_MS))).toEqual({ problem: 'expired' });
  });

  it('checks the signature before the expiry: an expired forgery is forged, not merely expired', () => {
    const forged = signToken(linkKey(OTHER_SECRET), CLAIM);
    expect(verifyToken(KEY, forged, new Date(CLAIM.linkExpiresAt.getTime() + DAY_MS))).toEqual({ problem: 'forged' });
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['characters outside base64url', 'ab+c.de/f'],
    ['spaces', 'abc .def'],
    ['too long', `${'a'.repeat(MAX_TOKEN_LENGTH)}.b`],
  ])('refuses as malformed a token that is not two base64url parts (%s)', (_name, token) => {
    expect(verifyToken(KEY, token, BEFORE_EXPIRY)).toEqual({ problem: 'malformed' });
  });

  it('refuses as malformed a correctly signed payload it cannot use (a secret-holder bug, not an attack)', () => {
    const x = Math.floor(CLAIM.linkExpiresAt.getTime() / 1000);
    const signed = (payload: unknown) => {
      const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${encoded}.${KEY.sign(encoded).toString('base64url')}`;
    };
    for (const payload of [
      { v: 2, k: 'a/b', m: 'a/b', d: DAY_MS, x },
      { v: 1, k: 'a/b', m: '*', d: DAY_MS, x },
      { v: 1, k: 'a/b', m: 'a/b', d: MAX_SILENCE_MS + 1, x },
      { v: 1, k: 'a/b', m: 'a/b', d: DAY_MS, x, extra: true },
      'not an object',
    ]) {
      expect(verifyToken(KEY, signed(payload), BEFORE_EXPIRY)).toEqual({ problem: 'malformed' });
    }
    const notJson = Buffer.from('{nope').toString('base64url');
    expect(verifyToken(KEY, `${notJson}.${KEY.sign(notJson).toString('base64url')}`, BEFORE_EXPIRY)).toEqual({ problem: 'malformed' });
  });
});

describe('verifyToken with the keys before and after a rotation', () => {
  const current = linkKey(OTHER_SECRET);
  const third = linkKey('R'.repeat(64));

  it('accepts a token signed with the current key or the one before it, and no other', () => {
    expect(verifyToken([current, KEY], signToken(KEY, CLAIM), BEFORE_EXPIRY)).toEqual({ claim: CLAIM });
    expect(verifyToken([current, KEY], signToken(current, CLAIM), BEFORE_EXPIRY)).toEqual({ claim: CLAIM });
    expect(verifyToken([current, KEY], signToken(third, CLAIM), BEFORE_EXPIRY)).toEqual({ problem: 'forged' });
    expect(verifyToken([current], signToken(KEY, CLAIM), BEFORE_EXPIRY)).toEqual({ problem: 'forged' });
  });

  it('compares the signature with every key, whichever matches (no early exit to time)', () => {
    const equals = vi.fn((a: Buffer, b: Buffer) => a.equals(b));
    for (const signer of [current, KEY, third]) verifyToken([current, KEY], signToken(signer, CLAIM), BEFORE_EXPIRY, equals);
    expect(equals).toHaveBeenCalledTimes(6);
  });
});

describe('the constant-time path', () => {
  it('compares every well-formed token with the constant-time comparison, on two 32-byte buffers, whatever its signature length', () => {
    // Prepare
    const token = signToken(KEY, CLAIM);
    const [payload, signature] = token.split('.') as [string, string];
    const equals = vi.fn((a: Buffer, b: Buffer) => a.equals(b));
    const candidates = [token, flipped(token, 1, 3), `${payload}.${signature.slice(0, 10)}`, `${payload}.${signature}${signature}`];

    // Act
    const results = candidates.map((candidate) => verifyToken(KEY, candidate, BEFORE_EXPIRY, equals));

    // Assess
    expect(results.map((r) => ('claim' in r ? 'ok' : r.problem))).toEqual(['ok', 'forged', 'forged', 'forged']);
    expect(equals).toHaveBeenCalledTimes(candidates.length);
    for (const [a, b] of equals.mock.calls) expect([a.length, b.length]).toEqual([32, 32]);
  });

  it('uses node:crypto timingSafeEqual by default (a wrong-length signature does not make it throw)', () => {
    const token = signToken(KEY, CLAIM);
    expect(() => verifyToken(KEY, `${token.split('.')[0]}.AAAA`, BEFORE_EXPIRY)).not.toThrow();
  });
});

describe('linkKey', () => {
  it('refuses a short secret without repeating it', () => {
    // Prepare
    const short = 'hunter2-hunter2-hunter2';

    // Act
    let caught: unknown;
    try {
      linkKey(short);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ConfigError);
    expect(String((caught as Error).message)).toContain('at least 32 characters');
    expect(JSON.stringify(caught) + String(caught) + (caught as Error).stack).not.toContain(short);
  });

  it('keeps the secret out of what the key shows', () => {
    const key = linkKey(SECRET);
    expect(JSON.stringify(key) + String(key) + Object.keys(key).join()).not.toContain(SECRET);
  });
});
