import type { Context } from 'aws-lambda';
import type { Alert } from '../../lib/alerts/types.js';
import type { AlertPublisher } from '../../lib/delivery/types.js';
import type { SandboxAccountSpec } from '../../lib/sandbox/index.js';

/** When the fixtures' simulated accounts begin: a month of history before the checks of November. */
export const FIXTURE_START = new Date('2026-10-01T00:00:00Z');

/**
 * The three accounts most tests watch: `vid` (Pictory, 1 credit an hour, 1000 a month), `img`
 * (Pixelcut, a flat balance of `imgBalance`) and `api` (Account API, half a credit an hour from 900).
 */
export function threeAccounts(imgBalance: number): SandboxAccountSpec[] {
  return [
    { id: 'vid', vendor: 'pictory', start: FIXTURE_START, openingBalance: 1000, monthlyAllowance: 1000, burnPerHour: 1 },
    { id: 'img', vendor: 'pixelcut', start: FIXTURE_START, openingBalance: imgBalance, burnPerHour: 0 },
    { id: 'api', vendor: 'account-api', start: FIXTURE_START, openingBalance: 900, burnPerHour: 0.5 },
  ];
}

/** A publisher that records what it sent and fails for the alerts it is told to. */
export function recordingPublisher(failFor: (alert: Alert) => boolean = () => false): AlertPublisher & { sent: Alert[] } {
  const sent: Alert[] = [];
  return {
    sent,
    async publish(alert) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // let concurrent runs interleave
      if (failFor(alert)) throw new Error('SNS is down');
      sent.push(alert);
    },
  };
}

/** A Lambda context as the runtime passes it. */
export function lambdaContext(remainingMs = 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'budget-alerts-check',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:budget-alerts-check',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/budget-alerts-check',
    logStreamName: '2026/11/15/[$LATEST]abc',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
