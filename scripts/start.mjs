#!/usr/bin/env node
// `npm start`: builds the web app once if it has not been built, then runs the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const webIndex = join(root, 'packages', 'web', 'dist', 'index.html');
if (!existsSync(webIndex) && existsSync(join(root, 'packages', 'web', 'index.html'))) {
  console.log('Building the web app (first start only)…');
  const build = spawnSync('npm', ['run', 'build', '-w', '@evision/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) console.warn('Web build failed; the API still starts.');
}
const server = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'packages', 'server', 'src', 'main.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// The server shuts down gracefully (closing the embedded database) on these signals.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
