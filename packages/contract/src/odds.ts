import { z } from 'zod';
import { CommaList, OddsFormat, QueryBool } from './common';
import { EventId } from './primitives';

/**
 * The Odds API v4 shapes (sport → events → bookmakers → markets → outcomes), used for what the
 * providers return, what ingest accepts and what `GET /api/odds` answers.
 * @see https://the-odds-api.com/liveapi/guides/v4/
 */

export const ODDS_REGIONS = ['us', 'us2', 'uk', 'au', 'eu'] as const;
export const OddsRegion = z.enum(ODDS_REGIONS);
export type OddsRegion = z.infer<typeof OddsRegion>;

/** Featured markets; `h2h_lay` is what exchanges add beside `h2h` (the back prices). */
export const ODDS_MARKET_KEYS = ['h2h', 'spreads', 'totals', 'h2h_lay'] as const;
export const OddsMarketKey = z.enum(ODDS_MARKET_KEYS);
export type OddsMarketKey = z.infer<typeof OddsMarketKey>;

const Key = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a lower-case key (a-z, 0-9, _)');

/** One priced outcome. Extra v4 fields (`link`, `sid`, `bet_limit`) are kept when present. */
export const OddsOutcome = z.object({
  name: z.string().min(1),
  price: z.number().gt(1, 'decimal price must be above 1'),
  point: z.number().nullish(),
  description: z.string().optional(),
  link: z.string().nullish(),
  sid: z.string().nullish(),
  bet_limit: z.number().nullish(),
});
export type OddsOutcome = z.infer<typeof OddsOutcome>;

/** `last_update` is missing in older responses: providers fill it from the bookmaker's. */
export const OddsMarket = z.object({
  key: z.string().min(1),
  last_update: z.string().optional(),
  outcomes: z.array(OddsOutcome),
});
export type OddsMarket = z.infer<typeof OddsMarket>;

export const OddsBookmaker = z.object({
  key: z.string().min(1),
  title: z.string(),
  last_update: z.string(),
  link: z.string().nullish(),
  markets: z.array(OddsMarket),
});
export type OddsBookmaker = z.infer<typeof OddsBookmaker>;

export const OddsEvent = z.object({
  id: z.string().min(1),
  sport_key: z.string().min(1),
  sport_title: z.string(),
  commence_time: z.string(),
  home_team: z.string(),
  away_team: z.string(),
  bookmakers: z.array(OddsBookmaker),
});
export type OddsEvent = z.infer<typeof OddsEvent>;

/** `GET /api/sports` and the provider's `/v4/sports`. */
export const Sport = z.object({
  key: z.string(),
  group: z.string(),
  title: z.string(),
  description: z.string().optional(),
  active: z.boolean(),
  has_outrights: z.boolean().optional(),
});
export type Sport = z.infer<typeof Sport>;
export const SportList = z.array(Sport);

/** A result from `/v4/sports/{sport}/scores`. */
export const EventScore = z.object({
  id: z.string(),
  sport_key: z.string(),
  sport_title: z.string(),
  commence_time: z.string(),
  completed: z.boolean(),
  home_team: z.string(),
  away_team: z.string(),
  scores: z.array(z.object({ name: z.string(), score: z.string() })).nullable(),
  last_update: z.string().nullable(),
});
export type EventScore = z.infer<typeof EventScore>;

/** `GET /api/odds` query. Unknown regions/markets, a bad format or flag → 400 naming the field. */
export const OddsQuery = z.object({
  sport: Key,
  regions: CommaList.pipe(z.array(OddsRegion)).optional(),
  markets: CommaList.pipe(z.array(OddsMarketKey)).optional(),
  bookmakers: CommaList.pipe(z.array(Key).max(50)).optional(),
  /** Only this event (the event page); an unknown id answers `[]`. */
  event_id: EventId.optional(),
  odds_format: OddsFormat.default('decimal'),
  refresh: QueryBool.default(false),
});
export type OddsQuery = z.infer<typeof OddsQuery>;

/** The view `GET /api/odds` answers: v4 events, prices in the requested format. */
const ViewOutcome = OddsOutcome.extend({ price: z.union([z.number(), z.string()]) });

/**
 * The engine's fair line of one market: every outcome a soft book quotes, devigged from the sharp
 * books with the engine's settings (`price` in the requested format, `probability` a fraction).
 * Markets without enough fresh sharp books have no fair line.
 */
export const FairMarket = z.object({
  key: z.string(),
  outcomes: z.array(
    z.object({
      name: z.string(),
      point: z.number().nullable(),
      price: z.union([z.number(), z.string()]),
      probability: z.number(),
    }),
  ),
});
export type FairMarket = z.infer<typeof FairMarket>;

export const OddsViewEvent = OddsEvent.extend({
  bookmakers: z.array(
    OddsBookmaker.extend({ markets: z.array(OddsMarket.extend({ outcomes: z.array(ViewOutcome) })) }),
  ),
  fair: z.array(FairMarket),
});
export type OddsViewEvent = z.infer<typeof OddsViewEvent>;
export const OddsView = z.array(OddsViewEvent);
export type OddsView = z.infer<typeof OddsView>;

/** `GET /api/public/upcoming` (no login): events and start times only, never prices. */
export const PublicUpcomingQuery = z.strictObject({
  sport: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'must be a lower-case key (a-z, 0-9, _)')
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(200),
});
export type PublicUpcomingQuery = z.infer<typeof PublicUpcomingQuery>;

export const PublicUpcomingEvent = z.object({
  id: z.string(),
  sport_key: z.string(),
  sport_title: z.string(),
  commence_time: z.string(),
  home_team: z.string(),
  away_team: z.string(),
});
export type PublicUpcomingEvent = z.infer<typeof PublicUpcomingEvent>;

export const PublicUpcomingResponse = z.object({
  events: z.array(PublicUpcomingEvent),
  generated_at: z.string(),
});
export type PublicUpcomingResponse = z.infer<typeof PublicUpcomingResponse>;
