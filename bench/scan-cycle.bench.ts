// Scan-cycle benchmark: the demo provider at 2,000 events (5 sports × 400), steady state, with
// persistence (hits, line history, events) to the embedded PGlite on disk — the default
// single-machine deployment. Prints the median cycle next to a baseline measured in the same
// run: the ev-core engine alone pricing the same snapshot (priceAll), i.e. the part of a cycle
// no implementation can skip. Goal (issue 4): median cycle < 500 ms.
// Run: npx tsx bench/scan-cycle.bench.ts   (or: npm run bench -- scan-cycle)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../packages/server/src/app';
import { loadConfig } from '../packages/server/src/config';

const WARMUP = 4;
const CYCLES = 15;
const TICK_MS = 5_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

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
  const { scanner } = app.ctx;
  try {
    const first = await scanner.runOnce();
    console.log(
      `first cycle (cold, every line stored): ${first.duration_ms.toFixed(0)} ms, ${first.events} events, ${first.hits_active} hits`,
    );
    for (let i = 0; i < WARMUP; i++) {
      now += TICK_MS;
      await scanner.runOnce();
    }
    const cycle: number[] = [];
    const engine: number[] = [];
    let hits = 0;
    let changes = 0;
    for (let i = 0; i < CYCLES; i++) {
      now += TICK_MS;
      const s = await scanner.runOnce();
      cycle.push(s.duration_ms);
      hits += s.hits_active;
      changes += s.new + s.updated + s.closed + s.reopened;
      const t0 = performance.now();
      scanner.engine.priceAll(now);
      engine.push(performance.now() - t0);
    }
    const m = median(cycle);
    const b = median(engine);
    console.log(
      `events: ${scanner.engine.size()}, mean active hits: ${(hits / CYCLES).toFixed(0)}, mean hit changes/cycle: ${(changes / CYCLES).toFixed(0)}`,
    );
    console.log(`baseline  engine.priceAll alone     median ${b.toFixed(1)} ms`);
    console.log(
      `scan cycle (fetch→price→diff→store→publish) median ${m.toFixed(1)} ms, p90 ${pct(cycle, 0.9).toFixed(1)} ms, max ${Math.max(...cycle).toFixed(1)} ms`,
    );
    console.log(
      `ratio cycle/engine: ${(m / b).toFixed(1)}×   goal: median < 500 ms → ${m < 500 ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
