import { type RemovalPolicy, aws_dynamodb as dynamodb, aws_iam as iam, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTION_ENV, STATE_TABLE_KEYS } from '../lib/deployment.js';

// Alert lifecycle state (claims, what was notified, per-account history): one DynamoDB table whose key
// schema and TTL attribute the function's state store shares through lib/deployment.ts.

/** Item-level actions of the state store (lib/state/dynamodb-store.ts): nothing scans, nothing changes the table itself. */
const STATE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
];

export interface StateTableProps {
  readonly removalPolicy: RemovalPolicy;
}

/** Creates the on-demand, point-in-time-recoverable state table; expired items go by TTL. */
export function addStateTable(scope: Construct, props: StateTableProps): dynamodb.Table {
  return new dynamodb.Table(scope, 'StateTable', {
    partitionKey: { name: STATE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: STATE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: STATE_TABLE_KEYS.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy: props.removalPolicy,
  });
}

/** Gives the function the table: its name in STATE_TABLE_NAME and the item actions the state store uses. */
export function attachStateTable(fn: lambda.Function, table: dynamodb.Table): void {
  fn.addEnvironment(FUNCTION_ENV.stateTable, table.tableName);
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'AlertState', actions: STATE_ACTIONS, resources: [table.tableArn] }));
}
