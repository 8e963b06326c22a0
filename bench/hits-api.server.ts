// The server half of bench/hits-api.bench.ts (not a benchmark itself): a real EVision app with
// 1,000 active hits, a bare `{"ok":true}` route beside it, rate limits raised for this run only.
// Prints one JSON line {port, token} once it listens.
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
    LOG_LEVEL: 'silent',
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
app.get('/bench/ok', async () => ({ ok: true }));
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
const sports = ['basketball_nba', 'americanfootball_nfl', 'icehockey_nhl', 'baseball_mlb', 'soccer_epl'];
const hits = Array.from({ length: N_HITS }, (_, i) => {
  const price = 1.6 + (i % 25) * 0.05;
  const ev = 0.01 + (i % 15) / 100;
  const e = Math.floor(i / 10);
  return {
    event_id: `bench${e.toString().padStart(4, '0')}`,
    sport: sports[e % sports.length],
    home_team: `Home Team ${e}`,
    away_team: `Away Team ${e}`,
    commence_time: new Date(now + (e + 1) * 600_000).toISOString(),
    market: 'h2h',
    outcome: `Home Team ${e}`,
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
console.log(JSON.stringify({ port, token: pair.access_token, hits: app.ctx.hits.book.size }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
