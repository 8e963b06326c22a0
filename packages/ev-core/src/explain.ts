/**
 * Hit objects and their `explain`. Both findHits and the engine build hits here so the two give
 * identical objects. `explain` is an own, enumerable getter that builds the object on first
 * access and caches it: it serializes with JSON.stringify, is copied by object spread, and
 * compares with deep equality — but the ~9,000 hits of a full scan do not each pay for a deep
 * object nobody may read. Its inputs are captured by value (immutable), so a later odds update
 * never changes an already returned hit.
 */
import type { ConsensusResult } from './consensus.js';
import { DEFAULT_WORST_CASE_METHODS } from './devig.js';
import { kellyRaw } from './kelly.js';
import type { NormalizedOptions } from './options.js';
import type { GuardExplain, Hit, HitExplain } from './types.js';

/** What is shared by all hits of one event. */
export interface EventMeta {
  id: string;
  sport_key: string;
  sport_title: string;
  home_team: string;
  away_team: string;
  commence_time: string;
}

/** What every hit on one fair line shares (built lazily by the engine). */
export interface LineContext {
  names: string[];
  points: (number | null)[];
  result: ConsensusResult;
}

/** Gives the context of line `l` of an event (a class, not a closure: hits are made in hot loops). */
export interface LineSource {
  context(l: number, opts: NormalizedOptions, nowMs: number): LineContext;
}

export interface HitInputs {
  outcomeIndex: number;
  price: number;
  rate: number;
  effective: number;
  softAgeSeconds: number;
  p: number;
  ev: number;
  kelly: number;
}

export function buildExplain(
  line: LineContext,
  h: HitInputs,
  meta: EventMeta,
  opts: NormalizedOptions,
  nowMs: number,
): HitExplain {
  const { result } = line;
  const i = h.outcomeIndex;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const b of result.books) {
    const v = b.probabilities[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const guards: GuardExplain[] = [
    { name: 'not_started', commence_time: meta.commence_time },
    { name: 'complete_market', outcomes: line.names.length },
    {
      name: 'min_sharp_books',
      min: opts.minSharpBooks,
      used: result.books.length,
      dropped: result.dropped.map((d) => ({ book: d.book, reason: d.reason })),
    },
    { name: 'sharp_fresh', max_age_seconds: opts.sharpMaxAgeSeconds ?? null },
    {
      name: 'soft_fresh',
      max_age_seconds: opts.softMaxAgeSeconds ?? null,
      age_seconds: Number.isNaN(h.softAgeSeconds) ? null : h.softAgeSeconds,
    },
    { name: 'commission', rate: h.rate },
    {
      name: 'odds_range',
      min_odds: opts.minOdds,
      max_odds: Number.isFinite(opts.maxOdds) ? opts.maxOdds : null,
    },
    { name: 'min_ev', min_ev: opts.minEv, suspect_ev: opts.suspectEv ?? null },
  ];
  return {
    method: opts.method,
    methods: opts.method === 'worst_case' ? (opts.methods ?? DEFAULT_WORST_CASE_METHODS).slice() : null,
    pooling: result.books.length === 1 ? 'single' : 'logit_mean',
    sharp_quotes: result.books.map((b) => ({
      book: b.book,
      prices: b.decimalOdds.slice(),
      age_seconds: b.ageSeconds,
      weight: b.weight,
      probabilities: b.probabilities.slice(),
      margin: b.margin,
      params: structuredParams(b.params),
    })),
    line: line.names.map((name, k) => ({ name, point: line.points[k] })),
    outcome_index: i,
    fair_probabilities: result.probabilities.slice(),
    fair_probability: h.p,
    fair_odds: 1 / h.p,
    margins: result.books.map((b) => b.margin),
    market_width: hi - lo,
    price: h.price,
    commission_rate: h.rate,
    effective_price: h.effective,
    effective_price_formula:
      h.rate === 0 ? `${h.price}` : `1 + (${h.price} − 1) × (1 − ${h.rate}) = ${h.effective}`,
    soft_age_seconds: Number.isNaN(h.softAgeSeconds) ? null : h.softAgeSeconds,
    ev: h.ev,
    ev_formula: `${h.p} × ${h.effective} − 1 = ${h.ev}`,
    kelly: h.kelly,
    kelly_formula: `max(0, (${h.p} × ${h.effective} − 1) / (${h.effective} − 1)) = ${h.kelly}`,
    guards,
    now: new Date(nowMs).toISOString(),
  };
}

function structuredParams(p: HitExplain['sharp_quotes'][number]['params']) {
  const out: typeof p = { ...p };
  if (p.methods) out.methods = p.methods.slice();
  if (p.lowest) out.lowest = p.lowest.slice();
  return out;
}

/**
 * A hit whose `explain` is an own, enumerable accessor (installed with one shared descriptor so
 * every hit keeps the same hidden class) reading private state: JSON.stringify, spread and deep
 * equality all see `explain`; nothing is built until someone reads it. Creating hits this way is
 * several times cheaper than an object literal with a closure getter.
 */
class LazyHit {
  id: string;
  event_id: string;
  sport: string;
  sport_title: string;
  home_team: string;
  away_team: string;
  commence_time: string;
  market: string;
  outcome: string;
  point: number | null;
  book: string;
  price: number;
  fair_probability: number;
  fair_odds: number;
  ev: number;
  kelly: number;
  suspect: boolean;
  declare explain: HitExplain;
  #src: LineSource;
  #l: number;
  #i: number;
  #rate: number;
  #eff: number;
  #age: number;
  #opts: NormalizedOptions;
  #now: number;
  #explain: HitExplain | undefined;

  constructor(
    meta: EventMeta,
    market: string,
    outcome: string,
    point: number | null,
    book: string,
    outcomeIndex: number,
    price: number,
    rate: number,
    effective: number,
    softAgeSeconds: number,
    p: number,
    ev: number,
    suspect: boolean,
    src: LineSource,
    l: number,
    opts: NormalizedOptions,
    nowMs: number,
  ) {
    this.id = `${meta.id}|${market}|${outcome}|${point === null ? '' : String(point)}|${book}`;
    this.event_id = meta.id;
    this.sport = meta.sport_key;
    this.sport_title = meta.sport_title;
    this.home_team = meta.home_team;
    this.away_team = meta.away_team;
    this.commence_time = meta.commence_time;
    this.market = market;
    this.outcome = outcome;
    this.point = point;
    this.book = book;
    this.price = price;
    this.fair_probability = p;
    this.fair_odds = 1 / p;
    this.ev = ev;
    this.kelly = kellyRaw(p, effective);
    this.suspect = suspect;
    Object.defineProperty(this, 'explain', EXPLAIN_DESCRIPTOR);
    this.#src = src;
    this.#l = l;
    this.#i = outcomeIndex;
    this.#rate = rate;
    this.#eff = effective;
    this.#age = softAgeSeconds;
    this.#opts = opts;
    this.#now = nowMs;
    this.#explain = undefined;
  }

  static explainOf(hit: LazyHit): HitExplain {
    if (hit.#explain === undefined) {
      // Everything is read back from the hit itself (captured by value at creation).
      const meta: EventMeta = {
        id: hit.event_id,
        sport_key: hit.sport,
        sport_title: hit.sport_title,
        home_team: hit.home_team,
        away_team: hit.away_team,
        commence_time: hit.commence_time,
      };
      const h: HitInputs = {
        outcomeIndex: hit.#i,
        price: hit.price,
        rate: hit.#rate,
        effective: hit.#eff,
        softAgeSeconds: hit.#age,
        p: hit.fair_probability,
        ev: hit.ev,
        kelly: hit.kelly,
      };
      hit.#explain = buildExplain(
        hit.#src.context(hit.#l, hit.#opts, hit.#now),
        h,
        meta,
        hit.#opts,
        hit.#now,
      );
    }
    return hit.#explain;
  }
}

const EXPLAIN_DESCRIPTOR: PropertyDescriptor = {
  get(this: LazyHit) {
    return LazyHit.explainOf(this);
  },
  enumerable: true,
  configurable: true,
};

/**
 * Creates a hit. The line context comes from `src` on first read of `explain`, so the engine
 * can defer rebuilding the consensus detail until someone asks. Full Kelly is computed here
 * at the effective price.
 */
export function makeHit(
  meta: EventMeta,
  market: string,
  outcome: string,
  point: number | null,
  book: string,
  outcomeIndex: number,
  price: number,
  rate: number,
  effective: number,
  softAgeSeconds: number,
  p: number,
  ev: number,
  suspect: boolean,
  src: LineSource,
  l: number,
  opts: NormalizedOptions,
  nowMs: number,
): Hit {
  return new LazyHit(
    meta,
    market,
    outcome,
    point,
    book,
    outcomeIndex,
    price,
    rate,
    effective,
    softAgeSeconds,
    p,
    ev,
    suspect,
    src,
    l,
    opts,
    nowMs,
  );
}
