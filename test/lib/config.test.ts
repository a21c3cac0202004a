import { describe, expect, it } from 'vitest';
import { budgetsJsonSchema, parseBudgets } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';
import { issuesOf } from '../helpers/config-issues.js';

const GOOD = `
defaults:
  timezone: Europe/Berlin
  budget: { monthly: 100 }
accounts:
  - id: video-prod
    provider: pictory
    apiKey: { ssm: /budget-alerts/video-prod }
    budget: { monthly: 500, alertAt: [50, 80, 100], forecastAt: [100] }
    balance: { below: 100, runwayDays: 7 }
    autoReload: { warnWithin: 50 }
  - id: chat
    provider: account-api
    baseUrl: https://api.example.com
    apiKey: { env: CHAT_TOKEN }
    timezone: UTC
`;


describe('parseBudgets', () => {
  it('merges defaults into every account, the account winning', () => {
    // Act
    const config = parseBudgets(GOOD, 'budgets.yaml');

    // Assess
    expect(config.accounts[0]).toMatchObject({ id: 'video-prod', timezone: 'Europe/Berlin', budget: { monthly: 500 } });
    expect(config.accounts[1]).toMatchObject({
      id: 'chat',
      timezone: 'UTC',
      budget: { monthly: 100, alertAt: [50, 80, 100], forecastAt: [100] },
      authExpiryWarnDays: 3,
    });
  });

  it('reads notify targets with their minimum severity, and schedules with a default', () => {
    const config = parseBudgets(
      `notify:\n  - email: ops@example.com\n  - sms: "+15551234567"\n    minSeverity: critical\n  - slack: { workspaceId: T01, channelId: C02 }\naccounts:\n  - { id: a, provider: pixelcut, apiKey: { ssm: /k }, schedule: rate(15 minutes) }\n  - { id: b, provider: pixelcut, apiKey: { ssm: /k } }`,
      'budgets.yaml',
    );
    expect(config.notify).toEqual([
      { email: 'ops@example.com', minSeverity: 'warning' },
      { sms: '+15551234567', minSeverity: 'critical' },
      { slack: { workspaceId: 'T01', channelId: 'C02' }, minSeverity: 'warning' },
    ]);
    expect(config.accounts.map((a) => a.schedule)).toEqual(['rate(15 minutes)', 'rate(1 hour)']);
  });

  it('reads JSON as well as YAML', () => {
    const config = parseBudgets(
      JSON.stringify({ accounts: [{ id: 'img', provider: 'pixelcut', apiKey: { env: 'PIXELCUT_KEY' } }] }),
      'budgets.json',
    );
    expect(config.accounts.map((a) => a.provider)).toEqual(['pixelcut']);
  });

  const account = 'id: a\n    provider: pictory\n    apiKey: { env: K }';
  it.each([
    ['an unknown top-level key', `acounts: []`, 'acounts | unknown field'],
    ['an empty accounts list', `accounts: []`, 'accounts | '],
    ['a typo in a rule', `accounts:\n  - ${account}\n    budjet: { monthly: 5 }`, 'accounts[0].budjet | unknown field'],
    ['a typo inside a rule', `accounts:\n  - ${account}\n    balance: { belo: 5 }`, 'accounts[0].balance.belo | unknown field'],
    ['a negative threshold', `accounts:\n  - ${account}\n    budget: { monthly: 5, alertAt: [50, -80] }`, 'accounts[0].budget.alertAt[1] | '],
    ['a repeated threshold', `accounts:\n  - ${account}\n    budget: { monthly: 5, alertAt: [80, 80] }`, 'accounts[0].budget.alertAt | must not repeat'],
    ['a string budget', `accounts:\n  - ${account}\n    budget: { monthly: "lots" }`, 'accounts[0].budget.monthly | '],
    ['a missing monthly budget', `accounts:\n  - ${account}\n    budget: { alertAt: [50] }`, 'accounts[0].budget.monthly | is required'],
    ['an unknown provider', `accounts:\n  - id: a\n    provider: openai\n    apiKey: { env: K }`, 'accounts[0].provider | must be one of'],
    ['a bad id', `accounts:\n  - id: Video_Prod\n    provider: pictory\n    apiKey: { env: K }`, 'accounts[0].id | must be lowercase'],
    ['a missing key', `accounts:\n  - id: a\n    provider: pictory`, 'accounts[0].apiKey | '],
    ['a key in the file', `accounts:\n  - id: a\n    provider: pictory\n    apiKey: pictai_secret`, 'accounts[0].apiKey | must be { env'],
    ['account-api without baseUrl', `accounts:\n  - id: a\n    provider: account-api\n    apiKey: { env: K }`, 'accounts[0].baseUrl | is required for provider account-api'],
    ['a bad base URL', `accounts:\n  - ${account}\n    baseUrl: ftp://x`, 'accounts[0].baseUrl | '],
    ['an unknown time zone', `accounts:\n  - ${account}\n    timezone: Mars/Olympus`, 'accounts[0].timezone | must be an IANA time zone'],
    ['a duplicate id', `accounts:\n  - ${account}\n  - ${account}`, 'accounts[1].id | duplicate account id "a"'],
    ['a spike factor of 1', `accounts:\n  - ${account}\n    usage: { spikeFactor: 1 }`, 'accounts[0].usage.spikeFactor | must be greater than 1'],
    ['a bad default', `defaults:\n  budget: { monthly: -1 }\naccounts:\n  - ${account}`, 'defaults.budget.monthly | '],
    ['a bad schedule', `accounts:\n  - ${account}\n    schedule: every hour`, 'accounts[0].schedule | must be an EventBridge schedule'],
    ['a bad email', `notify:\n  - email: ops\naccounts:\n  - ${account}`, 'notify[0].email | must be an email address'],
    ['an unknown channel', `notify:\n  - pager: x\naccounts:\n  - ${account}`, 'notify[0] | must be one of {email}'],
    ['a bad severity', `notify:\n  - email: a@b.co\n    minSeverity: high\naccounts:\n  - ${account}`, 'notify[0].minSeverity | must be one of info'],
    ['an empty balance rule', `accounts:\n  - ${account}\n    balance: {}`, 'accounts[0].balance | set below, runwayDays'],
  ])('rejects %s, naming the field path', (_name, text, expected) => {
    // Act
    const issues = issuesOf(text);

    // Assess
    expect(issues.some((issue) => issue.startsWith(expected))).toBe(true);
  });

  it('reports YAML syntax errors with the line and column', () => {
    try {
      parseBudgets('accounts:\n  - id: a\n    id: b\n', 'b.yaml');
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues[0]?.file).toBe('b.yaml:3:5');
    }
  });

  it('reports every mistake at once, not just the first', () => {
    const issues = issuesOf(`accounts:\n  - id: a\n    provider: nope\n    apiKey: { env: K }\n  - id: B\n    provider: pictory\n    apiKey: { env: K }`);
    expect(issues.map((i) => i.split(' | ')[0])).toEqual(['accounts[0].provider', 'accounts[1].id']);
  });

  it('rejects an empty file', () => {
    expect(issuesOf('')).toEqual([' | is empty: expected a mapping with an accounts: list']);
  });
});

describe('budgetsJsonSchema', () => {
  it('describes accounts with their required fields and forbids unknown keys', () => {
    const schema = budgetsJsonSchema() as any;
    expect(schema.required).toEqual(['accounts']);
    const account = schema.properties.accounts.items;
    expect(account.required).toEqual(expect.arrayContaining(['id', 'provider', 'apiKey']));
    expect(account.additionalProperties).toBe(false);
    expect(account.properties.provider.enum).toEqual(expect.arrayContaining(['pictory', 'account-api', 'pixelcut', 'json']));
  });
});
