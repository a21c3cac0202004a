// The CDK app (cdk.json: "app": "npx tsx infra/app.ts"). The budgets file comes from context `budgetsFile`.
import { ConfigError } from '../lib/errors.js';
import { createApp } from './create-app.js';

try {
  const { app } = await createApp();
  app.synth();
} catch (error) {
  // A bad budgets file is the user's to fix: print the file, field path and reason, not a stack trace.
  const configError = error instanceof Error && error.cause instanceof ConfigError;
  process.stderr.write(`${configError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
