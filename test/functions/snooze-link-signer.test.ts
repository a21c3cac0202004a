import 'aws-sdk-client-mock-vitest/extend';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLinkSigner } from '../../functions/snooze-link-signer.js';
import { LINK_ENV } from '../../lib/links/deployment.js';
import { captureOutput, firingAlert, LINK_BASE, SECRET } from '../lib/links/fixtures.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SnoozeLinkSecret-AbCdEf';
const ENV = { [LINK_ENV.url]: LINK_BASE, [LINK_ENV.secretArn]: SECRET_ARN };

describe('loadLinkSigner (the check function at cold start)', () => {
  const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const secrets = mockClient(client);
  let output: () => string;

  beforeEach(() => {
    secrets.reset();
    output = captureOutput();
  });
  afterEach(() => vi.restoreAllMocks());

  const load = (env: Record<string, string>) => loadLinkSigner(env, new Logger({ serviceName: 'budget-alerts' }), () => client);

  it('reads the secret named by the construct once and signs links to the link URL', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: SECRET });

    // Act
    const links = await load(ENV);

    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    const offered = links?.(firingAlert()) ?? [];
    expect(offered.map((l) => l.label)).toEqual(['Snooze 1 day', 'Snooze 1 week', 'Silence this account for 1 day']);
    expect(offered.every((l) => l.url.startsWith(`${LINK_BASE}?t=`))).toBe(true);
    expect(output()).not.toContain(SECRET);
  });

  it('makes no links, and calls nothing, when the construct set no link variables', async () => {
    expect(await load({})).toBeUndefined();
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  it('makes no links, saying why, when only one of the two variables is set', async () => {
    expect(await load({ [LINK_ENV.url]: LINK_BASE })).toBeUndefined();
    expect(output()).toContain('set both variables or neither');
  });

  it('sends alerts without links (logged, secret never shown) when the secret cannot be read or is unusable', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })).resolves({ SecretString: 'short' });

    // Act
    const denied = await load(ENV);
    const short = await load(ENV);

    // Assess
    expect(denied).toBeUndefined();
    expect(short).toBeUndefined();
    expect(output()).toContain('AccessDeniedException');
    expect(output()).toContain(SECRET_ARN);
    expect(output()).toContain('at least 32 characters');
    expect(output()).not.toContain('"short"');
  });
});
