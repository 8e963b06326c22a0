#!/usr/bin/env node
// Type-checks every package with its own tsconfig (web needs DOM types, server needs Node's).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const projects = [
  'packages/ev-core',
  'packages/contract',
  'packages/server',
  'packages/web',
  'e2e',
  'bench',
  '.',
];
let failed = 0;
for (const dir of projects) {
  const config = dir === '.' ? 'tsconfig.json' : `${dir}/tsconfig.json`;
  if (!existsSync(config)) continue;
  const run = spawnSync('npx', ['tsc', '-p', config], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`typecheck failed: ${config}`);
  }
}
process.exit(failed ? 1 : 0);
