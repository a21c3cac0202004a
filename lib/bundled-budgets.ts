import * as z from 'zod/mini';
import type { BudgetsConfig } from './config-schema.js';
import { ConfigError } from './errors.js';
import { formatPath } from './format-path.js';
import { WITH_ISSUE_TEXT } from './issue-text.js';
import { PROVIDER_NAMES } from './model.js';

/**
 * The shape of the `budgets.json` bundled beside the check function. `cdk synth` writes it from the output of
 * `validateBudgets` (infra/check-function.ts), so the full validation (and the zod build that carries it, half
 * the bundle) stays at synth time; the function checks only that the file is that output — an object listing
 * accounts with an id, a known provider and a schedule — so a hand-edited or truncated file fails at cold start
 * naming the field, not midway through a run.
 */
const bundledSchema = z.looseObject({
  accounts: z
    .array(z.looseObject({ id: z.string().check(z.minLength(1)), provider: z.enum(PROVIDER_NAMES), schedule: z.string().check(z.minLength(1)) }))
    .check(z.minLength(1)),
  notify: z.optional(z.array(z.looseObject({}))),
});

/** Reads the bundled budgets file (JSON text); throws ConfigError naming the file and field. */
export function parseBundledBudgets(text: string, file: string): BudgetsConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `is not JSON (${(error as Error).message}); it is written by cdk synth` }]);
  }
  const parsed = bundledSchema.safeParse(json, WITH_ISSUE_TEXT);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ file, path: formatPath(issue.path), message: issue.message })));
  }
  return json as BudgetsConfig;
}
