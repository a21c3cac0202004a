import type { SandboxVendor } from './types.js';

/**
 * 128-bit non-cryptographic hash (cyrb128) as four 32-bit words. Ids are hashed per served entry,
 * and 1,000 accounts × a month of entries must stay cheap: a crypto digest would dominate.
 */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** 32 lower-case hex digits derived from `text`. */
export function hashHex(text: string): string {
  return hash128(text)
    .map((word) => word.toString(16).padStart(8, '0'))
    .join('');
}

/** A small non-negative integer derived from `text`, below `modulo`. */
export function hashInt(text: string, modulo: number): number {
  return hash128(text)[0] % modulo;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** The deterministic default credential of an account (see SandboxAccountSpec.key). */
export function defaultKey(
  vendor: SandboxVendor,
  accountId: string,
  start: Date,
  tokenExpiresAt: Date | undefined,
): string {
  switch (vendor) {
    case 'pictory':
      return `pictai_${hashHex(`pictory-key:${accountId}`)}`;
    case 'pixelcut':
      return `sk${hashHex(`pixelcut-key:${accountId}`)}`;
    case 'account-api': {
      // Unsigned in substance: the signature is filler, since clients decode (never verify) the claims.
      const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const claims: Record<string, unknown> = { sub: accountId, iat: Math.floor(start.getTime() / 1000) };
      if (tokenExpiresAt !== undefined) claims['exp'] = Math.floor(tokenExpiresAt.getTime() / 1000);
      const payload = base64url(JSON.stringify(claims));
      const signature = base64url(Buffer.from(hashHex(`jwt-sig:${accountId}`) + hashHex(`jwt-sig2:${accountId}`), 'hex'));
      return `${header}.${payload}.${signature}`;
    }
    default:
      return `${KEY_PREFIXES[vendor] ?? ''}${hashHex(`${vendor}-key:${accountId}`)}${vendor === 'deepl' ? ':fx' : ''}`;
  }
}

/** Credential shapes as the vendors print them (a DeepL API Free key ends in `:fx`). */
const KEY_PREFIXES: Partial<Record<SandboxVendor, string>> = {
  json: 'jk_',
  openrouter: 'sk-or-v1-',
  stability: 'sk-',
  runway: 'key_',
  telnyx: 'KEY',
  deepseek: 'sk-',
  twilio: '',
};

/** The vendor parameters an account has unless its spec sets them: a Deepgram project id, a Twilio account SID. */
export function defaultParams(vendor: SandboxVendor, accountId: string): Record<string, string> {
  const hex = hashHex(`params:${vendor}:${accountId}`);
  switch (vendor) {
    case 'deepgram':
      return { projectId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}` };
    case 'twilio':
      return { accountSid: `AC${hex}` };
    default:
      return {};
  }
}
