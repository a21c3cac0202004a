// Reads the snooze-link signing secret from Secrets Manager. The client comes from the caller (one per
// container); the value is returned, never logged, and no error carries it. The SDK module is imported when a
// secret is read, not when this module loads: the check function has links only when they are configured, and
// a static import cost its every cold start about 8 ms (bench/cold-start.ts).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../errors.js';

/** The secret's text; a read that fails rejects with the secret's ARN and the SDK error's name only. */
export async function readLinkSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  let value: string | undefined;
  try {
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    const name = (error as Error | undefined)?.name ?? 'Error';
    throw new ConfigError([{ file: `Secrets Manager secret ${secretArn}`, path: '', message: `could not be read (${name})` }], { cause: error });
  }
  if (value === undefined || value.trim() === '') {
    throw new ConfigError([{ file: `Secrets Manager secret ${secretArn}`, path: '', message: 'holds no text' }]);
  }
  return value;
}
