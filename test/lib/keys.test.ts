import 'aws-sdk-client-mock-vitest/extend';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../lib/config.js';
import { KeyUnavailableError } from '../../lib/errors.js';
import { createKeyResolver } from '../../lib/keys.js';

function account(id: string, apiKey: AccountConfig['apiKey']): AccountConfig {
  return { id, provider: 'pixelcut', apiKey, timezone: 'UTC', authExpiryWarnDays: 3, schedule: 'rate(1 hour)' };
}

describe('createKeyResolver', () => {
  it('names each account in its own error when several share an unset environment variable', async () => {
    // Prepare
    const resolve = createKeyResolver({ env: {}, ssm: () => { throw new Error('no SSM here'); } });

    // Act
    const errors = await Promise.all(
      ['images-a', 'images-b'].map((id) => resolve(account(id, { env: 'SHARED_KEY' })).catch((e: unknown) => e)),
    );

    // Assess
    expect(errors.every((e) => e instanceof KeyUnavailableError)).toBe(true);
    expect((errors[0] as Error).message).toContain('images-a');
    expect((errors[1] as Error).message).toContain('images-b');
    expect((errors[1] as Error).message).not.toContain('images-a');
  });

  it('reads an SSM parameter once for every account that names it', async () => {
    // Prepare
    const client = new SSMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const ssm = mockClient(client);
    ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/keys/shared', Value: 'sk-shared' }] });
    const resolve = createKeyResolver({ env: {}, ssm: () => client });

    // Act
    const keys = await Promise.all(['a', 'b', 'c'].map((id) => resolve(account(id, { ssm: '/keys/shared' }))));

    // Assess
    expect(keys).toEqual(['sk-shared', 'sk-shared', 'sk-shared']);
    expect(ssm).toHaveReceivedCommandTimes(GetParametersCommand, 1);
  });
});
