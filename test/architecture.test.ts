import { describe, expect, it } from 'vitest';
import { circles, importGraph, violations } from '../scripts/import-graph.js';

describe('the shape of the code', () => {
  it('has no import circle and no layer importing what it must not (DESIGN.md layout)', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(circles(graph)).toEqual([]);
    expect(violations(graph)).toEqual([]);
  });

  it('finds a circle and a forbidden import when there is one', () => {
    const graph = new Map([
      ['lib/a.ts', ['lib/b.ts']],
      ['lib/b.ts', ['lib/c.ts']],
      ['lib/c.ts', ['lib/a.ts']],
      ['lib/budget/rule.ts', ['lib/providers/http.ts']],
    ]);
    expect(circles(graph)).toEqual([['lib/a.ts', 'lib/b.ts', 'lib/c.ts', 'lib/a.ts']]);
    expect(violations(graph)).toEqual([expect.stringMatching(/^lib\/budget\/rule\.ts -> lib\/providers\/http\.ts/)]);
  });
});
