import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { refusalPage, type LinkResponse } from '../lib/links/pages.js';
import { answerLinkRequest, type LinkContext, type LinkRequest } from '../lib/links/respond.js';
import { linkKey, type LinkKey } from '../lib/links/token.js';

/** What one container of the link function needs; created once per container by `snooze-link.ts`, by tests directly. */
export interface SnoozeLinkDeps {
  /** Reads the signing secret; called on the first request and again only after a failed read. */
  readonly secret: () => Promise<string>;
  /** The state store's silences, judging expiry at `now`. */
  readonly store: (now: Date) => LinkContext['store'];
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/** Builds the Function URL handler (payload 2.0): a middy chain (logger) around one `answerLinkRequest` call. */
export function createSnoozeLinkHandler(deps: SnoozeLinkDeps) {
  const { logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  let key: Promise<LinkKey> | undefined;
  const keyOnce = (): Promise<LinkKey> => {
    key ??= deps.secret().then(linkKey);
    // A failed read is forgotten, so the next request tries again.
    key.catch(() => (key = undefined));
    return key;
  };

  const main = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    const request = requestOf(event);
    if (request === undefined) return resultOf(refusalPage('bad-form'));
    const now = clock();
    try {
      const answer = await answerLinkRequest(request, { key: await keyOnce(), store: deps.store(now), now });
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
