import { describe, expect, it } from 'vitest';
import { DAY, evaluate, find, HOUR, NOW, stateOf } from '../fixtures.js';

describe('auth.expiring', () => {
  const expiring = (inMs: number) =>
    find(evaluate({ authExpiryWarnDays: 3 }, { snapshot: { tokenExpiresAt: new Date(NOW.getTime() + inMs) } }).findings, 'auth.expiring');

  it('is on inside the warning window, critical in the last day and once expired', () => {
    // Act & Assess
    expect(expiring(2 * DAY)).toMatchObject({ state: 'on', severity: 'warning', threshold: 3, value: 2 });
    expect(expiring(12 * HOUR)).toMatchObject({ state: 'on', severity: 'critical' });
    expect(expiring(-HOUR)).toMatchObject({ state: 'on', severity: 'critical' });
    expect(expiring(2 * DAY)?.facts.expiresAt).toBe(new Date(NOW.getTime() + 2 * DAY).toISOString());
  });

  it('is off outside the window and when the credential has no known expiry', () => {
    // Act & Assess
    expect(expiring(3 * DAY)?.state).toBe('off');
    expect(stateOf(evaluate({}).findings, 'auth.expiring')).toBe('off');
  });
});
