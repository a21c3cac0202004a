import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario, scenarioArbitrary } from '../../helpers/fault-harness.js';

// Random runs at random instants with random failures and crashes at every delivery step, two runs
// racing now and then, then the faults stop. A fixed seed keeps `npm test` repeatable; `npm run fuzz`
// runs the same properties far longer with random seeds.
const SEED = 20261201;
const RUNS = 150;

describe('delivery under random faults (fast-check)', () => {
  it('never doubles (beyond the documented re-send), never loses, never resolves unannounced, never drops account state', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(12), async (runs) => {
        const { violations } = await runScenario(runs);
        expect(violations).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
