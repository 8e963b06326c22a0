// ev-core benchmark: hit detection over a 10,000-event snapshot (10 books × 3-way h2h = 300,000
// prices, ~3 % of them +EV against the sharp book). Prints medians next to two floors measured
// in the same run, so the ratios survive a slower or faster machine:
//   floor A — the bare math (multiplicative devig of the sharp book + EV of every soft price)
//             over flat Float64Arrays: what any implementation must at least do;
//   floor B — the same bare math walking the nested v4 objects (no matching, no filters).
// Run: npx tsx bench/ev-core.bench.ts   (or: npm run bench -- ev-core)
import {
  type Bookmaker,
  createEngine,
  type FindHitsOptions,
  findHits,
  type OddsEvent,
} from '@evision/ev-core';

const N_EVENTS = 10_000;
const N_BOOKS = 10;
const N_OUT = 3;
const NOW = Date.parse('2025-01-01T12:00:00Z');
const NAMES = ['Home', 'Away', 'Draw'];

// mulberry32: small, seeded, good enough for synthetic odds.
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20250101);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const round2 = (x: number) => Math.max(1.01, Math.round(x * 100) / 100);

function makeBook(key: string, fair: number[], soft: boolean, ageSec: number): Bookmaker {
  const margin = soft ? 0.05 : 0.025;
  return {
    key,
    title: key,
    last_update: new Date(NOW - ageSec * 1000).toISOString(),
    markets: [
      {
        key: 'h2h',
        outcomes: fair.map((p, i) => ({
          name: NAMES[i],
          // Soft books: 5 % margin and noise σ ≈ 2.6 % on the price, so ~3 % of prices beat fair.
          price: round2((1 / (p * (1 + margin))) * (soft ? Math.exp(0.026 * gauss()) : 1)),
        })),
      },
    ],
  };
}

const events: OddsEvent[] = [];
for (let e = 0; e < N_EVENTS; e++) {
  const w = [0.3 + rand(), 0.3 + rand(), 0.25 + 0.3 * rand()];
  const s = w[0] + w[1] + w[2];
  const fair = w.map((x) => x / s);
  const bookmakers: Bookmaker[] = [];
  for (let b = 0; b < N_BOOKS; b++)
    bookmakers.push(makeBook(b === 0 ? 'sharp' : `soft${b}`, fair, b > 0, 5 + 30 * rand()));
  events.push({
    id: `ev${e}`,
    sport_key: 'soccer_epl',
    sport_title: 'EPL',
    commence_time: new Date(NOW + (1 + (e % 48)) * 3600_000).toISOString(),
    home_team: `H${e}`,
    away_team: `A${e}`,
    bookmakers,
  });
}

const options: Omit<FindHitsOptions, 'now'> = {
  sharpBooks: ['sharp'],
  method: 'multiplicative',
  minEv: 0,
  suspectEv: 0.15,
  sharpMaxAgeSeconds: 60,
  softMaxAgeSeconds: 60,
};

// Flat layout for floor A: price[(e·N_BOOKS + b)·N_OUT + i].
const flat = new Float64Array(N_EVENTS * N_BOOKS * N_OUT);
for (let e = 0; e < N_EVENTS; e++) {
  for (let b = 0; b < N_BOOKS; b++) {
    const outs = events[e].bookmakers[b].markets[0].outcomes;
    for (let i = 0; i < N_OUT; i++) flat[(e * N_BOOKS + b) * N_OUT + i] = outs[i].price;
  }
}

function floorA(): number {
  let hits = 0;
  const fair = new Float64Array(N_OUT);
  for (let e = 0; e < N_EVENTS; e++) {
    const base = e * N_BOOKS * N_OUT;
    let S = 0;
    for (let i = 0; i < N_OUT; i++) S += 1 / flat[base + i];
    for (let i = 0; i < N_OUT; i++) fair[i] = 1 / flat[base + i] / S;
    for (let b = 1; b < N_BOOKS; b++) {
      const o = base + b * N_OUT;
      for (let i = 0; i < N_OUT; i++) if (fair[i] * flat[o + i] - 1 >= 0) hits++;
    }
  }
  return hits;
}

function floorB(): number {
  let hits = 0;
  const fair = [0, 0, 0];
  for (const ev of events) {
    const sharp = ev.bookmakers[0].markets[0].outcomes;
    let S = 0;
    for (let i = 0; i < sharp.length; i++) S += 1 / sharp[i].price;
    for (let i = 0; i < sharp.length; i++) fair[i] = 1 / sharp[i].price / S;
    for (let b = 1; b < ev.bookmakers.length; b++) {
      const outs = ev.bookmakers[b].markets[0].outcomes;
      for (let i = 0; i < outs.length; i++) if (fair[i] * outs[i].price - 1 >= 0) hits++;
    }
  }
  return hits;
}

const gc = (globalThis as { gc?: () => void }).gc;
function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/** Median ms of `runs` timed calls after `warm` untimed ones. */
// gc() runs once before each series, not before every run: a forced full GC between runs
// evicts JIT/inline-cache state and inflated every figure (floor B ×10) in trials.
function time(fn: () => unknown, runs: number, warm = 5): number {
  gc?.();
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const engine = createEngine(options);
engine.replaceAll(events);
const hitsFind = findHits(events, { ...options, now: NOW });
const hitsEngine = engine.priceAll(NOW);
const hitsA = floorA();
if (hitsFind.length !== hitsEngine.length) throw new Error('findHits and engine disagree');

const a = time(floorA, 50);
const b = time(floorB, 30);
const f = time(() => findHits(events, { ...options, now: NOW }), 30);
const p = time(() => engine.priceAll(NOW), 50);
// What findHits would cost as a thin use of the engine (docs/decisions/0007): a fresh engine per call.
const cold = time(() => {
  const fresh = createEngine(options);
  fresh.replaceAll(events);
  return fresh.priceAll(NOW);
}, 10);

// One book moves: a fresh copy of a random soft book with one price nudged, then re-price the event.
const UPDATES = 5_000;
const upd: Bookmaker[] = [];
const updIds: string[] = [];
for (let i = 0; i < UPDATES; i++) {
  const ev = events[Math.floor(rand() * N_EVENTS)];
  const bm = ev.bookmakers[1 + Math.floor(rand() * (N_BOOKS - 1))];
  const k = Math.floor(rand() * N_OUT);
  upd.push({
    ...bm,
    last_update: new Date(NOW - 1000).toISOString(),
    markets: [
      {
        key: 'h2h',
        outcomes: bm.markets[0].outcomes.map((o, j) =>
          j === k ? { ...o, price: round2(o.price * 1.02) } : o,
        ),
      },
    ],
  });
  updIds.push(ev.id);
}
for (let i = 0; i < 500; i++) {
  engine.updateBook(updIds[i], upd[i]);
  engine.priceEvent(updIds[i], NOW);
}
const ut: number[] = [];
gc?.();
for (let i = 0; i < UPDATES; i++) {
  const t0 = performance.now();
  engine.updateBook(updIds[i], upd[i]);
  engine.priceEvent(updIds[i], NOW);
  ut.push(performance.now() - t0);
}
const u = median(ut) * 1000;

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const verdict = (v: number, goal: number) => (v < goal ? 'PASS' : 'MISS');
console.log(`snapshot: ${N_EVENTS} events × ${N_BOOKS} books × ${N_OUT}-way h2h = ${flat.length} prices`);
console.log(
  `hits: findHits ${hitsFind.length}, engine.priceAll ${hitsEngine.length}, floor A ${hitsA} (floor counts ev ≥ 0 without freshness)`,
);
console.log(`floor A  bare math, Float64Array          ${fmt(a)}`);
console.log(`floor B  bare math, nested v4 objects     ${fmt(b)}   (${(b / a).toFixed(1)}× A)`);
console.log(
  `engine cold (create + replaceAll + priceAll) ${fmt(cold)}   (${(cold / f).toFixed(1)}× findHits: why findHits is not a thin use of the engine, decisions/0007)`,
);
console.log(
  `findHits (v4 objects, full rules)         ${fmt(f)}   (${(f / a).toFixed(1)}× A, ${(f / b).toFixed(1)}× B)  goal < 20 ms: ${verdict(f, 20)}`,
);
console.log(
  `engine.priceAll (full recompute)          ${fmt(p)}   (${(p / a).toFixed(1)}× A, ${(p / b).toFixed(2)}× B)  goal < 3 ms: ${verdict(p, 3)}`,
);
console.log(
  `engine updateBook + priceEvent (median of ${UPDATES})  ${u.toFixed(2)} µs   goal < 20 µs: ${verdict(u, 20)}`,
);
