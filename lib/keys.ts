import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { AccountConfig } from './config.js';
import { KeyUnavailableError } from './errors.js';

/** Where keys come from: the environment for `{env}`, SSM Parameter Store for `{ssm}`. */
export interface KeySources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Creates the SSM client on first use, so runs with only env keys need no AWS credentials. */
  readonly ssm: () => SSMClient;
}

/**
 * Returns a resolver that reads each SSM parameter once per run (one GetParameters call per distinct
 * parameter, shared by the accounts that name it). Environment variables are read per account, so a
 * missing one is reported by each account that names it.
 */
export function createKeyResolver(sources: KeySources): (account: AccountConfig) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  let client: SSMClient | undefined;

  const fromSsm = async (name: string): Promise<string> => {
    client ??= sources.ssm();
    let result;
    try {
      result = await client.send(new GetParametersCommand({ Names: [name], WithDecryption: true }));
    } catch (error) {
      // SDK errors name the call and the reason, never a parameter's value.
      throw new KeyUnavailableError(`cannot read SSM parameter ${name}: ${(error as Error).name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const value = result.Parameters?.find((p) => p.Name === name)?.Value;
    if (value === undefined || value === '') {
      throw new KeyUnavailableError(`SSM parameter ${name} does not exist (or is empty); put the key there first`);
    }
    return value;
  };

  return async (account) => {
    const source = account.apiKey;
    if ('env' in source) return keyFromEnv(account, source.env, sources.env);
    let pending = cache.get(source.ssm);
    if (pending === undefined) {
      pending = fromSsm(source.ssm);
      cache.set(source.ssm, pending);
    }
    return pending;
  };
}

/** Reads an `{env}` key; an unset or blank variable is a KeyUnavailableError naming it and the account. */
export function keyFromEnv(account: AccountConfig, variable: string, env: Readonly<Record<string, string | undefined>>): string {
  const value = env[variable];
  if (value === undefined || value.trim() === '') {
    throw new KeyUnavailableError(`environment variable ${variable} is not set (apiKey of account ${account.id})`);
  }
  return value.trim();
}
