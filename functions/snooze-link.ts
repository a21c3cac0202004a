import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { FUNCTION_ENV, SERVICE_NAME } from '../lib/deployment.js';
import { LINK_ENV } from '../lib/links/deployment.js';
import { readLinkSecret, readPreviousLinkSecret } from '../lib/links/secret.js';
import { WITH_ISSUE_TEXT } from '../lib/issue-text.js';
import { createDynamoDbStore } from '../lib/state/dynamodb-store.js';
import { createSnoozeLinkHandler } from './snooze-link-handler.js';

// Lambda entry point of the snooze-link Function URL: wiring only. Everything here runs once per container.

const environment = z
  .object({ [FUNCTION_ENV.stateTable]: z.string().check(z.minLength(1)), [LINK_ENV.secretArn]: z.string().check(z.startsWith('arn:')) })
  .parse(process.env, WITH_ISSUE_TEXT);
const tableName = environment[FUNCTION_ENV.stateTable]!;
const secretArn = environment[LINK_ENV.secretArn]!;

const secrets = new SecretsManagerClient({});
const dynamodb = new DynamoDBClient({});

export const handler = createSnoozeLinkHandler({
  secret: () => readLinkSecret(secrets, secretArn),
  previousSecret: () => readPreviousLinkSecret(secrets, secretArn),
  store: (now) => createDynamoDbStore({ client: dynamodb, tableName, now: () => now }),
  logger: new Logger({ serviceName: SERVICE_NAME }),
});
