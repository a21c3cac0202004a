import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { refusalPage, type LinkResponse } from '../lib/links/pages.js';
import { answerLinkRequest, type LinkContext, type LinkRequest } from '../lib/links/respond.js';
import { linkKey, type LinkKey } from '../lib/links/token.js';

/** What one container of the link function needs; created once per container by `snooze-link.ts`, by tests directly. */
export interface SnoozeLinkDeps {
  /** Reads the signing secret; called on the first request, again after a failed read, and to look for a rotation. */
  readonly secret: () => Promise<string>;
  /**
   * Reads the secret as it was before its last rotation (undefined if never rotated), read with `secret`:
   * links signed before a rotation keep working until they expire. A failed read only leaves it out.
   */
  readonly previousSecret?: () => Promise<string | undefined>;
  /** The state store's silences, judging expiry at `now`. */
  readonly store: (now: Date) => LinkContext['store'];
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/**
 * A container that finds a token signed by none of its keys reads the secret again, at most this often: the
 * secret may have been rotated since it read it (links signed after that would be refused), and a stream of
 * forged tokens costs at most one read a minute.
 */
export const KEY_REREAD_MS = 60_000;

/** The keys a container verifies with: the current one, then the one before the last rotation. */
interface KeyRing {
  readonly keys: readonly LinkKey[];
  readonly readAt: number;
}

/** Builds the Function URL handler (payload 2.0): a middy chain (logger) around one `answerLinkRequest` call. */
export function createSnoozeLinkHandler(deps: SnoozeLinkDeps) {
  const { logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const ring = keyRing(deps, clock);

  const answerWithKeys = async (request: LinkRequest, now: Date) => {
    const held = await ring.get();
    const first = await answerLinkRequest(request, { key: held.keys, store: deps.store(now), now });
    if (first.outcome !== 'forged' || clock().getTime() - held.readAt < KEY_REREAD_MS) return first;
    // Refused before the store was touched: read the keys again and answer once more (if they cannot be read
    // now, the refusal stands, and the next request tries again).
    ring.forget(held);
    const fresh = await ring.get().catch(() => undefined);
    return fresh === undefined ? first : answerLinkRequest(request, { key: fresh.keys, store: deps.store(now), now });
  };

  const main = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    const request = requestOf(event);
    if (request === undefined) return resultOf(refusalPage('bad-form'));
    const now = clock();
    try {
      const answer = await answerWithKeys(request, now);
      logger.info('snooze link', { method: request.method, status: answer.response.status, outcome: answer.outcome, silenceId: answer.silenceId });
      return resultOf(answer.response);
    } catch (error) {
      // Names and messages of the SDK or config errors only: neither holds the secret or the token.
      logger.error('snooze link could not be answered', { method: request.method, error: (error as Error)?.name, reason: (error as Error)?.message });
      return resultOf(refusalPage('unavailable'));
    }
  };

  return middy<LambdaFunctionURLEvent, LambdaFunctionURLResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(main);
}

/** The container's keys, read on first use; a failed read is forgotten, so the next request tries again. */
function keyRing(deps: SnoozeLinkDeps, clock: () => Date): { get(): Promise<KeyRing>; forget(held: KeyRing): void } {
  let ring: Promise<KeyRing> | undefined;
  let current: KeyRing | undefined;
  const previousKey = async (): Promise<LinkKey | undefined> => {
    try {
      const previous = await deps.previousSecret?.();
      return previous === undefined ? undefined : linkKey(previous);
    } catch (error) {
      deps.logger.warn('links signed before the last key rotation are refused: the previous key could not be used', { reason: (error as Error)?.message });
      return undefined;
    }
  };
  const read = async (): Promise<KeyRing> => {
    const readAt = clock().getTime();
    const [secret, previous] = await Promise.all([deps.secret(), previousKey()]);
    current = { keys: [linkKey(secret), ...(previous === undefined ? [] : [previous])], readAt };
    return current;
  };
  return {
    get() {
      ring ??= read();
      ring.catch(() => (ring = undefined));
      return ring;
    },
    // Only the ring the caller held: a request that raced it may have read a newer one already.
    forget(held) {
      if (current === held) ring = undefined;
    },
  };
}

/** The request of a Function URL event, or undefined when the event is not one. */
export function requestOf(event: LambdaFunctionURLEvent): LinkRequest | undefined {
  const method = event?.requestContext?.http?.method;
  if (typeof method !== 'string') return undefined;
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const contentType = event.headers?.['content-type'];
  return {
    method,
    path: event.rawPath ?? '/',
    rawQuery: event.rawQueryString ?? '',
    ...(body !== undefined && { body }),
    ...(contentType !== undefined && { contentType }),
  };
}

function resultOf(response: LinkResponse): LambdaFunctionURLResult {
  return { statusCode: response.status, headers: { ...response.headers }, body: response.body, isBase64Encoded: false };
}
