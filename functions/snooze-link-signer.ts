import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AlertLinks } from '../lib/delivery/sns-publisher.js';
import { LINK_ENV } from '../lib/links/deployment.js';
import { readLinkSecret } from '../lib/links/secret.js';
import { createLinkSigner } from '../lib/links/signer.js';

/**
 * The check function's snooze-link signer, from the link URL and secret ARN the construct sets; read once
 * per container (cold start). Links are a convenience: without the variables, or when the secret cannot be
 * read, alerts go out without links (logged) rather than not at all. The SDK client's module is imported only
 * when links are configured (lib/links/secret.ts says why).
 */
export async function loadLinkSigner(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  client: () => SecretsManagerClient | Promise<SecretsManagerClient> = async () =>
    new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient({}),
): Promise<AlertLinks | undefined> {
  const url = env[LINK_ENV.url];
  const secretArn = env[LINK_ENV.secretArn];
  if (url === undefined && secretArn === undefined) return undefined;
  if (url === undefined || secretArn === undefined) {
    logger.warn('snooze links are off: set both variables or neither', { variables: [LINK_ENV.url, LINK_ENV.secretArn] });
    return undefined;
  }
  try {
    return createLinkSigner({ baseUrl: url, secret: await readLinkSecret(await client(), secretArn) });
  } catch (error) {
    logger.error('snooze links are off in this container: the signing secret could not be used', { reason: (error as Error)?.message });
    return undefined;
  }
}
