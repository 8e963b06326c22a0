/**
 * Shared types. Data that travels (events, hits, explain) is snake_case like The Odds API v4;
 * function options are camelCase (ARCHITECTURE.md §6).
 */

export type OddsFormat = 'decimal' | 'american' | 'fractional' | 'implied';

export type DevigMethod =
  | 'multiplicative'
  | 'additive'
  | 'power'
  | 'shin'
  | 'odds_ratio'
  | 'probit'
  | 'worst_case';

/** Solved parameters of a devig. Which key is set depends on the method. */
export interface DevigParams {
  /** Shin insider share z (shin). */
  z?: number;
  /** Exponent k (power). */
  k?: number;
  /** Odds ratio c (odds_ratio) or normal-quantile shift c (probit). */
  c?: number;
  /** worst_case: the methods actually combined (a method that could not price the market is left out). */
  methods?: DevigMethod[];
  /** worst_case: per outcome, the method that gave the lowest probability. */
  lowest?: DevigMethod[];
  /** worst_case: share t ∈ [0,1] of each outcome's [min, max] envelope added to its minimum. */
  blend?: number;
}

export interface DevigResult {
  probabilities: number[];
  fairOdds: number[];
  /** Σ 1/o − 1 of the input (negative for an arbitrage-style market). */
  margin: number;
  method: DevigMethod;
  params: DevigParams;
}

export interface DevigOptions {
  /** worst_case only: the methods whose minimum is taken. */
  methods?: DevigMethod[];
}

/** The Odds API v4 outcome (decimal price). */
export interface Outcome {
  name: string;
  price: number;
  point?: number | null;
  description?: string;
}

export interface Market {
  key: string;
  last_update?: string;
  outcomes: Outcome[];
}

export interface Bookmaker {
  key: string;
  title: string;
  last_update: string;
  markets: Market[];
}

export interface OddsEvent {
  id: string;
  sport_key: string;
  sport_title: string;
  commence_time: string;
  home_team: string;
  away_team: string;
  bookmakers: Bookmaker[];
}

export interface FindHitsOptions {
  /** Bookmaker keys whose prices define the fair line (never reported as hits themselves). */
  sharpBooks: string[];
  /** Fewer fresh, complete sharp quotes on a line → no fair line → no hits. Default 1. */
  minSharpBooks?: number;
  /** A sharp market older than this (seconds) at `now` is not used. */
  sharpMaxAgeSeconds?: number;
  /** A soft market older than this (seconds) at `now` is not priced. */
  softMaxAgeSeconds?: number;
  method: DevigMethod;
  /** For method 'worst_case': the methods combined. */
  methods?: DevigMethod[];
  /** Minimum EV (a fraction, 0.02 = 2 %) for a price to be a hit. */
  minEv: number;
  /** A hit with ev > suspectEv is flagged `suspect`. */
  suspectEv?: number;
  /** Quoted decimal price bounds (inclusive). */
  minOdds?: number;
  maxOdds?: number;
  /** Only report hits at these books (sharp books are used for the fair line regardless). */
  books?: string[];
  /** Only consider these market keys. */
  markets?: string[];
  /** Exchange commission per book key, a fraction of net winnings (0.02 = 2 %). */
  commission?: Record<string, number>;
  now: Date | number;
}

/** One sharp quote that went into a fair line, as shown in `explain`. */
export interface SharpQuoteExplain {
  book: string;
  prices: number[];
  age_seconds: number | null;
  weight: number;
  probabilities: number[];
  margin: number;
  params: DevigParams;
}

export interface GuardExplain {
  name:
    | 'complete_market'
    | 'min_sharp_books'
    | 'sharp_fresh'
    | 'soft_fresh'
    | 'commission'
    | 'min_ev'
    | 'odds_range'
    | 'not_started';
  [param: string]: unknown;
}

export interface HitExplain {
  method: DevigMethod;
  methods: DevigMethod[] | null;
  /** How several sharp books were combined: 'single' (one book, used as-is) or 'logit_mean'. */
  pooling: 'single' | 'logit_mean';
  sharp_quotes: SharpQuoteExplain[];
  /** The line's outcomes in the order of `fair_probabilities`. */
  line: { name: string; point: number | null }[];
  outcome_index: number;
  fair_probabilities: number[];
  fair_probability: number;
  fair_odds: number;
  /** Each sharp quote's margin Σ1/o − 1. */
  margins: number[];
  /** max − min of the sharp books' fair probability for this outcome (0 with one book). */
  market_width: number;
  price: number;
  commission_rate: number;
  effective_price: number;
  effective_price_formula: string;
  soft_age_seconds: number | null;
  ev: number;
  ev_formula: string;
  kelly: number;
  kelly_formula: string;
  guards: GuardExplain[];
  now: string;
}

export interface Hit {
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
  /** The quoted decimal price (before commission). */
  price: number;
  fair_probability: number;
  fair_odds: number;
  /** p × effective_price − 1, a fraction. */
  ev: number;
  /** Full-Kelly share of bankroll at the effective price. */
  kelly: number;
  suspect: boolean;
  /**
   * How the hit was derived. On hits returned by findHits / the engine this is a lazy getter on
   * the prototype (built on first read, then cached), not an own property: `hit.explain` and
   * `JSON.stringify(hit)` (via `toJSON`) include it, but `{ ...hit }`, `Object.assign`,
   * `Object.keys` and `structuredClone` do not — copy it explicitly (`{ ...hit, explain:
   * hit.explain }`) or use `toPlainHit(hit)`.
   */
  explain: HitExplain;
}

export interface ArbitrageLeg {
  outcome: string;
  point: number | null;
  book: string;
  price: number;
  /** The price net of the book's exchange commission (= price when it has none). */
  net_price: number;
  stake: number;
}

export interface ArbitrageOpportunity {
  event_id: string;
  market: string;
  /** The line's point: the home side's point for spreads, the total for totals, null for h2h. */
  point: number | null;
  legs: ArbitrageLeg[];
  /** 1 − Σ 1/best net price. */
  margin: number;
  /** Guaranteed profit for `totalStake` staked by `dutch`. */
  profit: number;
}

export interface Engine {
  setOptions(options: Omit<FindHitsOptions, 'now'>): void;
  upsert(events: OddsEvent[]): string[];
  replaceAll(events: OddsEvent[]): void;
  remove(eventIds: string[]): void;
  updateBook(eventId: string, bookmaker: Bookmaker): void;
  priceAll(now: Date | number): Hit[];
  priceEvent(eventId: string, now: Date | number): Hit[];
  events(): OddsEvent[];
  event(id: string): OddsEvent | undefined;
  size(): number;
}
