import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, importGraph, staticSpecifiers } from './import-cycles';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGES = ['ev-core', 'contract', 'server', 'web'].map((p) => join(ROOT, 'packages', p, 'src'));

describe('import circles', () => {
  it('none in any package (type-only and lazy imports included)', async () => {
    const graph = await importGraph(PACKAGES);
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph, ROOT).map((c) => c.join(' → '));
    expect(cycles).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'evision-cycles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds circles through a type-only import, an index file and a lazy import', async () => {
    mkdirSync(join(dir, 'auth'));
    writeFileSync(
      join(dir, 'context.ts'),
      "import type { Hub } from './hub';\nexport interface Ctx { hub: Hub }\n",
    );
    writeFileSync(join(dir, 'hub.ts'), "import type { P } from './auth';\nexport type Hub = { p: P };\n");
    writeFileSync(
      join(dir, 'auth', 'index.ts'),
      "import type { Ctx } from '../context.js';\nexport type P = <T,>(c: Ctx, t: T) => T;\n",
    );
    writeFileSync(join(dir, 'lazy.ts'), "export const f = () => import('./late');\n");
    writeFileSync(join(dir, 'late.ts'), "import { f } from './lazy';\nexport const g = f;\n");
    const cycles = findCycles(await importGraph([dir]), dir);
    expect(cycles.sort()).toEqual([
      ['auth/index.ts', 'context.ts', 'hub.ts', 'auth/index.ts'],
      ['late.ts', 'lazy.ts', 'late.ts'],
    ]);
  });

  it('reads the imports of a JSX file the lexer cannot parse the same way', () => {
    const ts =
      "import { a } from './a';\nimport type { B } from './b';\nexport { c } from './c';\nimport './d.css';\nconst x = import('./lazy');\n";
    const jsx = `${ts}export function App() {\n  return <div className="x">{a}</div>;\n}\n`;
    expect(staticSpecifiers(ts)).toEqual(['./a', './b', './c', './d.css', './lazy']);
    expect(staticSpecifiers(jsx)).toEqual(['./a', './b', './c', './d.css', './lazy']);
  });
});
