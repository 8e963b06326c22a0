/**
 * Hit objects and their `explain`. Both findHits and the engine build hits here so the two give
 * identical objects. `explain` is a getter on the hit class's prototype that builds the object on
 * first access and caches it: `hit.explain` and JSON.stringify (via `toJSON`) give it, but it is
 * not an own property, so object spread and `Object.keys` do not see it — the ~9,000 hits of a
 * full scan do not each pay for a deep object nobody may read. Its inputs are captured by value (immutable), so a later odds update
 * never changes an already returned hit.
 */
import type { ConsensusResult } from './consensus.js';
import { DEFAULT_WORST_CASE_METHODS } from './devig.js';
import { commissionRate, type NormalizedOptions } from './options.js';
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
 * Where a hit's explain comes from: for hit `i` (a number the origin chose when the hit was
 * made), its line's context, its outcome slot and its soft age under the call's `now`. The
 * engine passes its per-cell template (immutable; the age is recomputed from the cell's update
 * time with the same operations that priced it); findHits passes its call's archive, which keeps
 * each hit's line, slot and age in columns (no object per hit).
 */
export interface HitOrigin {
  lineContext(i: number, opts: NormalizedOptions, nowMs: number): LineContext;
  outcomeSlot(i: number): number;
  softAge(i: number, nowMs: number): number;
}

/**
 * A hit: one class, so every hit has the same hidden class. The data fields are own enumerable
 * properties assigned in the constructor in a fixed order; `explain` is a getter on the
 * PROTOTYPE that builds the deep object on first read from the hit's private state and caches it
 * (nothing is built until someone reads it). `toJSON()` returns a plain object with every data
 * field and `explain`, so `JSON.stringify(hit)` includes it.
 *
 * Consequence for consumers: `hit.explain` and `JSON.stringify(hit)` give the explain, but
 * `Object.keys(hit)` does not list it and object spread (`{ ...hit }`), `Object.assign` or
 * `structuredClone` do not copy it — use `hit.explain` (or `toJSON()`) explicitly. (Defining an
 * own accessor per hit cost ~150 ns per hit, a third of creating one.)
 *
 * Hits are the one allocation of a scan that survives it, so they are kept small: strings are
 * shared (never built per hit by the engine, and passed as arguments so the constructor makes no
 * property loads: findHits and the engine pass differently shaped event objects, which made
 * those loads polymorphic); the private state is three fields — the origin (then, once built,
 * the explain itself), the hit's number for it, and the call context (null once the explain is
 * built); the commission rate is looked up again from the book when explain is built.
 */
export class HitRecord implements Hit {
  // `declare`: no class-field definitions (each would first define the field as undefined);
  // the constructor assigns every field, always in this order.
  declare id: string;
  declare event_id: string;
  declare sport: string;
  declare sport_title: string;
  declare home_team: string;
  declare away_team: string;
  declare commence_time: string;
  declare market: string;
  declare outcome: string;
  declare point: number | null;
  declare book: string;
  declare price: number;
  declare fair_probability: number;
  declare fair_odds: number;
  declare ev: number;
  declare kelly: number;
  declare suspect: boolean;
  /** The origin until the explain is built, then the explain. */
  #x: HitOrigin | HitExplain;
  /** The hit's number for its origin. */
  #i: number;
  /** The call context; null once the explain is built. */
  #c: HitContext | null;

  constructor(
    id: string,
    eventId: string,
    sport: string,
    sportTitle: string,
    homeTeam: string,
    awayTeam: string,
    commenceTime: string,
    market: string,
    outcome: string,
    point: number | null,
    book: string,
    origin: HitOrigin,
    i: number,
    c: HitContext,
    price: number,
    effective: number,
    p: number,
    ev: number,
    suspect: boolean,
  ) {
    this.id = id;
    this.event_id = eventId;
    this.sport = sport;
    this.sport_title = sportTitle;
    this.home_team = homeTeam;
    this.away_team = awayTeam;
    this.commence_time = commenceTime;
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
    this.#x = origin;
    this.#i = i;
    this.#c = c;
  }

  /** Built on first read from the hit and its (immutable) origin, then cached. */
  get explain(): HitExplain {
    const c = this.#c;
    if (c !== null) {
      const o = this.#x as HitOrigin;
      const i = this.#i;
      const meta: EventMeta = {
        id: this.event_id,
        sport_key: this.sport,
        sport_title: this.sport_title,
        home_team: this.home_team,
        away_team: this.away_team,
        commence_time: this.commence_time,
      };
      const { opts, nowMs } = c;
      const price = this.price;
      // The book's rate under the call's options: what the hit was priced with.
      const rate = commissionRate(opts, this.book);
      const h: HitInputs = {
        outcomeIndex: o.outcomeSlot(i),
        price,
        rate,
        // ev.effectivePrice: the same operations that produced the hit's EV.
        effective: rate === 0 ? price : 1 + (price - 1) * (1 - rate),
        softAgeSeconds: o.softAge(i, nowMs),
        p: this.fair_probability,
        ev: this.ev,
        kelly: this.kelly,
      };
      const line = o.lineContext(i, opts, nowMs);
      this.#x = buildExplain(line, h, meta, opts, nowMs);
      this.#c = null;
    }
    return this.#x as HitExplain;
  }

  /** The plain hit, `explain` included (last, as in the `Hit` type): what JSON.stringify writes. */
  toJSON(): Hit {
    return toPlainHit(this);
  }
}

/** A plain-object copy of a hit with `explain` materialized (for tests, JSON, spreading). */
export function toPlainHit(h: Hit): Hit {
  return {
    id: h.id,
    event_id: h.event_id,
    sport: h.sport,
    sport_title: h.sport_title,
    home_team: h.home_team,
    away_team: h.away_team,
    commence_time: h.commence_time,
    market: h.market,
    outcome: h.outcome,
    point: h.point,
    book: h.book,
    price: h.price,
    fair_probability: h.fair_probability,
    fair_odds: h.fair_odds,
    ev: h.ev,
    kelly: h.kelly,
    suspect: h.suspect,
    explain: h.explain,
  };
}
