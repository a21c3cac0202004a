import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBundledBudgets } from '../../lib/bundled-budgets.js';
import { loadBudgets } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the budgets file bundled beside the check function', () => {
  it('reads back exactly what synth validated and wrote', async () => {
    const validated = await loadBudgets(join(ROOT, 'budgets.example.yaml'));

    const read = parseBundledBudgets(`${JSON.stringify(validated, null, 2)}\n`, 'budgets.json');

    expect(read).toEqual(validated);
  });

  it.each([
    ['{"accounts": [', /budgets\.json: is not JSON .*written by cdk synth/],
    ['{"accounts": []}', /budgets\.json: accounts: must hold at least 1/],
    ['{"accounts": [{"id": "a", "provider": "pictory"}]}', /budgets\.json: accounts\[0\]\.schedule: is required/],
    ['{"accounts": [{"id": "a", "provider": "acme", "schedule": "rate(1 hour)"}]}', /budgets\.json: accounts\[0\]\.provider: expected "pictory" or/],
    ['{"accounts": "a"}', /budgets\.json: accounts: expected array, got string/],
  ])('refuses a hand-edited or damaged file %s, naming the field', (text, message) => {
    let thrown: unknown;
    try {
      parseBundledBudgets(text, 'budgets.json');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
  });
});
