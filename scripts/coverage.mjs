#!/usr/bin/env node
// `npm run coverage [-- vitest args]`: runs the tests with v8 coverage, then prints one
// summary line per package from coverage/coverage-summary.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const run = spawnSync('npx', ['vitest', 'run', '--coverage', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
const summaryFile = join(root, 'coverage', 'coverage-summary.json');
if (existsSync(summaryFile)) {
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const packages = new Map();
  for (const [file, data] of Object.entries(summary)) {
    if (file === 'total') continue;
    const parts = relative(root, file).split(sep);
    const name = parts[0] === 'packages' ? parts[1] : parts[0];
    const acc = packages.get(name) ?? { lines: [0, 0], branches: [0, 0], functions: [0, 0] };
    for (const k of ['lines', 'branches', 'functions']) {
      acc[k][0] += data[k].covered;
      acc[k][1] += data[k].total;
    }
    packages.set(name, acc);
  }
  const pct = ([c, t]) => (t === 0 ? '   -  ' : `${((100 * c) / t).toFixed(1).padStart(5)}%`);
  console.log('\ncoverage by package   lines   branches  functions');
  for (const [name, acc] of [...packages].sort()) {
    console.log(`${name.padEnd(20)} ${pct(acc.lines)}   ${pct(acc.branches)}   ${pct(acc.functions)}`);
  }
}
process.exit(run.status ?? 1);
