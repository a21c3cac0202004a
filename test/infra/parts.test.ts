import { App, Duration, RemovalPolicy, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { attachApiKeys } from '../../infra/api-keys.js';
import { addStateTable, attachStateTable } from '../../infra/state-table.js';
import { addAlertTopics, attachAlertTopics } from '../../infra/topics.js';
import { FUNCTION_ENV, STATE_TABLE_KEYS } from '../../lib/deployment.js';
import { CUSTOMER_KEY_ARN, MINIMAL } from './fixtures.js';
import { tempDirSync } from '../helpers/temp-dir.js';

type Json = Record<string, unknown>;

/** A bare stack (see buildStack on the validation engine). */
function bareStack(id: string): Stack {
  return new Stack(new App({ outdir: tempDirSync('cdk.out-'), builtinCloudFormationValidation: false }), id);
}

/** A bare stack with a plain function: what a second function of the construct would start from. */
function bareFunction(): { stack: Stack; fn: lambda.Function } {
  const stack = bareStack('Parts');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('export const handler = () => {};') });
  return { stack, fn };
}

const ATTACHMENTS = [
  {
    part: 'the state table',
    variable: FUNCTION_ENV.stateTable,
    sids: ['AlertState'],
    attach: (stack: Stack, fn: lambda.Function) => attachStateTable(fn, addStateTable(stack, { removalPolicy: RemovalPolicy.DESTROY })),
  },
  {
    part: 'the alert topics',
    variable: FUNCTION_ENV.alertTargets,
    sids: ['PublishAlerts', 'EncryptAlertsForTopics'],
    attach: (stack: Stack, fn: lambda.Function) =>
      attachAlertTopics(fn, addAlertTopics(stack, { notify: [], removalPolicy: RemovalPolicy.DESTROY })),
  },
  {
    part: 'the API keys',
    variable: FUNCTION_ENV.ssmCacheTtlSeconds,
    sids: ['ReadApiKeys', 'DecryptApiKeysThroughSsm'],
    attach: (_stack: Stack, fn: lambda.Function) =>
      attachApiKeys(fn, { accounts: MINIMAL.accounts, cacheTtl: Duration.minutes(1), parameterKmsKeyArn: CUSTOMER_KEY_ARN }),
  },
];

describe('what the function reaches at run time', () => {
  it.each(ATTACHMENTS)('$part: one call sets $variable and grants the access behind it', ({ variable, sids, attach }) => {
    // Prepare
    const { stack, fn } = bareFunction();

    // Act
    attach(stack, fn);

    // Assess
    const template = Template.fromStack(stack);
    const [lambdaFn] = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Environment?: { Variables: Json } } }[];
    expect(Object.keys(lambdaFn?.Properties.Environment?.Variables ?? {})).toEqual([variable]);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Json[] } } }).Properties.PolicyDocument.Statement,
    );
    expect(statements.map((statement) => statement.Sid)).toEqual(sids);
  });
});

describe('the state table', () => {
  it('has the key schema and TTL attribute the state store uses (lib/deployment.ts)', () => {
    // Prepare
    const stack = bareStack('Table');

    // Act
    addStateTable(stack, { removalPolicy: RemovalPolicy.DESTROY });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: STATE_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: STATE_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: STATE_TABLE_KEYS.ttlAttribute, Enabled: true },
    });
  });
});
