import { describe, expect, it } from 'vitest';
import { runScenario, type RunPlan } from '../../helpers/fault-harness.js';

// Counterexamples the fault properties found (shrunk by fast-check), kept as examples. Each broke an
// invariant before its fix; `runScenario` checks all of them (see test/helpers/fault-harness.ts).
const up = [false, false];
const run = (plan: Partial<RunPlan>): RunPlan => ({ gapMinutes: 0, deltas: [0, 0], vendorDown: up, faults: [], ...plan });

describe('delivery fault regressions', () => {
  it('resolves a failure alert whose confirmation failed, when the check recovers before the re-send', async () => {
    const { violations } = await runScenario([
      run({ vendorDown: [false, true] }),
      run({ deltas: [-123, 0], vendorDown: [true, true] }),
      run({ vendorDown: [true, true], faults: [{ stage: 'confirm', nth: 0, kind: 'fail' }] }),
      run({ vendorDown: [true, true] }),
      run({ vendorDown: [true, true] }),
    ]);
    expect(violations).toEqual([]);
  });

  it('keeps the claim of a publication that may have reached SNS, so its resolution is not lost', async () => {
    const { violations } = await runScenario([
      run({ vendorDown: [true, false] }),
      run({ vendorDown: [true, false] }),
      run({ vendorDown: [true, false], faults: [{ stage: 'publish', nth: 0, kind: 'fail-after-send' }] }),
    ]);
    expect(violations).toEqual([]);
  });

  it('keeps a lapsed resolution on the record when a later claim over it is released', async () => {
    const { violations } = await runScenario([
      run({ deltas: [-93, 0], vendorDown: [false, true] }),
      run({ deltas: [-228, 0], vendorDown: [true, true] }),
      run({ gapMinutes: 720, vendorDown: [true, true] }),
      run({ deltas: [-197, 0], vendorDown: [false, true] }),
      run({ gapMinutes: 4320, deltas: [86, 0], vendorDown: [false, true], faults: [{ stage: 'confirm', nth: 0, kind: 'fail' }] }),
      run({ deltas: [-141, 0], vendorDown: [false, true] }),
      run({ gapMinutes: 60, deltas: [-34, 0], vendorDown: [false, true], faults: [{ stage: 'publish', nth: 5, kind: 'fail' }] }),
      run({ vendorDown: [true, true] }),
    ]);
    expect(violations).toEqual([]);
  });

  it('remembers every lapsed claim since the last confirmation, not only the latest', async () => {
    const { violations } = await runScenario([
      run({ vendorDown: [false, true] }),
      run({ gapMinutes: 1440, deltas: [-86, 0], vendorDown: [true, true] }),
      run({ deltas: [-181, 0], vendorDown: [false, true] }),
      run({ gapMinutes: 5, deltas: [-226, 0], vendorDown: [false, true] }),
      run({
        gapMinutes: 4320,
        deltas: [10, 0],
        vendorDown: [false, true],
        faults: [{ stage: 'claim', nth: 0, kind: 'fail' }],
        race: [{ stage: 'confirm', nth: 0, kind: 'fail' }],
      }),
      run({ gapMinutes: 1440, deltas: [-193, 0], vendorDown: [false, true], faults: [{ stage: 'claim', nth: 3, kind: 'crash' }] }),
      run({ vendorDown: [true, true] }),
      run({ vendorDown: [true, true] }),
    ]);
    expect(violations).toEqual([]);
  });
});
