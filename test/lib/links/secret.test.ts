import 'aws-sdk-client-mock-vitest/extend';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.js';
import { readLinkSecret, readPreviousLinkSecret } from '../../../lib/links/secret.js';
import { OTHER_SECRET, SECRET } from './fixtures.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SnoozeLinkSecret-AbCdEf';
const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS", $metadata: {} });

describe('reading the snooze-link secret', () => {
  const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const secrets = mockClient(client);
  beforeEach(() => secrets.reset());

  it('reads the current version, and the version before the last rotation', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: OTHER_SECRET });
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: SECRET });

    expect(await readLinkSecret(client, SECRET_ARN)).toBe(OTHER_SECRET);
    expect(await readPreviousLinkSecret(client, SECRET_ARN)).toBe(SECRET);
  });

  it('finds no previous version of a secret never rotated', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(notFound());

    expect(await readPreviousLinkSecret(client, SECRET_ARN)).toBeUndefined();
  });

  it('refuses, naming the secret and the error but never a value, when a version cannot be read or is empty', async () => {
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).rejects(notFound());
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: ' ' });

    await expect(readLinkSecret(client, SECRET_ARN)).rejects.toThrow(ConfigError);
    await expect(readLinkSecret(client, SECRET_ARN)).rejects.toThrow(`Secrets Manager secret ${SECRET_ARN}: could not be read (ResourceNotFoundException)`);
    await expect(readPreviousLinkSecret(client, SECRET_ARN)).rejects.toThrow('holds no text before its last rotation');
  });
});
