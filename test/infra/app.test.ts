import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, readReservedConcurrency } from '../../infra/create-app.js';
import { ConfigError } from '../../lib/errors.js';
import { FULL, SYNTH_TIMEOUT, buildStack } from './fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The app as the CDK CLI runs it from the project folder, minus bundling (the real synth is `npm run synth`). */
function appProps(budgetsFile: string, outdir: string, context: Record<string, unknown> = {}) {
  return { outdir, context: { budgetsFile, 'aws:cdk:bundling-stacks': [], ...context } };
}

describe('the CDK app', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('app-test-');
  });

  it('synthesizes budgets.example.yaml offline: cdk-nag passes, no lookups, one rule per schedule', { timeout: SYNTH_TIMEOUT }, async () => {
    // Act
    const { app, stack, budgetsFile } = await createApp({ appProps: appProps(join(ROOT, 'budgets.example.yaml'), join(dir, 'example.out')) });
    const assembly = app.synth(); // the cdk-nag plugin runs here and would throw on a finding

    // Assess
    expect(budgetsFile).toBe(join(ROOT, 'budgets.example.yaml'));
    expect(stack.stackName).toBe('BudgetAlerts');
    const artifact = assembly.getStackByName('BudgetAlerts');
    expect(artifact.environment).toMatchObject({ account: 'unknown-account', region: 'unknown-region' });
    expect(assembly.manifest.missing ?? []).toEqual([]);
    const template = Template.fromJSON(artifact.template as Record<string, unknown>);
    const expressions = Object.values(template.findResources('AWS::Events::Rule')).map(
      (r) => (r as { Properties: { ScheduleExpression: string } }).Properties.ScheduleExpression,
    );
    expect(expressions.sort()).toEqual(['cron(0 7 * * ? *)', 'rate(1 hour)', 'rate(15 minutes)']);
    template.resourceCountIs('AWS::SNS::Topic', 2); // warning and critical are in use
  });

  // Here, after the synth above has started CloudFormation's validation engine (once per process, seconds).
  it("passes CloudFormation's template validation with every notify kind (here an error fails synth instead of warning)", { timeout: SYNTH_TIMEOUT }, () => {
    // Prepare
    const stack = buildStack(FULL, {}, { validate: true });

    // Act / Assess: synthesis throws ValidationFailed, listing each error, on any finding of severity error
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  it('fails with the file, the field path and the reason when the budgets file has a mistake', async () => {
    // Prepare
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'accounts:\n  - id: vid\n    provider: pictory\n    apiKey: { ssm: /k/vid }\n    budget: { monthly: -5 }\n');

    // Act / Assess
    await expect(createApp({ appProps: appProps(bad, join(dir, 'bad.out')) })).rejects.toThrow(
      `${bad}: accounts[0].budget.monthly: Too small`,
    );
  });

  it('points a missing budgets.yaml at the example', async () => {
    await expect(createApp({ appProps: { outdir: join(dir, 'missing.out'), context: { budgetsFile: 'budgets.yaml' } } })).rejects.toThrow(
      /budgets\.yaml: file not found\n\(copy budgets\.example\.yaml to budgets\.yaml/,
    );
  });

  it('as run by the CLI (cdk.json app command), exits 1 printing the field path and no stack trace', { timeout: SYNTH_TIMEOUT }, async () => {
    // Prepare
    const bad = join(dir, 'bad-notify.yaml');
    await writeFile(bad, 'notify:\n  - email: not-an-address\naccounts:\n  - { id: vid, provider: pictory, apiKey: { ssm: /k/vid } }\n');
    const cdkJson = JSON.parse(await readFile(join(ROOT, 'cdk.json'), 'utf8')) as { app: string; notices: boolean; context: Record<string, unknown> };
    expect(cdkJson).toMatchObject({ app: 'npx tsx infra/app.ts', notices: false, context: { budgetsFile: 'budgets.yaml' } });

    // Act: the CLI hands context to the app through CDK_CONTEXT_JSON
    const failure = await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ budgetsFile: bad }), CDK_OUTDIR: join(dir, 'cli.out') },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`${bad}: notify[0].email: must be an email address`);
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('context reservedConcurrency', () => {
  it.each([
    ['3', 3],
    [3, 3],
    ['0', 0],
    [' 12 ', 12],
    ['false', false],
    [false, false],
    [undefined, undefined],
  ])('reads %o (from -c or cdk.json) as %o', (value, expected) => {
    expect(readReservedConcurrency(value)).toBe(expected);
  });

  it.each(['abc', '', '1.5', '-1', '1e3', 'true', true, 2.5, -1, Number.NaN, '99999999999999999999'])(
    'refuses %o, naming the context key and what it accepts',
    (value) => {
      expect(() => readReservedConcurrency(value)).toThrow(
        /^invalid context reservedConcurrency=.+: must be a whole number ≥ 0, or false to reserve none/,
      );
    },
  );

  it('fails synth on -c reservedConcurrency=abc before anything reaches the template', async () => {
    // Prepare
    const dir = await tempDir('app-test-');

    // Act
    const error: unknown = await createApp({
      appProps: appProps(join(ROOT, 'budgets.example.yaml'), join(dir, 'abc.out'), { reservedConcurrency: 'abc' }),
    }).catch((caught: unknown) => caught);

    // Assess: a ConfigError cause is what makes app.ts print the message alone, without a stack trace
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'invalid context reservedConcurrency="abc": must be a whole number ≥ 0, or false to reserve none (e.g. -c reservedConcurrency=1)',
    );
    expect((error as Error).cause).toBeInstanceOf(ConfigError);
  });

  it('passes a valid value to the function', async () => {
    // Prepare
    const dir = await tempDir('app-test-');

    // Act
    const { stack } = await createApp({
      appProps: {
        ...appProps(join(ROOT, 'budgets.example.yaml'), join(dir, 'three.out'), { reservedConcurrency: '3' }),
        builtinCloudFormationValidation: false,
      },
      nag: false,
    });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
  });
});
