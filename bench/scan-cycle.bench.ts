// Scan-cycle benchmark: the demo provider at 2,000 events (5 sports × 400), steady state, with
// persistence (hits, line history, events) to the embedded PGlite on disk — the default
// single-machine deployment. Prints the median cycle next to a baseline measured in the same
// run: the ev-core engine alone pricing the same snapshot (priceAll), i.e. the part of a cycle
// no implementation can skip. Every write of a cycle is awaited inside it (the cycle's
// duration includes persistence), and a breakdown per phase is printed.
// Goal (issue 4): median cycle < 500 ms.
// Run: npx tsx bench/scan-cycle.bench.ts   (or: npm run bench -- scan-cycle)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';

const WARMUP = Number(process.env.BENCH_WARMUP ?? 6);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 20);
const TICK_MS = 5_000;
const GOAL_MS = 500;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/**
 * Wraps `obj[name]` to add its time to `phases[label]`: until its promise settles, or (`sync`)
 * until it returns — for async functions that do all their work before their first await and
 * run concurrently (the 5 sports' fetches), whose wall times would overlap.
 */
function timed(phases: Map<string, number>, label: string, obj: object, name: string, sync = false) {
  const o = obj as Record<string, (...args: unknown[]) => unknown>;
  const fn = o[name].bind(obj);
  o[name] = (...args: unknown[]) => {
    const t0 = performance.now();
    const add = () => phases.set(label, (phases.get(label) ?? 0) + performance.now() - t0);
    const out = fn(...args);
    if (out instanceof Promise && !sync) return out.finally(add);
    add();
    return out;
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'evision-bench-scan-'));
  let now = Date.parse('2030-01-01T12:00:00Z');
  const config = loadConfig(
    {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      SCANNER: 'false',
      ODDS_PROVIDER: 'demo',
      DEMO_EVENTS_PER_SPORT: '400',
    },
    { dotenvDir: false, persistSecret: false },
  );
  const app = await buildApp(config, { now: () => now });
  await app.ready();
  const { scanner, hits, db } = app.ctx;
  const rows = async (table: string) =>
    Number(
      ((await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as { rows: { n: number }[] })
        .rows[0].n,
    );
  const phases = new Map<string, number>();
  timed(phases, 'demo provider fetchOdds (5 sports)', app.ctx.odds.provider, 'fetchOdds', true);
  timed(phases, 'engine.upsert', scanner.engine, 'upsert');
  timed(phases, 'engine.priceAll', scanner.engine, 'priceAll');
  timed(phases, 'hit diff (HitBook)', hits.book, 'applyEngine');
  timed(phases, 'store events', hits.repo, 'upsertEvents');
  timed(phases, 'store line history', hits.repo, 'insertLineHistory');
  timed(phases, 'store hits (changed rows)', hits.repo, 'upsertHits');
  timed(phases, 'store hits last_seen_at (due rows)', hits.repo, 'touchLastSeen');
  try {
    const first = await scanner.runOnce();
    console.log(
      `first cycle (cold, every line stored): ${first.duration_ms.toFixed(0)} ms, ${first.events} events, ${first.hits_active} hits, ${await rows('line_history')} line_history rows`,
    );
    for (let i = 0; i < WARMUP; i++) {
      now += TICK_MS;
      await scanner.runOnce();
    }
    phases.clear();
    const cycle: number[] = [];
    const engine: number[] = [];
    let active = 0;
    let changes = 0;
    const historyBefore = await rows('line_history');
    for (let i = 0; i < CYCLES; i++) {
      now += TICK_MS;
      const s = await scanner.runOnce();
      cycle.push(s.duration_ms);
      active += s.hits_active;
      changes += s.new + s.updated + s.closed + s.reopened;
      const t0 = performance.now();
      scanner.engine.priceAll(now);
      engine.push(performance.now() - t0);
    }
    // The baseline's own priceAll calls are not part of the cycles.
    phases.set('engine.priceAll', (phases.get('engine.priceAll') ?? 0) - engine.reduce((a, b) => a + b, 0));
    const historyRows = (await rows('line_history')) - historyBefore;
    const m = median(cycle);
    const b = median(engine);
    const [l1, l5] = loadavg();
    console.log(
      `events: ${scanner.engine.size()}, mean active hits: ${(active / CYCLES).toFixed(0)}, mean hit changes/cycle: ${(changes / CYCLES).toFixed(0)}, line_history rows/cycle: ${(historyRows / CYCLES).toFixed(0)}`,
    );
    console.log(`mean per cycle by phase (${CYCLES} cycles):`);
    for (const [label, total] of phases)
      console.log(`  ${label.padEnd(36)} ${(total / CYCLES).toFixed(1)} ms`);
    console.log(`baseline  engine.priceAll alone     median ${b.toFixed(1)} ms`);
    console.log(
      `scan cycle (fetch→price→diff→store→publish, writes awaited) median ${m.toFixed(1)} ms, p90 ${pct(cycle, 0.9).toFixed(1)} ms, max ${Math.max(...cycle).toFixed(1)} ms`,
    );
    console.log(
      `ratio cycle/engine: ${(m / b).toFixed(1)}×   load average ${l1.toFixed(2)} / ${l5.toFixed(2)} (1/5 min)   goal: median < ${GOAL_MS} ms → ${m < GOAL_MS ? 'PASS' : 'MISS'}`,
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
