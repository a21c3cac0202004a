// Snooze-link tokens: what a link may silence, for how long, and until when the link works, signed
// with HMAC-SHA256 so that only the stack that holds the secret can mint one. Pure but for hashing.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { MAX_SILENCE_MS, matcherProblem } from '../alerts/silences.js';
import { ConfigError } from '../errors.js';

/** What a token grants: silencing `matcher` for `durationMs` from the click, until the link expires. */
export interface SnoozeClaim {
  /** The alert key the link came with (shown on the page). */
  readonly alertKey: string;
  readonly matcher: string;
  readonly durationMs: number;
  /** When the link stops working. */
  readonly linkExpiresAt: Date;
}

/** Why a token is refused, each with the HTTP status its page carries. */
export type TokenProblem = 'malformed' | 'forged' | 'expired';

/** The status of each refusal: unreadable 400, not signed by us 403, out of date 410. */
export const TOKEN_PROBLEM_STATUS: Readonly<Record<TokenProblem, number>> = { malformed: 400, forged: 403, expired: 410 };

/** A link is never valid longer than this after the alert it came with. */
export const MAX_LINK_TTL_MS = 7 * 86_400_000;
/** Shortest secret accepted (a generated one has 64 characters). */
export const MIN_SECRET_LENGTH = 32;
/** Longest token read; ours are about 200 characters. */
export const MAX_TOKEN_LENGTH = 1024;

/** HMAC input prefix: a signature for anything else this secret might ever sign cannot pass as a link's. */
const CONTEXT = 'budget-alerts/snooze-link/v1\n';
const SIGNATURE_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const payloadSchema = z.strictObject({
  v: z.literal(1),
  k: z.string().check(z.minLength(1)),
  m: z.string().check(z.minLength(1)),
  d: z.int().check(z.positive(), z.maximum(MAX_SILENCE_MS)),
  x: z.int().check(z.positive()),
});

/** A signing key; the secret text is kept only inside the HMAC key object and never printed. */
export interface LinkKey {
  readonly sign: (data: string) => Buffer;
}

/** Makes the signing key from the secret; refuses (without echoing it) a secret too short to be safe. */
export function linkKey(secret: string): LinkKey {
  if (typeof secret !== 'string' || secret.trim().length < MIN_SECRET_LENGTH) {
    throw new ConfigError([
      { file: 'snooze link secret', path: '', message: `must hold at least ${MIN_SECRET_LENGTH} characters (the generated one has 64)` },
    ]);
  }
  const key = Buffer.from(secret.trim(), 'utf8');
  return { sign: (data) => createHmac('sha256', key).update(CONTEXT).update(data).digest() };
}

/** `<payload>.<signature>`, both base64url: the payload is `{v, k, m, d, x}` as JSON. */
export function signToken(key: LinkKey, claim: SnoozeClaim): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, k: claim.alertKey, m: claim.matcher, d: claim.durationMs, x: Math.floor(claim.linkExpiresAt.getTime() / 1000) }),
  ).toString('base64url');
  return `${payload}.${key.sign(payload).toString('base64url')}`;
}

/** How verification compares signatures; injectable only so a test can watch that it is always used. */
export type SignatureEquals = (a: Buffer, b: Buffer) => boolean;

/**
 * Checks a token: its signature (in constant time, over the payload exactly as received), then its
 * payload, then its expiry. A signature of the wrong length is compared all the same (against a
 * zero buffer of the right length), so every forged token takes the same path. With several keys (the
 * current one and the one before a rotation) the signature is compared with each of them, every time.
 */
export function verifyToken(
  keys: LinkKey | readonly LinkKey[],
  token: string,
  now: Date,
  equals: SignatureEquals = timingSafeEqual,
): { readonly claim: SnoozeClaim } | { readonly problem: TokenProblem } {
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) return { problem: 'malformed' };
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  const comparable = given.length === SIGNATURE_BYTES ? given : Buffer.alloc(SIGNATURE_BYTES);
  let signed = false;
  for (const key of 'sign' in keys ? [keys] : keys) signed = equals(comparable, key.sign(payload)) || signed;
  if (!signed || given.length !== SIGNATURE_BYTES) return { problem: 'forged' };
  const claim = readPayload(payload);
  if (claim === undefined) return { problem: 'malformed' };
  if (now.getTime() >= claim.linkExpiresAt.getTime()) return { problem: 'expired' };
  return { claim };
}

function readPayload(payload: string): SnoozeClaim | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || matcherProblem(parsed.data.m) !== undefined) return undefined;
  const { k, m, d, x } = parsed.data;
  return { alertKey: k, matcher: m, durationMs: d, linkExpiresAt: new Date(x * 1000) };
}

/**
 * The id of the silence a token makes: derived from the token, so a second click (or a retried POST)
 * finds the same silence instead of making another, and a replay after an undo finds it removed.
 */
export function silenceIdOf(token: string): string {
  return `link-${createHash('sha256').update(token).digest('hex').slice(0, 20)}`;
}
