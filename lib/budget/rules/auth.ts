import { findingOf, round2, type Rule } from '../context.js';
import { DAY_MS } from '../period.js';

/** `auth.expiring`: on within `authExpiryWarnDays` of the credential's expiry, critical in the last day. */
export const authExpiring: Rule = (context) => {
  const expiresAt = context.snapshot.tokenExpiresAt;
  if (!expiresAt) {
    // The check succeeded with a credential that has no known expiry (e.g. the JWT was replaced by a
    // long-lived key): a warning about the old token's expiry no longer holds.
    return [findingOf(context, { id: 'auth.expiring', kind: 'auth.expiring', state: 'off', severity: 'warning' })];
  }
  const warnDays = context.account.authExpiryWarnDays;
  const leftDays = (expiresAt.getTime() - context.now.getTime()) / DAY_MS;
  return [
    findingOf(context, {
      facts: { ...context.facts, expiresAt: expiresAt.toISOString() },
      id: 'auth.expiring',
      kind: 'auth.expiring',
      state: leftDays < warnDays ? 'on' : 'off',
      severity: leftDays < 1 ? 'critical' : 'warning',
      threshold: warnDays,
      value: round2(leftDays),
    }),
  ];
};
