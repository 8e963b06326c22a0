// The server half of bench/hits-api.bench.ts (not a benchmark itself): a real EVision app with
// 1,000 active hits, a bare `{"ok":true}` route beside it, rate limits raised for this run only.
// Prints one JSON line {port, token, hits, bytes} once it listens.
// The baseline `GET /api/bench/ok` is registered only here, on the app buildApp returns, under
// /api/ so that it passes every app-wide hook the hits route passes (request id, security
// headers, CORS, compress, metrics, the rate limiter's counting) — only the auth guard and the
// handler differ. No production code path registers it.
// Settings for the run only: SCANNER=false (the hits are ingested once; no scan cycle competes
// for the core), LOG_LEVEL=warn (no per-request log lines; production default stays info),
// RATE_LIMIT_DEFAULT=100000000.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';

const N_HITS = 1_000;
const dataDir = mkdtempSync(join(tmpdir(), 'evision-bench-api-'));
const config = loadConfig(
  {
    ENVIRONMENT: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATA_DIR: dataDir,
    SCANNER: 'false',
    HOST: '127.0.0.1',
    PORT: '0',
    RATE_LIMIT_DEFAULT: '100000000',
    ACCESS_TOKEN_TTL: '3600',
  },
  { dotenvDir: false, persistSecret: false },
);
const app = await buildApp(config);
app.get('/api/bench/ok', async () => ({ ok: true }));
await app.ready();

const now = Date.now();
const books = [
  'draftkings',
  'fanduel',
  'betmgm',
  'bovada',
  'betrivers',
  'williamhill_us',
  'unibet_eu',
  'pointsbetus',
  'betonlineag',
  'mybookieag',
];
// Realistic shapes: v4 event ids (32 hex), real team names, the three markets with their
// outcomes and points. 100 events × 10 books = 1,000 hits.
const teams: Record<string, string[]> = {
  basketball_nba: [
    'Los Angeles Lakers',
    'Golden State Warriors',
    'Boston Celtics',
    'Milwaukee Bucks',
    'Denver Nuggets',
    'Philadelphia 76ers',
  ],
  americanfootball_nfl: [
    'Kansas City Chiefs',
    'San Francisco 49ers',
    'Philadelphia Eagles',
    'Buffalo Bills',
    'Dallas Cowboys',
    'Baltimore Ravens',
  ],
  icehockey_nhl: [
    'Toronto Maple Leafs',
    'Edmonton Oilers',
    'Florida Panthers',
    'Vegas Golden Knights',
    'New York Rangers',
    'Colorado Avalanche',
  ],
  baseball_mlb: [
    'Los Angeles Dodgers',
    'New York Yankees',
    'Atlanta Braves',
    'Houston Astros',
    'Philadelphia Phillies',
    'Texas Rangers',
  ],
  soccer_epl: [
    'Manchester City',
    'Arsenal',
    'Liverpool',
    'Tottenham Hotspur',
    'Newcastle United',
    'Manchester United',
  ],
};
const sports = Object.keys(teams);
const markets = ['h2h', 'spreads', 'totals'] as const;
const hits = Array.from({ length: N_HITS }, (_, i) => {
  // Book prices have two decimals (2.3, not 1.6 + 14 × 0.05 = 2.3000000000000003); the fair
  // probability and everything derived from it keep full precision, as the engine's do.
  const price = Math.round((1.6 + (i % 25) * 0.05) * 100) / 100;
  const ev = 0.01 + (i % 15) / 100;
  const e = Math.floor(i / 10);
  const sport = sports[e % sports.length];
  const names = teams[sport];
  const home = names[e % names.length];
  const shift = 1 + (Math.floor(e / names.length) % (names.length - 1));
  const away = names[(e + shift) % names.length];
  const market = markets[i % 3];
  const outcome = market === 'totals' ? (i % 2 ? 'Over' : 'Under') : i % 2 ? away : home;
  const point = market === 'h2h' ? null : market === 'totals' ? 200.5 + (e % 20) : i % 2 ? 3.5 : -3.5;
  return {
    event_id: createHash('md5').update(`bench-event-${e}`).digest('hex'),
    sport,
    home_team: home,
    away_team: away,
    commence_time: new Date(now + (e + 1) * 600_000).toISOString(),
    market,
    outcome,
    point,
    book: books[i % 10],
    price,
    fair_probability: (1 + ev) / price,
  };
});
await app.ctx.scanner.ingestHits(hits, 86_400);
const user = await app.ctx.users.create({
  username: 'loadtester',
  email: 'loadtester@example.com',
  password: 'Quiet-harbor-7731-lantern',
  role: 'user',
});
const row = await app.ctx.users.repo.byId(user.id);
const pair = await app.ctx.auth.issuePair(row!);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const probe = await app.inject({
  method: 'GET',
  url: '/api/ev/hits?limit=200',
  headers: { authorization: `Bearer ${pair.access_token}` },
});
if (probe.statusCode !== 200) throw new Error(`hits route answered ${probe.statusCode}: ${probe.body}`);
console.log(
  JSON.stringify({
    port,
    token: pair.access_token,
    hits: app.ctx.hits.book.size,
    bytes: probe.rawPayload.length,
  }),
);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
