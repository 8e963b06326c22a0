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

/** What every hit of one findHits / priceAll / priceEvent call shares. */
export interface HitContext {
  readonly opts: NormalizedOptions;
  readonly nowMs: number;
}

/**
 * A hit whose `explain` is an own, enumerable accessor (installed with one shared descriptor so
 * every hit keeps the same hidden class) reading private state: JSON.stringify, spread and deep
 * equality all see `explain`; nothing is built until someone reads it. Creating hits this way is
 * several times cheaper than an object literal with a closure getter.
 *
 * Hits are the one allocation of a scan that survives it, so they are kept small: strings are
 * shared (never built per hit by the engine); the private state is where the line's explain
 * context comes from (source + line), the outcome's slot, the rate, the soft age and the call
 * context (each double field is a heap box of its own).
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
  #c: HitContext;
  #age: number;
  #explain: HitExplain | undefined;

  constructor(
    meta: EventMeta,
    src: LineSource,
    l: number,
    id: string,
    market: string,
    outcome: string,
    point: number | null,
    book: string,
    outcomeIndex: number,
    rate: number,
    c: HitContext,
    price: number,
    effective: number,
    softAgeSeconds: number,
    p: number,
    ev: number,
    suspect: boolean,
  ) {
    this.id = id;
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
    // kelly.kellyRaw inlined (same operations): the hot loops make thousands of hits per scan.
    this.kelly = Math.max((p * effective - 1) / (effective - 1), 0);
    this.suspect = suspect;
    Object.defineProperty(this, 'explain', EXPLAIN_DESCRIPTOR);
    this.#src = src;
    this.#l = l;
    this.#i = outcomeIndex;
    this.#rate = rate;
    this.#c = c;
    this.#age = softAgeSeconds;
    this.#explain = undefined;
  }

  static explainOf(hit: LazyHit): HitExplain {
    if (hit.#explain === undefined) {
      // Everything is read back from the hit itself and its (immutable) line source.
      const meta: EventMeta = {
        id: hit.event_id,
        sport_key: hit.sport,
        sport_title: hit.sport_title,
        home_team: hit.home_team,
        away_team: hit.away_team,
        commence_time: hit.commence_time,
      };
      const { opts, nowMs } = hit.#c;
      const price = hit.price;
      const rate = hit.#rate;
      const h: HitInputs = {
        outcomeIndex: hit.#i,
        price,
        rate,
        // ev.effectivePrice: the same operations that produced the hit's EV.
        effective: rate === 0 ? price : 1 + (price - 1) * (1 - rate),
        softAgeSeconds: hit.#age,
        p: hit.fair_probability,
        ev: hit.ev,
        kelly: hit.kelly,
      };
      hit.#explain = buildExplain(hit.#src.context(hit.#l, opts, nowMs), h, meta, opts, nowMs);
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
 * Creates a hit. The line context comes from `src.context(l, …)` on first read of
 * `explain`, so the consensus detail is built only if someone asks. Full Kelly is computed here
 * at the effective price.
 */
export function makeHit(
  meta: EventMeta,
  src: LineSource,
  l: number,
  id: string,
  market: string,
  outcome: string,
  point: number | null,
  book: string,
  outcomeIndex: number,
  rate: number,
  c: HitContext,
  price: number,
  effective: number,
  softAgeSeconds: number,
  p: number,
  ev: number,
  suspect: boolean,
): Hit {
  return new LazyHit(
    meta,
    src,
    l,
    id,
    market,
    outcome,
    point,
    book,
    outcomeIndex,
    rate,
    c,
    price,
    effective,
    softAgeSeconds,
    p,
    ev,
    suspect,
  );
}
