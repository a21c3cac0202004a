import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { STATE_TABLE_KEYS } from '../../lib/deployment.js';
import type { AccountState } from '../../lib/state/types.js';

/**
 * An account state as the DynamoDB store wrote it before issue 13: one item per account, the whole
 * balance history as one JSON string `[[at, available], …]`. Tests load it to prove old items still
 * load; the bench writes it to measure what the old layout cost per run.
 */
export function legacyAccountItem(accountId: string, state: AccountState, expiresSeconds: number): Record<string, AttributeValue> {
  const history = state.balanceHistory.map((s): [string, number] => [s.at, s.available]);
  const fields = {
    consecutiveFailures: state.consecutiveFailures,
    balanceHistory: JSON.stringify(history),
    lastCheckedAt: state.lastCheckedAt,
    lastGood: state.lastGood,
  };
  return {
    ...marshall(fields, { removeUndefinedValues: true }),
    [STATE_TABLE_KEYS.partitionKey]: { S: accountId },
    [STATE_TABLE_KEYS.sortKey]: { S: 'account' },
    [STATE_TABLE_KEYS.ttlAttribute]: { N: String(expiresSeconds) },
  };
}
