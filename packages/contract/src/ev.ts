import { z } from 'zod';
import { CommaList, IsoDateTime, OddsFormat, QueryBool } from './common';
import { EventId, KEY_PATTERN, SafeString } from './primitives';

/** An EV hit on the wire (ARCHITECTURE §6). */
export const EvHit = z.object({
  id: z.string().describe('event_id|market|outcome|point|book (URL-encode it in paths)'),
  event_id: z.string(),
  event: z.string().describe('"Away @ Home"'),
  home_team: z.string(),
  away_team: z.string(),
  sport: z.string().describe('sport key, e.g. basketball_nba'),
  commence_time: IsoDateTime,
  market: z.string(),
  outcome: z.string(),
  point: z.number().nullable(),
  book: z.string(),
  price: z.number().describe('decimal odds offered by the book'),
  fair_odds: z.number().describe('decimal odds of the fair (devigged) probability'),
  fair_probability: z.number(),
  ev: z.number().describe('expected value per unit staked, a fraction'),
  ev_percent: z.number(),
  kelly: z.number().describe('full-Kelly share of bankroll'),
  suspect: z.boolean(),
  source: z.enum(['engine', 'bot']),
  status: z.enum(['active', 'closed']),
  first_seen_at: IsoDateTime,
  last_seen_at: IsoDateTime,
  closed_at: IsoDateTime.nullable(),
  best_ev: z.number(),
  closing_fair_odds: z.number().nullable(),
  clv: z.number().nullable().describe('price / closing_fair_odds − 1, once the event started'),
  price_display: z.union([z.number(), z.string()]).optional(),
  fair_odds_display: z.union([z.number(), z.string()]).optional(),
});
export type EvHit = z.infer<typeof EvHit>;

export const EvHitDetail = EvHit.extend({ explain: z.unknown() });

export const HIT_SORT_FIELDS = ['ev', 'commence_time', 'first_seen_at', 'price', 'closed_at'] as const;

const num = (what: string) =>
  z.coerce
    .number({ error: `must be ${what}` })
    .refine(Number.isFinite, `must be ${what}`)
    .refine((n) => Math.abs(n) <= 1e6, `must be ${what}`);

/** A comma list of sport, market or book keys (`^[a-z0-9_]{1,64}$` each). */
const KeyList = CommaList.refine(
  (keys) => keys.every((k) => KEY_PATTERN.test(k)),
  'must be a comma list of keys (lower-case letters, digits and _)',
);

/** Filters shared by list, summary, history and export. Unknown parameters are rejected. */
export const EvHitFilters = z.strictObject({
  sport: KeyList.optional(),
  market: KeyList.optional(),
  book: KeyList.optional(),
  min_ev: num('a fraction, e.g. 0.02').optional(),
  max_ev: num('a fraction, e.g. 0.2').optional(),
  min_odds: num('decimal odds > 1').pipe(z.number().gt(1, 'must be decimal odds > 1')).optional(),
  max_odds: num('decimal odds > 1').pipe(z.number().gt(1, 'must be decimal odds > 1')).optional(),
  starts_within: z.coerce
    .number({ error: 'must be minutes' })
    .int('must be whole minutes')
    .min(0, 'must be ≥ 0')
    .max(525_600, 'must be at most a year')
    .optional(),
  status: z.enum(['active', 'closed', 'all']).default('active'),
  include_suspect: QueryBool.default(false),
  q: SafeString(100).pipe(z.string().trim().min(1, 'must not be empty')).optional(),
  sort: z
    .string()
    .regex(
      /^-?(ev|commence_time|first_seen_at|price|closed_at)$/,
      'must be ev, commence_time, first_seen_at, price or closed_at, optionally with a leading -',
    )
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(50),
  cursor: SafeString(1000).optional(),
  odds_format: OddsFormat.optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  format: z.enum(['csv', 'json']).optional(),
});
export type EvHitFilters = z.infer<typeof EvHitFilters>;

export const EvHitsResponse = z.object({
  hits: z.array(EvHit),
  next_cursor: z.string().nullable(),
  last_updated: IsoDateTime,
});

export const EvHistoryResponse = z.object({
  hits: z.array(EvHit),
  next_cursor: z.string().nullable(),
});

/**
 * The fixed bin edges of the summary's EV histogram (fractions). Bin 0 is below the first edge,
 * bin i is [edges[i-1], edges[i]), the last bin is at or above the last edge.
 */
export const EV_HISTOGRAM_EDGES = [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2] as const;

export const EvHistogramBin = z.object({
  /** Inclusive lower edge; null = no lower bound. */
  from: z.number().nullable(),
  /** Exclusive upper edge; null = no upper bound. */
  to: z.number().nullable(),
  count: z.number().int(),
});
export type EvHistogramBin = z.infer<typeof EvHistogramBin>;

export const EvSummary = z.object({
  total_hits: z.number().int(),
  /** Always EV_HISTOGRAM_EDGES.length + 1 bins, empty ones included. */
  ev_histogram: z.array(EvHistogramBin),
  top_ev: z.number().nullable(),
  mean_ev: z.number().nullable(),
  by_sport: z.record(z.string(), z.number().int()),
  by_book: z.record(z.string(), z.number().int()),
  by_market: z.record(z.string(), z.number().int()),
  last_updated: IsoDateTime,
});
export type EvSummary = z.infer<typeof EvSummary>;

export const OddsHistoryQuery = z.strictObject({
  event_id: EventId,
  market: SafeString(100, 1),
  outcome: SafeString(200, 1),
  point: z.coerce
    .number({ error: 'must be a number' })
    .refine(Number.isFinite, 'must be a number')
    .optional(),
  book: SafeString(100, 1).optional(),
});

export const OddsHistoryResponse = z.object({
  points: z.array(z.object({ at: IsoDateTime, book: z.string(), price: z.number() })),
  /** The fair price of this outcome after each change of its market (decimal odds). */
  fair: z.array(z.object({ at: IsoDateTime, price: z.number(), probability: z.number() })),
});

/** `GET /api/ev/arbitrage`: live arbitrage over the current snapshot, net of exchange commission. */
export const EvArbitrageQuery = z.strictObject({
  sport: z.string().regex(KEY_PATTERN, 'must be a sport key').optional(),
  market: z.enum(['h2h', 'spreads', 'totals']).optional(),
  min_margin: z.coerce
    .number({ error: 'must be a number' })
    .min(0, 'must be ≥ 0')
    .max(1, 'must be ≤ 1')
    .refine(Number.isFinite, 'must be a number')
    .default(0),
  total_stake: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be > 0')
    .max(1e9, 'must be at most 1e9')
    .refine(Number.isFinite, 'must be a number')
    .default(100),
});

export const EvArbitrageLeg = z.object({
  outcome: z.string(),
  point: z.number().nullable(),
  book: z.string(),
  price: z.number(),
  net_price: z.number().describe('price net of the book’s exchange commission'),
  stake: z.number(),
});

export const EvArbitrage = z.object({
  event_id: z.string(),
  sport: z.string(),
  event: z.string().describe('"Away @ Home"'),
  commence_time: IsoDateTime,
  market: z.string(),
  point: z.number().nullable(),
  legs: z.array(EvArbitrageLeg),
  margin: z.number(),
  profit: z.number(),
});

export const EvArbitrageResponse = z.object({
  arbitrages: z.array(EvArbitrage),
  total_stake: z.number(),
  last_updated: IsoDateTime,
});
