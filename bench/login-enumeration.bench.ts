// Login enumeration benchmark (issue 11, defect 7): a failed login for a real account and one
// for a name that is no account must cost the same, so timing does not tell them apart. Both
// are measured in the same run, interleaved (one of each per round, order alternating), through
// the real route (app.inject) on the embedded PGlite with the real argon2id hasher. The
// "baseline" is the known account's wrong-password answer; the figure is the unknown name's.
// Run: npx tsx bench/login-enumeration.bench.ts   (or: npm run bench -- login-enumeration)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 150);
const WARMUP = 10;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'evision-bench-login-'));
  const config = loadConfig(
    {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      SCANNER: 'false',
      RATE_LIMIT_DEFAULT: '1000000',
      RATE_LIMIT_LOGIN: '1000000',
      // No lockout during the run: every attempt does the full work of a failure.
      LOCKOUT_THRESHOLD: '1000000',
    },
    { dotenvDir: false, persistSecret: false },
  );
  const app = await buildApp(config);
  try {
    await app.ctx.users.create({
      username: 'enum_probe',
      email: 'bench@example.com',
      password: 'Login-Bench-pass-1',
    });
    const attempt = async (username: string) => {
      const t0 = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: 'not-the-password' },
      });
      const ms = performance.now() - t0;
      if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}: ${res.body}`);
      return { ms, body: res.body };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const order = i % 2 === 0 ? ['k', 'u'] : ['u', 'k'];
      for (const which of order) {
        const r = await attempt(which === 'k' ? 'enum_probe' : `nobody_${i}`);
        if (i >= WARMUP) (which === 'k' ? known : unknown).push(r.ms);
      }
    }
    const a = await attempt('enum_probe');
    const b = await attempt('nobody_final');
    console.log(`rounds: ${ROUNDS} (after ${WARMUP} warm-up), argon2id, PGlite, app.inject`);
    console.log(`same answer body: ${a.body === b.body}`);
    const row = (label: string, xs: number[]) =>
      console.log(
        `${label.padEnd(34)} median ${fmt(quantile(xs, 0.5))}  p90 ${fmt(quantile(xs, 0.9))}  min ${fmt(Math.min(...xs))}`,
      );
    row('known account, wrong password', known);
    row('unknown name', unknown);
    const diff = quantile(unknown, 0.5) - quantile(known, 0.5);
    console.log(
      `median difference (unknown − known): ${diff >= 0 ? '+' : ''}${fmt(diff)}  ratio ${(quantile(unknown, 0.5) / quantile(known, 0.5)).toFixed(3)}`,
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
