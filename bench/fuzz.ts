// `npm run fuzz`: the delivery fault properties of test/lib/delivery/faults.property.test.ts, run
// far longer (100× the suite's cases by default) with random seeds. Prints the cases run and any
// counterexample (shrunk), with the seed to replay it: `npm run fuzz -- --seed N --runs M`.
import * as fc from 'fast-check';
import { parseArgs } from 'node:util';
import { runScenario, scenarioArbitrary } from '../test/helpers/fault-harness.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, 'max-runs': { type: 'string' } } });
const numRuns = Number(values.runs ?? 15_000);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const maxRuns = Number(values['max-runs'] ?? 16);

const started = performance.now();
let cases = 0;
const result = await fc.check(
  fc.asyncProperty(scenarioArbitrary(maxRuns), async (runs) => {
    cases += 1;
    const { violations } = await runScenario(runs);
    if (violations.length > 0) throw new Error(violations.join('\n'));
  }),
  { seed, numRuns },
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`fuzz: seed ${seed}, ${cases} cases (${numRuns} planned, up to ${maxRuns} runs each) in ${seconds} s\n`);
if (result.failed) {
  process.stdout.write(`COUNTEREXAMPLE (replay with --seed ${seed}):\n${JSON.stringify(result.counterexample, null, 1)}\n${String(result.errorInstance)}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('no counterexample\n');
}
