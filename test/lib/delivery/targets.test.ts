import { describe, expect, it } from 'vitest';
import { targetTakes } from '../../../lib/alerts/routing.js';
import { validateBudgets } from '../../../lib/config-schema.js';
import { TOPIC_TARGET, targetsOf } from '../../../lib/delivery/targets.js';
import type { AlertKind, Severity } from '../../../lib/model.js';

// Three teams: video (its accounts, every kind), finance (budgets of every account), on-call (critical only).
const budgets = validateBudgets(
  {
    notify: [
      { email: 'video@example.com', minSeverity: 'info', accounts: ['video-*'] },
      { email: 'finance@example.com', kinds: ['budget.*'] },
      { slack: { workspaceId: 'T1', channelId: 'C1' }, minSeverity: 'critical', quietHours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' } },
    ],
    accounts: ['video-prod', 'video-staging', 'chat-prod'].map((id) => ({ id, provider: 'pixelcut', apiKey: { env: 'K' } })),
  },
  'teams.yaml',
);
const targets = targetsOf(budgets.notify ?? []);

describe('routing (which notify entry gets which alert)', () => {
  it('makes one target per entry, its id from the endpoint, with its routing and quiet hours', () => {
    expect(targets).toEqual([
      { id: 'email:video@example.com', minSeverity: 'info', accounts: ['video-*'] },
      { id: 'email:finance@example.com', minSeverity: 'warning', kinds: ['budget.*'] },
      { id: 'slack:T1/C1', minSeverity: 'critical', quietHours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' } },
    ]);
  });

  it.each<[string, AlertKind, Severity, string[]]>([
    ['video-prod', 'budget.actual', 'info', ['email:video@example.com']],
    ['video-prod', 'budget.actual', 'warning', ['email:video@example.com', 'email:finance@example.com']],
    ['video-staging', 'balance.low', 'critical', ['email:video@example.com', 'slack:T1/C1']],
    ['chat-prod', 'budget.forecast', 'warning', ['email:finance@example.com']],
    ['chat-prod', 'balance.low', 'warning', []],
    ['chat-prod', 'check.failed', 'critical', ['slack:T1/C1']],
    ['chat-prod', 'budget.actual', 'critical', ['email:finance@example.com', 'slack:T1/C1']],
  ])('%s %s (%s) goes to %j', (account, kind, severity, expected) => {
    expect(targets.filter((t) => targetTakes(t, { account, kind, severity })).map((t) => t.id)).toEqual(expected);
  });

  it('has the alert topic as the one target when nobody is listed', () => {
    expect(targetsOf([])).toEqual([TOPIC_TARGET]);
  });

  it('refuses routing that names no account of the file, a digest for SMS, and a repeated endpoint', () => {
    const attempt = (notify: unknown[]) => () =>
      validateBudgets({ notify, accounts: [{ id: 'video-prod', provider: 'pixelcut', apiKey: { env: 'K' } }] }, 'bad.yaml');
    expect(attempt([{ email: 'a@example.com', accounts: ['vidoe-*'] }])).toThrow(/notify\[0\]\.accounts\[0\]: matches no account/);
    expect(attempt([{ sms: '+15551234567', digest: 'daily' }])).toThrow(/notify\[0\]\.digest: an SMS cannot carry a digest/);
    expect(attempt([{ email: 'a@example.com' }, { email: 'a@example.com', minSeverity: 'critical' }])).toThrow(/notify\[1\]: repeats the endpoint of notify\[0\]/);
    expect(attempt([{ email: 'a@example.com', kinds: ['budget.actuals'] }])).toThrow(/notify\[0\]\.kinds\[0\]: must be an alert kind/);
    expect(attempt([{ email: 'a@example.com', quietHours: { from: '22:00', to: '7:00' } }])).toThrow(/notify\[0\]\.quietHours\.to: must be a time of day/);
  });
});
