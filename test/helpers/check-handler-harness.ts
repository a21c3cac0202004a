import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { AwsStub } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { createCheckHandler, type HandlerDeps } from '../../functions/check-handler.js';
import type { BudgetsConfig } from '../../lib/config.js';
import { createHttpClient } from '../../lib/providers/http.js';
import type { Sandbox } from '../../lib/sandbox/index.js';
import { createStateTable } from './dynalite.js';

// What the check handler's tests share: SSM answered with the sandbox's keys, the process output captured,
// and a handler on a fresh table (a fresh container: its own SSM cache).

/** SSM answers GetParameters with each account's sandbox key (`/budget-alerts/<id>`); `missing` names are invalid. */
export function answerSsmWithSandboxKeys(ssmMock: AwsStub<any, any, SSMClient['config']>, sandbox: Sandbox, missing: readonly string[] = []): void {
  ssmMock.on(GetParametersCommand).callsFake(async (input: { Names: string[] }) => ({
    Parameters: input.Names.filter((name) => !missing.includes(name)).map((name) => ({
      Name: name,
      Type: 'SecureString',
      Value: sandbox.keyOf(name.split('/').pop()!),
    })),
    InvalidParameters: input.Names.filter((name) => missing.includes(name)),
  }));
}

/** Captures what the process writes (Powertools logs and EMF documents go to stdout and stderr); `vi.restoreAllMocks` ends it. */
export function captureProcessOutput(): string[] {
  const output: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  }
  return output;
}

/** A check handler on a new state table named `tableName`, the clock at `now`, no HTTP retries. */
export async function handlerOnNewTable(
  deps: { readonly dynamodb: DynamoDBClient; readonly config: BudgetsConfig; readonly routes: HandlerDeps['routes']; readonly now: Date },
  tableName: string,
  overrides: Partial<HandlerDeps> = {},
) {
  await createStateTable(deps.dynamodb, tableName);
  return createCheckHandler({
    config: deps.config,
    tableName,
    routes: deps.routes,
    sns: new SNSClient({ region: 'us-east-1' }),
    dynamodb: deps.dynamodb,
    logger: new Logger({ serviceName: 'budget-alerts' }),
    metrics: new Metrics({ namespace: 'BudgetAlerts', serviceName: 'budget-alerts' }),
    clock: () => deps.now,
    http: createHttpClient({ retries: 0 }),
    // A fresh SSM cache per handler, as in a fresh container.
    ssmCacheKey: tableName,
    ...overrides,
  });
}
