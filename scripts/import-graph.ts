// The import graph of the TypeScript sources, from their import/export lines (type-only imports
// included: a circle of types is still a circle to read). `npm run check:imports` prints
// import circles and layering violations and exits 1 if there are any; test/architecture.test.ts
// runs the same checks in `npm test`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..'));
const SOURCES = ['lib', 'functions', 'infra'];
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;

/** Pure layers and what they must never import (DESIGN.md's layout table). */
export const FORBIDDEN = [
  { from: /^lib\/(budget|alerts|state)\//, to: /^lib\/providers\//, why: 'pure layers read the vocabulary from lib/model.ts, never the adapters' },
  { from: /^lib\/model\.ts$/, to: /./, why: 'lib/model.ts imports nothing' },
  { from: /^lib\/(budget|alerts)\//, to: /^lib\/(state|delivery|sandbox|check|cli)/, why: 'rules and wording stay pure' },
  { from: /^lib\//, to: /^(functions|infra)\//, why: 'lib/ never imports the Lambda entry points or the CDK app' },
];

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Module → the modules it imports (paths relative to the root, `.ts`). */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCES.flatMap(files)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => relative(ROOT, join(ROOT, dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every import circle, each as the list of modules around it. */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

/** Every import a layer must not make. */
export function violations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  return [...graph].flatMap(([from, targets]) =>
    targets.flatMap((to) => FORBIDDEN.filter((rule) => rule.from.test(from) && rule.to.test(to)).map((rule) => `${from} -> ${to}: ${rule.why}`)),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const loops = circles(graph);
  const wrong = violations(graph);
  for (const loop of loops) console.log(`circle: ${loop.join(' -> ')}`);
  for (const line of wrong) console.log(`forbidden: ${line}`);
  console.log(`${graph.size} modules; ${loops.length} circle(s); ${wrong.length} forbidden import(s)`);
  process.exitCode = loops.length + wrong.length > 0 ? 1 : 0;
}
