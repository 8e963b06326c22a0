// Export benchmark: a 100,000-row CSV (and JSON) export of closed hits streamed over real HTTP
// from the embedded PGlite. Goal (issue 4): the server's RSS grows by under 100 MB while it
// streams. The baseline, measured in the same run, is the naive way: the same rows read into
// memory at once and serialized (what the export must avoid).
// Run: npx tsx bench/export.bench.ts   (or: npm run bench -- export)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';
import { evHits } from '../packages/server/src/infra/db/schema';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const GOAL_MB = 100;
const MB = 1024 * 1024;

function gc() {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Peak RSS above `base` while `run` executes, sampled every 10 ms. */
async function peakGrowth(
  run: () => Promise<unknown>,
): Promise<{ peakMb: number; ms: number; result: unknown }> {
  gc();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const t0 = performance.now();
  const result = await run();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { peakMb: (peak - base) / MB, ms, result };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'evision-bench-export-'));
  const config = loadConfig(
    {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      SCANNER: 'false',
      RATE_LIMIT_DEFAULT: '100000',
    },
    { dotenvDir: false, persistSecret: false },
  );
  const app = await buildApp(config);
  try {
    // 100,000 closed hits with realistic field sizes, generated inside the database.
    await app.ctx.db.execute(sql`
      insert into ev_hits (id, event_id, sport, home_team, away_team, commence_time, market, outcome,
        point, book, price, fair_odds, fair_probability, ev, kelly, suspect, source, status,
        first_seen_at, last_seen_at, closed_at, best_ev, closing_fair_odds, clv)
      select md5(i::text) || '|spreads|Los Angeles Lakers|-3.5|draftkings', md5(i::text), 'basketball_nba',
        'Los Angeles Lakers', 'Boston Celtics', now() - interval '1 day', 'spreads', 'Los Angeles Lakers',
        -3.5, 'draftkings', 2.05, 1.95, 0.5128, 0.0513, 0.0487, false, 'engine', 'closed',
        now() - interval '2 days', now() - interval '1 day', now() - (i || ' seconds')::interval, 0.06, 1.97, 0.0406
      from generate_series(1, ${ROWS}) as i`);
    const [{ n }] = (await app.ctx.db.select({ n: sql<number>`count(*)::int` }).from(evHits)) as {
      n: number;
    }[];
    await app.ctx.users.create({
      username: 'bench',
      email: 'bench@example.com',
      password: 'Export-Strong-pass-1',
    });
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'bench', password: 'Export-Strong-pass-1' },
    });
    const token = login.json().access_token as string;
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    console.log(`rows in ev_hits: ${n}`);

    const stream = async (format: 'csv' | 'json') => {
      const res = await fetch(`${address}/api/ev/export?format=${format}&status=closed`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
      let bytes = 0;
      let newlines = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) newlines++;
      }
      return { bytes, newlines };
    };

    const csv = await peakGrowth(() => stream('csv'));
    const json = await peakGrowth(() => stream('json'));
    const naive = await peakGrowth(async () => {
      const rows = await app.ctx.db.select().from(evHits);
      return JSON.stringify(rows).length;
    });

    const c = csv.result as { bytes: number; newlines: number };
    const j = json.result as { bytes: number };
    const verdict = (mb: number) => (mb < GOAL_MB ? 'PASS' : 'MISS');
    console.log(`\nexport of ${ROWS.toLocaleString()} closed hits (goal: RSS growth < ${GOAL_MB} MB)`);
    console.log(
      `  baseline, naive (all rows in memory + JSON.stringify): +${naive.peakMb.toFixed(1)} MB, ${naive.ms.toFixed(0)} ms`,
    );
    console.log(
      `  streamed CSV : +${csv.peakMb.toFixed(1)} MB peak RSS, ${(c.bytes / MB).toFixed(1)} MB sent, ${c.newlines - 1} data rows, ${csv.ms.toFixed(0)} ms  ${verdict(csv.peakMb)}`,
    );
    console.log(
      `  streamed JSON: +${json.peakMb.toFixed(1)} MB peak RSS, ${(j.bytes / MB).toFixed(1)} MB sent, ${json.ms.toFixed(0)} ms  ${verdict(json.peakMb)}`,
    );
    console.log(`  ratio streamed CSV / naive: ${(csv.peakMb / Math.max(naive.peakMb, 0.1)).toFixed(2)}`);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
