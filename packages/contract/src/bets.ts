import { z } from 'zod';
import { IsoDateTime, OddsFormat } from './common';
import { EventId, FiniteNumber, Key, QueryNumber, SafeString } from './primitives';

/** How a bet settled; the payout of each is computed by the server. */
export const BET_RESULTS = ['won', 'lost', 'push', 'void', 'half-won', 'half-lost'] as const;
export const BetResult = z.enum(BET_RESULTS);
export type BetResult = z.infer<typeof BetResult>;

/** Where the fair price at placement came from: the hit logged, or the fair line when the bet was logged. */
export const FairSource = z.enum(['hit', 'line_at_logging']);

const Price = z.union([FiniteNumber(1e9), SafeString(32, 1)]);
const Stake = FiniteNumber(1e12).refine((n) => n >= 0, 'must be ≥ 0');

export const BetCreate = z.strictObject({
  hit_id: SafeString(1000, 1).optional(),
  event_id: EventId.optional(),
  sport: Key.optional(),
  event: SafeString(300, 1).optional(),
  market: Key.optional(),
  outcome: SafeString(200, 1).optional(),
  point: FiniteNumber(1e6).nullable().optional(),
  book: Key.optional(),
  price: Price.optional(),
  odds_format: OddsFormat.default('decimal'),
  stake: Stake,
  placed_at: IsoDateTime.optional(),
  notes: SafeString(2000).nullable().optional(),
});
export type BetCreate = z.infer<typeof BetCreate>;

/** Edit any field; `result` settles (null re-opens); `correction: true` allows changing a settled result. */
export const BetUpdate = z.strictObject({
  event_id: EventId.nullable().optional(),
  sport: Key.optional(),
  event: SafeString(300, 1).optional(),
  market: Key.optional(),
  outcome: SafeString(200, 1).optional(),
  point: FiniteNumber(1e6).nullable().optional(),
  book: Key.optional(),
  price: Price.optional(),
  odds_format: OddsFormat.default('decimal'),
  stake: Stake.optional(),
  placed_at: IsoDateTime.optional(),
  notes: SafeString(2000).nullable().optional(),
  result: BetResult.nullable().optional(),
  correction: z.boolean().optional(),
});
export type BetUpdate = z.infer<typeof BetUpdate>;

export const Bet = z.object({
  id: z.number().int(),
  hit_id: z.string().nullable(),
  event_id: z.string().nullable(),
  sport: z.string(),
  event: z.string(),
  market: z.string(),
  outcome: z.string(),
  point: z.number().nullable(),
  book: z.string(),
  price: z.number(),
  stake: z.number(),
  placed_at: z.string(),
  notes: z.string().nullable(),
  /** Fair decimal odds when placed, and where they came from (null: none known). */
  fair_odds_at_placement: z.number().nullable(),
  fair_source: FairSource.nullable(),
  /** price / fair_odds_at_placement − 1, or null. */
  ev: z.number().nullable(),
  closing_fair_odds: z.number().nullable(),
  /** price / closing_fair_odds − 1 (= price × closing fair probability − 1), once the event started. */
  clv: z.number().nullable(),
  /** False for a bet on an event the server does not know: it will get no CLV. */
  clv_expected: z.boolean(),
  status: z.enum(['open', 'settled']),
  result: BetResult.nullable(),
  payout: z.number().nullable(),
  profit: z.number().nullable(),
  settled_at: z.string().nullable(),
  created_at: z.string(),
});
export type Bet = z.infer<typeof Bet>;

export const BetListQuery = z.strictObject({
  /** `open`, `settled`, or one result. */
  status: z.enum(['open', 'settled']).optional(),
  result: BetResult.optional(),
  sport: Key.optional(),
  book: Key.optional(),
  limit: QueryNumber('an integer in 1..500')
    .pipe(z.number().int('must be an integer in 1..500').min(1).max(500))
    .optional(),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be a cursor from next_cursor')
    .optional(),
});
export type BetListQuery = z.infer<typeof BetListQuery>;

export const BetListResponse = z.object({ bets: z.array(Bet), next_cursor: z.string().nullable() });

export const BetGroup = z.object({
  count: z.number(),
  staked: z.number(),
  profit: z.number(),
  roi: z.number().nullable(),
});

export const BetSummary = z.object({
  count: z.number(),
  settled: z.number(),
  staked: z.number(),
  profit: z.number(),
  roi: z.number().nullable(),
  mean_ev: z.number().nullable(),
  mean_clv: z.number().nullable(),
  by_book: z.record(z.string(), BetGroup),
  by_sport: z.record(z.string(), BetGroup),
  by_market: z.record(z.string(), BetGroup),
  by_month: z.record(z.string(), BetGroup),
});
export type BetSummary = z.infer<typeof BetSummary>;
