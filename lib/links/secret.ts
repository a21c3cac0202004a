// Reads the snooze-link signing secret from Secrets Manager. The client comes from the caller (one per
// container); the value is returned, never logged, and no error carries it. The SDK module is imported when a
// secret is read, not when this module loads: the check function has links only when they are configured, and
// a static import cost its every cold start about 8 ms (bench/cold-start.ts).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../errors.js';

/** The secret's text; a read that fails rejects with the secret's ARN and the SDK error's name only. */
export async function readLinkSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const value = await readStage(client, secretArn, 'AWSCURRENT');
  if (value === undefined) throw problem(secretArn, 'has no current version');
  return value;
}

/**
 * The secret's text before its last rotation (Secrets Manager's AWSPREVIOUS stage), so that links signed
 * before a rotation keep working until they expire; undefined when it was never rotated.
 */
export async function readPreviousLinkSecret(client: SecretsManagerClient, secretArn: string): Promise<string | undefined> {
  return readStage(client, secretArn, 'AWSPREVIOUS');
}

async function readStage(client: SecretsManagerClient, secretArn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
  let value: string | undefined;
  try {
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }))).SecretString;
  } catch (error) {
    const name = (error as Error | undefined)?.name ?? 'Error';
    // No version carries the stage: never rotated (AWSPREVIOUS).
    if (name === 'ResourceNotFoundException' && stage === 'AWSPREVIOUS') return undefined;
    throw problem(secretArn, `could not be read (${name})`, error);
  }
  if (value === undefined || value.trim() === '') throw problem(secretArn, stage === 'AWSCURRENT' ? 'holds no text' : 'holds no text before its last rotation');
  return value;
}

function problem(secretArn: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError([{ file: `Secrets Manager secret ${secretArn}`, path: '', message }], cause === undefined ? undefined : { cause });
}
