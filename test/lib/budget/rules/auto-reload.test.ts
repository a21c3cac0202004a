import { describe, expect, it } from 'vitest';
import { entry, evaluate, find, HOUR, NOW, stateOf } from '../fixtures.js';

describe('auto-reload', () => {
  const reloadOn = { enabled: true, threshold: 100, amount: 500 };

  it('autoreload.off is on when the vendor says disabled and the account expects it', () => {
    // Act & Assess
    expect(find(evaluate({ autoReload: {} }, { snapshot: { autoReload: { enabled: false } } }).findings, 'autoreload.off')).toMatchObject({
      state: 'on',
      severity: 'warning',
    });
    expect(stateOf(evaluate({ autoReload: {} }, { snapshot: { autoReload: reloadOn } }).findings, 'autoreload.off')).toBe('off');
    expect(find(evaluate({}, { snapshot: { autoReload: { enabled: false } } }).findings, 'autoreload.off')).toBeUndefined();
    expect(find(evaluate({ autoReload: {} }).findings, 'autoreload.off')).toBeUndefined();
  });

  it('autoreload.near is on within warnWithin of the threshold, with a 20% margin before it clears', () => {
    // Prepare: threshold 100 + warnWithin 50 → on at ≤ 150, off above 160.
    const account = { autoReload: { warnWithin: 50 } };
    const near = (available: number) => evaluate(account, { available, snapshot: { autoReload: reloadOn } }).findings;

    // Act & Assess
    expect(find(near(150), 'autoreload.near')).toMatchObject({ state: 'on', severity: 'info', threshold: 150, value: 150 });
    expect(find(near(150), 'autoreload.near')?.facts).toMatchObject({ reloadThreshold: 100, reloadAmount: 500 });
    expect(stateOf(near(155), 'autoreload.near')).toBe('hold');
    expect(stateOf(near(160), 'autoreload.near')).toBe('hold');
    expect(stateOf(near(160.01), 'autoreload.near')).toBe('off');
  });

  it('autoreload.near clears at least one credit above the limit for a small warnWithin', () => {
    // Prepare: 20% of 2 is 0.4; the margin is 1 credit → off above 103.
    const near = (available: number) =>
      evaluate({ autoReload: { warnWithin: 2 } }, { available, snapshot: { autoReload: reloadOn } }).findings;

    // Act & Assess
    expect(stateOf(near(102), 'autoreload.near')).toBe('on');
    expect(stateOf(near(103), 'autoreload.near')).toBe('hold');
    expect(stateOf(near(103.5), 'autoreload.near')).toBe('off');
  });

  it('autoreload.near is off when auto-reload is disabled (nothing to be near)', () => {
    // Act & Assess
    expect(
      stateOf(evaluate({ autoReload: { warnWithin: 50 } }, { available: 10, snapshot: { autoReload: { enabled: false } } }).findings, 'autoreload.near'),
    ).toBe('off');
  });

  it('autoreload.triggered fires once per reload entry of the last 24 hours', () => {
    // Prepare
    const ledger = [
      entry('reload', new Date(NOW.getTime() - 25 * HOUR), 500, 'r-old'),
      entry('reload', new Date(NOW.getTime() - 23 * HOUR), 500, 'r-1'),
      entry('reload', new Date(NOW.getTime() - HOUR), 250, 'r-2'),
    ];

    // Act
    const triggered = evaluate({}, { ledger }).findings.filter((f) => f.kind === 'autoreload.triggered');

    // Assess
    expect(triggered.map((f) => [f.id, f.once, f.state, f.value])).toEqual([
      ['autoreload.triggered', 'r-1', 'on', 500],
      ['autoreload.triggered', 'r-2', 'on', 250],
    ]);
    expect(triggered[1]?.facts.reloadedAt).toBe(new Date(NOW.getTime() - HOUR).toISOString());
  });
});
