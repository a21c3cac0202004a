// The snooze links of an alert's email and Chatbot card: one signed URL per offer.
import type { MessageLink } from '../alerts/render.js';
import type { Alert } from '../alerts/types.js';
import { ConfigError } from '../errors.js';
import { linkKey, MAX_LINK_TTL_MS, signToken, type LinkKey } from './token.js';

/** The query parameter that carries the token. */
export const TOKEN_PARAM = 't';

const DAY_MS = 86_400_000;

/** What a link offers: a label and the silence it makes (of the alert's key, or of its whole account). */
interface Offer {
  readonly label: string;
  readonly scope: 'alert' | 'account';
  readonly durationMs: number;
}

/** The links of a firing alert, in this order. */
export const SNOOZE_OFFERS: readonly Offer[] = [
  { label: 'Snooze 1 day', scope: 'alert', durationMs: DAY_MS },
  { label: 'Snooze 1 week', scope: 'alert', durationMs: 7 * DAY_MS },
  { label: 'Silence this account for 1 day', scope: 'account', durationMs: DAY_MS },
];

export interface LinkSignerOptions {
  /** The link function's URL (its Function URL), e.g. `https://abc.lambda-url.eu-west-1.on.aws/`. */
  readonly baseUrl: string;
  /** The signing secret; at least 32 characters. */
  readonly secret: string;
  /** How long after the alert a link works. @default 7 days (also the most allowed) */
  readonly linkTtlMs?: number;
}

/**
 * Builds the link signer: for a firing alert, the snooze offers as signed URLs that expire
 * `linkTtlMs` after the alert was decided; resolved alerts get none. Deterministic for an alert.
 */
export function createLinkSigner(options: LinkSignerOptions): (alert: Alert) => MessageLink[] {
  const key = linkKey(options.secret);
  const ttl = options.linkTtlMs ?? MAX_LINK_TTL_MS;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_LINK_TTL_MS) {
    throw new ConfigError([{ file: 'snooze links', path: 'linkTtlMs', message: `must be a whole number of ms from 1 to ${MAX_LINK_TTL_MS} (7 days)` }]);
  }
  const base = baseUrlOf(options.baseUrl);
  return (alert) => {
    const decided = Date.parse(alert.at);
    if (alert.status !== 'firing' || Number.isNaN(decided)) return [];
    const linkExpiresAt = new Date(decided + ttl);
    return SNOOZE_OFFERS.map((offer) => ({
      label: offer.label,
      url: linkUrl(base, key, {
        alertKey: alert.key,
        matcher: offer.scope === 'alert' ? alert.key : `${alert.account}/*`,
        durationMs: offer.durationMs,
        linkExpiresAt,
      }),
    }));
  };
}

function linkUrl(base: URL, key: LinkKey, claim: Parameters<typeof signToken>[1]): string {
  const url = new URL(base);
  url.searchParams.set(TOKEN_PARAM, signToken(key, claim));
  return url.toString();
}

function baseUrlOf(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError([{ file: 'snooze links', path: 'baseUrl', message: `must be an http(s) URL without query or fragment, got ${JSON.stringify(text)}` }]);
  }
  return url;
}
