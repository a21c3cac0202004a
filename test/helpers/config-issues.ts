import { expect } from 'vitest';
import { parseBudgets } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';

/** The issues a budgets file (YAML text) is refused with, as `path | message`; fails the test if it is accepted. */
export function issuesOf(text: string): string[] {
  try {
    parseBudgets(text, 'budgets.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path} | ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}
