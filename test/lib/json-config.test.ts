import { describe, expect, it } from 'vitest';
import { budgetsJsonSchema, parseBudgets } from '../../lib/config.js';
import { PRESET_PROVIDER_NAMES } from '../../lib/model.js';
import { issuesOf } from '../helpers/config-issues.js';


const JSON_ACCOUNT = `
accounts:
  - id: router
    provider: json
    baseUrl: https://openrouter.ai
    apiKey: { env: OPENROUTER_KEY }
    endpoint:
      path: /api/v1/credits
      auth: { header: Authorization, value: "Bearer {key}" }
      available: { limit: data.total_credits, used: data.total_usage }
      scale: 1
      currency: USD
  - id: voice
    provider: deepgram
    apiKey: { env: DEEPGRAM_KEY }
    endpoint: { params: { projectId: 3f2a-77 } }
  - id: chat
    provider: openrouter
    apiKey: { ssm: /budget-alerts/chat }
`;

describe('the endpoint of a json account in the budgets file', () => {
  it('accepts the contract’s example, a preset with its parameter, and a bare preset', () => {
    // Act
    const config = parseBudgets(JSON_ACCOUNT, 'budgets.yaml');

    // Assess
    expect(config.accounts.map((a) => [a.id, a.provider])).toEqual([
      ['router', 'json'],
      ['voice', 'deepgram'],
      ['chat', 'openrouter'],
    ]);
    expect(config.accounts[0]?.endpoint).toEqual({
      path: '/api/v1/credits',
      auth: { header: 'Authorization', value: 'Bearer {key}' },
      available: { limit: 'data.total_credits', used: 'data.total_usage' },
      scale: 1,
      currency: 'USD',
    });
  });

  it.each([
    ['available: data..remaining', 'accounts[0].endpoint.available', 'is not a PATH (unexpected "." at character 5'],
    ['available: { limit: "data[x]", used: data.used }', 'accounts[0].endpoint.available.limit', 'is not a PATH (unexpected "[" at character 5'],
    ['currency: { path: "balances[*].currency" }', 'accounts[0].endpoint.currency.path', 'must not sum ([*]): a currency is one code'],
    ['currency: dollars', 'accounts[0].endpoint.currency', 'must be an ISO 4217 code such as USD'],
    ['scale: 0', 'accounts[0].endpoint.scale', 'Too small'],
    ['auth: { header: Authorization, value: "Bearer" }', 'accounts[0].endpoint.auth.value', 'must contain {key}'],
    ['auth: { cookie: session }', 'accounts[0].endpoint.auth', 'must be { header: NAME, value: "… {key}" }, { query: NAME } or { basic: { username, password } }'],
    ['path: "v1/credits"', 'accounts[0].endpoint.path', 'must start with "/"'],
    ['path: "/v1/{key}/credits"', 'accounts[0].endpoint.path', 'must not hold {key}'],
    ['colour: blue', 'accounts[0].endpoint.colour', 'unknown field'],
  ])('names the field of a mistake: %s', (line, path, message) => {
    // Prepare: a good endpoint with one line replaced (or added).
    const fields = new Map([
      ['path', 'path: /v1/credits'],
      ['auth', 'auth: { header: Authorization, value: "Bearer {key}" }'],
      ['available', 'available: data.remaining'],
    ]);
    fields.set(line.slice(0, line.indexOf(':')), line);
    const text = `
accounts:
  - id: a
    provider: json
    baseUrl: https://example.com
    apiKey: { env: K }
    endpoint:
${[...fields.values()].map((field) => `      ${field}`).join('\n')}
`;

    // Act
    const issues = issuesOf(text);

    // Assess
    expect(issues.find((issue) => issue.startsWith(`${path} |`)) ?? issues.join('\n')).toContain(message);
  });

  it('requires baseUrl and a complete endpoint for provider json', () => {
    // Act
    const issues = issuesOf(`
accounts:
  - id: a
    provider: json
    apiKey: { env: K }
    endpoint: { available: data.remaining }
`);

    // Assess
    expect(issues).toEqual([
      'accounts[0].baseUrl | is required for provider json',
      'accounts[0].endpoint.path | is required for provider json',
      'accounts[0].endpoint.auth | is required for provider json',
    ]);
  });

  it('requires the parameters a preset uses, and refuses an endpoint on providers that have none', () => {
    // Act
    const issues = issuesOf(`
accounts:
  - id: a
    provider: twilio
    apiKey: { env: K }
  - id: b
    provider: pixelcut
    apiKey: { env: K }
    endpoint: { path: /v1/credits }
`);

    // Assess
    expect(issues).toEqual([
      'accounts[0].endpoint.params.accountSid | is required: the endpoint of provider twilio uses {accountSid}',
      'accounts[1].endpoint | is only for provider json and its presets, not pixelcut',
    ]);
  });
});

describe('budget-alerts schema', () => {
  it('covers provider json, every preset, the endpoint block and what each preset needs', () => {
    // Act
    const schema = budgetsJsonSchema() as any;

    // Assess
    const account = schema.properties.accounts.items;
    expect(account.properties.provider.enum).toEqual(expect.arrayContaining(['json', ...PRESET_PROVIDER_NAMES]));
    expect(account.properties.provider.description).toContain('openrouter: OpenRouter, data.total_credits − data.total_usage (USD)');
    expect(Object.keys(account.properties.endpoint.properties)).toEqual(['path', 'auth', 'available', 'scale', 'currency', 'params', 'headers']);
    expect(account.allOf).toContainEqual({
      if: { properties: { provider: { enum: ['json'] } }, required: ['provider'] },
      then: { required: ['baseUrl', 'endpoint'], properties: { endpoint: { required: ['path', 'auth', 'available'] } } },
    });
    expect(account.allOf).toContainEqual({
      if: { properties: { provider: { enum: ['deepgram'] } }, required: ['provider'] },
      then: { required: ['endpoint'], properties: { endpoint: { required: ['params'], properties: { params: { required: ['projectId'] } } } } },
    });
  });
});
