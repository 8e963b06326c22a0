import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { init, parse } from 'es-module-lexer';

/**
 * Import graph of TypeScript sources and its cycles. Every `import`/`export … from` counts,
 * `import type` included (a type-only circle is still a design circle, and one `type` dropped
 * turns it into a load-order bug), and so does `import('./x')` with a literal specifier (a lazy
 * import hides a circle from the loader, not from the design).
 * Only relative specifiers are followed; `./x` resolves to x.ts, x.tsx, x/index.ts(x), and a
 * `.js` suffix is mapped to its TypeScript source.
 */
export async function importGraph(roots: string[]): Promise<Map<string, string[]>> {
  await init;
  const files = roots.flatMap((r) => listSources(r));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const spec of staticSpecifiers(source)) {
      if (!spec.startsWith('.')) continue; // a package
      const target = resolveSource(dirname(file), spec);
      if (target) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** `import … from 'x'`, `import 'x'`, `export … from 'x'` starting a line, and `import('x')`. */
const DECLARATION =
  /^[ \t]*(?:import\s*(['"])([^'"\n]+)\1|(?:import|export)\b[^;'"`()=]*?\bfrom\s*(['"])([^'"\n]+)\3)|\bimport\(\s*(['"])([^'"\n]+)\5\s*\)/gm;

/**
 * The static specifiers of a module. es-module-lexer reads TypeScript (it skips what it does not
 * know), but not JSX: for a .tsx file it cannot lex, the declarations are read line by line
 * instead (imports and re-exports in this code base start a line; a test checks the fallback).
 */
export function staticSpecifiers(source: string): string[] {
  try {
    const [imports] = parse(source);
    return imports.filter((i) => i.n).map((i) => i.n!);
  } catch {
    return [...source.matchAll(DECLARATION)].map((m) => m[2] ?? m[4] ?? m[6]);
  }
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(resolve(full));
  }
  return out;
}

function resolveSource(from: string, spec: string): string | null {
  const base = resolve(from, spec.replace(/\.(m?js|jsx)$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (/\.tsx?$/.test(c) && existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** Every elementary circle, found once each (Tarjan's strongly connected components, then a path). */
export function findCycles(graph: Map<string, string[]>, root = process.cwd()): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = comp.length === 1 && (graph.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) components.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  // One readable circle per component: a shortest path back to its first file.
  return components.map((comp) => {
    const members = new Set(comp);
    const start = [...comp].sort()[0];
    const prev = new Map<string, string>();
    const queue = [start];
    const seen = new Set([start]);
    let end: string | undefined;
    while (queue.length > 0 && !end) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!seen.has(w)) {
          seen.add(w);
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = end; v && v !== start; v = prev.get(v)) path.splice(1, 0, v);
    path.push(start);
    return path.map((p) => relative(root, p));
  });
}
