// Hits API benchmark (issue 4): with 1,000 active hits, GET /api/ev/hits?limit=200 (~50 KB)
// under 50 connections for 10 s must reach ≥ 50 % of the req/s of a bare `{"ok":true}` route in
// the same server process, measured in the same run, with p99 < 10 ms.
// The server runs as a child pinned to core 0 (taskset -c 0); Debian's wrk drives the load from
// core 1 (taskset -c 1 wrk -t1 -c50 -d10s --latency). Install: apt-get install -y wrk.
// Run: npx tsx bench/hits-api.bench.ts   (or: npm run bench -- hits-api)
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION = process.env.BENCH_DURATION ?? '10s';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

if (!has('wrk')) {
  console.log('wrk is not installed: apt-get update && apt-get install -y wrk — benchmark skipped');
  process.exit(0);
}
const pin = has('taskset') && availableParallelism() >= 2;
const wrap = (core: number, argv: string[]) => (pin ? ['taskset', '-c', String(core), ...argv] : argv);

const serverArgv = wrap(0, [process.execPath, '--import', 'tsx', join(here, 'hits-api.server.ts')]);
const server = spawn(serverArgv[0], serverArgv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
const info = await new Promise<{ port: number; token: string; hits: number }>((resolve, reject) => {
  const rl = createInterface({ input: server.stdout! });
  rl.once('line', (line) => resolve(JSON.parse(line)));
  server.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});

interface WrkResult {
  rps: number;
  p50: string;
  p99: string;
  p99ms: number;
  errors: string;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function wrk(path: string, auth: boolean): WrkResult {
  const url = `http://127.0.0.1:${info.port}${path}`;
  const args = ['-t1', '-c50', `-d${DURATION}`, '--latency'];
  if (auth) args.push('-H', `Authorization: Bearer ${info.token}`);
  const argv = wrap(1, ['wrk', ...args, url]);
  const out = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1] ?? '?';
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? '?';
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  return { rps, p50, p99, p99ms: toMs(p99), errors };
}

try {
  console.log(`server pid ${server.pid} on 127.0.0.1:${info.port}, ${info.hits} active hits, pinned: ${pin}`);
  // Warm both routes (JIT, the serialized-answer cache), then measure.
  wrk('/bench/ok', false);
  wrk('/api/ev/hits?limit=200', true);
  const base = wrk('/bench/ok', false);
  const hits = wrk('/api/ev/hits?limit=200', true);
  const size = spawnSync(
    'curl',
    [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{size_download}',
      '-H',
      `Authorization: Bearer ${info.token}`,
      `http://127.0.0.1:${info.port}/api/ev/hits?limit=200`,
    ],
    { encoding: 'utf8' },
  ).stdout;
  console.log(
    `baseline  GET /bench/ok                 ${base.rps.toFixed(0)} req/s  p50 ${base.p50}  p99 ${base.p99}  non-2xx ${base.errors}`,
  );
  console.log(
    `hits      GET /api/ev/hits?limit=200    ${hits.rps.toFixed(0)} req/s  p50 ${hits.p50}  p99 ${hits.p99}  non-2xx ${hits.errors}  (${size} bytes)`,
  );
  const ratio = hits.rps / base.rps;
  console.log(
    `ratio ${ratio.toFixed(2)} (goal ≥ 0.50) → ${ratio >= 0.5 ? 'MET' : 'NOT MET'};  p99 ${hits.p99ms.toFixed(2)} ms (goal < 10 ms) → ${hits.p99ms < 10 ? 'MET' : 'NOT MET'}`,
  );
} finally {
  server.kill('SIGTERM');
}
