// No import cycles in main/: between the engine's layers (graph/ ← models/ ← engine/), counting
// type imports (they couple the layers too), and among files anywhere in main/, counting the
// imports that load code (a runtime cycle hands a module its dependency half-initialized).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const main = path.resolve(import.meta.dirname, '../../main');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

const TYPE_ONLY = /^\s*(?:import|export)\s+type\s/;

function graph(valuesOnly = false): Map<string, string[]> {
  const files = fs.readdirSync(main, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const src = fs.readFileSync(path.join(main, f), 'utf8');
    const to = [...src.matchAll(IMPORT)].filter((m) => !valuesOnly || !TYPE_ONLY.test(m[0])).map((m) => path.relative(main, path.resolve(path.dirname(path.join(main, f)), m[1])));
    edges.set(f, to.filter((t) => t.endsWith('.ts')));
  }
  return edges;
}

/** One cycle (as a path) or undefined, by depth-first search. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of edges.keys()) if (!state.has(n)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

describe('import structure of main/', () => {
  it('has no cycle between graph/, models/ and engine/', () => {
    const layer = (f: string) => f.split(path.sep)[0];
    const folders = new Map<string, Set<string>>();
    for (const [from, tos] of graph()) {
      const a = layer(from);
      if (!['graph', 'models', 'engine'].includes(a)) continue;
      for (const t of tos) {
        const b = layer(t);
        if (b !== a && ['graph', 'models', 'engine'].includes(b)) (folders.get(a) ?? folders.set(a, new Set()).get(a)!).add(b);
      }
    }
    expect([...(folders.get('graph') ?? [])]).toEqual([]);
    expect([...(folders.get('models') ?? [])].sort()).toEqual(['graph']);
    expect(findCycle(new Map([...folders].map(([k, v]) => [k, [...v]])))).toBeUndefined();
  });

  it('has no file-level cycle of imports that load code', () => {
    expect(findCycle(graph(true))).toBeUndefined();
  });
});
