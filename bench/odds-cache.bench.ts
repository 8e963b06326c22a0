// Odds cache benchmark: `GET /api/odds` reads for the configured sports at 50 req/s for 60 s
// (a realistic small set of parameter combinations per sport), with the snapshots refreshed by
// the demo provider every SCAN_INTERVAL as the scanner would. Prints the cache's own stats hit
// rate (goal > 95 %) next to the baseline: what every read would cost without the cache (a MISS
// builds and serializes the view from the snapshot) against a HIT.
// Run: npx tsx bench/odds-cache.bench.ts [--seconds 60] [--rate 50] [--events 12] [--redis redis://…]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';
import { openDatabase } from '../packages/server/src/infra/db/client';
import { migrate } from '../packages/server/src/infra/db/migrate';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SECONDS = flag('seconds', 60);
const RATE = flag('rate', 50);
const EVENTS = flag('events', 12);
const redisArg = process.argv.indexOf('--redis');
const REDIS_URL = redisArg >= 0 ? process.argv[redisArg + 1] : undefined;

const dataDir = mkdtempSync(join(tmpdir(), 'evision-bench-'));
const config = loadConfig(
  {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SCANNER: 'false',
    RATE_LIMIT_DEFAULT: '1000000',
    DEMO_EVENTS_PER_SPORT: String(EVENTS),
    ...(REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: `evision-bench:${process.pid}:` } : {}),
  },
  { dotenvDir: false, persistSecret: false },
);
const database = await openDatabase({ dataDir: 'memory://' });
await migrate(database);
const app = await buildApp(config, { database, ...(REDIS_URL ? {} : { redis: null }) });
await app.ready();
const { ctx } = app;

const user = await ctx.users.create({
  username: 'bench',
  email: 'bench@example.com',
  password: 'Odds-cache-load-7319!',
  role: 'user',
});
const row = await ctx.users.repo.byId(user.id);
const { access_token } = await ctx.auth.issuePair(row!);
const headers = { authorization: `Bearer ${access_token}` };

const sports = ctx.odds.trackedSports();
const scan = async () => {
  for (const s of sports) await ctx.odds.fetchSport(s);
};
await scan();
const scanner = setInterval(() => void scan(), config.engine.scan_interval * 1000);

// What clients ask: the full board, one market, one region, their two books, American odds.
const variants = [
  '',
  '&markets=h2h',
  '&regions=us',
  '&bookmakers=draftkings,fanduel',
  '&odds_format=american',
];
const urls = sports.flatMap((s) => variants.map((v) => `/api/odds?sport=${s}${v}`));

const lat: Record<'HIT' | 'MISS', number[]> = { HIT: [], MISS: [] };
let bytes = 0;
let errors = 0;
ctx.cache.resetCounters();
const started = performance.now();
const total = Math.round(SECONDS * RATE);
let sent = 0;
const inflight = new Set<Promise<void>>();
// Open loop: requests go out on schedule whether or not earlier ones finished.
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    while (sent < due) {
      // Zipf-ish: popular views are asked more often, as real traffic does.
      const i = Math.floor(urls.length * Math.random() ** 2);
      sent++;
      const t0 = performance.now();
      const p = app.inject({ method: 'GET', url: urls[i], headers }).then((res) => {
        if (res.statusCode !== 200) errors++;
        bytes += res.body.length;
        lat[(res.headers['x-cache'] as 'HIT' | 'MISS') ?? 'MISS'].push(performance.now() - t0);
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    if (sent >= total) {
      clearInterval(timer);
      resolve();
    }
  }, 5);
});
await Promise.all(inflight);
const elapsed = (performance.now() - started) / 1000;
clearInterval(scanner);

const stats = await ctx.cache.stats();
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN;
};
const events = sports.reduce((n, s) => n + ctx.odds.snapshot(s).events.length, 0);
console.log(
  `odds cache: ${sent} reads over ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(1)} req/s), ${urls.length} views of ${sports.length} sports, ${events} events, ${errors} errors`,
);
console.log(
  `  cache stats: backend=${stats.backend} hits=${stats.hits} misses=${stats.misses} keys=${stats.keys} hit_rate=${(stats.hit_rate * 100).toFixed(2)} % (goal > 95 %)`,
);
console.log(
  `  baseline (no cache, every read a MISS): p50 ${q(lat.MISS, 0.5).toFixed(2)} ms, p99 ${q(lat.MISS, 0.99).toFixed(2)} ms`,
);
console.log(
  `  with cache (HIT):                        p50 ${q(lat.HIT, 0.5).toFixed(2)} ms, p99 ${q(lat.HIT, 0.99).toFixed(2)} ms`,
);
console.log(`  mean body ${(bytes / Math.max(1, sent) / 1024).toFixed(1)} KB`);

await ctx.cache.clearPattern('*');
await app.close();
await database.close();
rmSync(dataDir, { recursive: true, force: true });
if (stats.hit_rate <= 0.95) process.exitCode = 1;
