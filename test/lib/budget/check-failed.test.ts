import { describe, expect, it } from 'vitest';
import { checkRecovered, evaluateFailure } from '../../../lib/budget/evaluate.js';
import { NOW, rules } from './fixtures.js';

describe('check.failed', () => {
  const account = rules();

  it('is on at once for a rejected key (critical) or a missing key (warning)', () => {
    // Act & Assess
    expect(evaluateFailure({ account, error: { code: 'auth', message: 'Unauthorized' }, consecutiveFailures: 1, now: NOW })).toMatchObject({
      id: 'check.failed',
      state: 'on',
      severity: 'critical',
      facts: { errorCode: 'auth', errorMessage: 'Unauthorized', consecutiveFailures: 1 },
    });
    expect(evaluateFailure({ account, error: { code: 'key', message: 'unset' }, consecutiveFailures: 1, now: NOW })).toMatchObject({
      state: 'on',
      severity: 'warning',
    });
  });

  it('holds for transient failures until the third in a row', () => {
    // Act
    const states = [1, 2, 3, 4].map(
      (n) => evaluateFailure({ account, error: { code: 'network', message: 'ECONNRESET' }, consecutiveFailures: n, now: NOW }).state,
    );

    // Assess
    expect(states).toEqual(['hold', 'hold', 'on', 'on']);
  });

  it('is off when a check succeeds', () => {
    // Act & Assess
    expect(checkRecovered(account)).toMatchObject({ id: 'check.failed', kind: 'check.failed', state: 'off', account: 'video-prod' });
  });
});
