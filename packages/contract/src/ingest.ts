import { z } from 'zod';
import { IsoDateTime } from './common';

const Key = z.string().min(1).max(200);

const V4Outcome = z.object({
  name: z.string().min(1).max(200),
  price: z.union([z.number(), z.string().max(32)]),
  point: z.number().finite().nullable().optional(),
  description: z.string().max(200).optional(),
});

const V4Market = z.object({
  key: z.string().min(1).max(100),
  last_update: IsoDateTime.optional(),
  outcomes: z.array(V4Outcome).max(100),
});

const V4Bookmaker = z.object({
  key: z.string().min(1).max(100),
  title: z.string().max(200).default(''),
  last_update: IsoDateTime,
  markets: z.array(V4Market).max(200),
});

/** An event in The Odds API v4 shape. */
export const V4Event = z.object({
  id: Key,
  sport_key: Key,
  sport_title: z.string().max(200).default(''),
  commence_time: IsoDateTime,
  home_team: z.string().min(1).max(200),
  away_team: z.string().min(1).max(200),
  bookmakers: z.array(V4Bookmaker).max(200),
});

export const IngestOddsRequest = z.strictObject({
  odds_format: z.enum(['decimal', 'american']).default('decimal'),
  events: z.array(V4Event).min(1, 'needs at least one event').max(5_000, 'at most 5,000 events per call'),
});

export const IngestOddsResponse = z.object({
  events: z.number().int(),
  events_changed: z.number().int(),
  hits_new: z.number().int(),
  hits_updated: z.number().int(),
  hits_closed: z.number().int(),
  hits_reopened: z.number().int(),
});

export const IngestHit = z.strictObject({
  event_id: Key,
  sport: z.string().min(1).max(100),
  home_team: z.string().min(1).max(200),
  away_team: z.string().min(1).max(200),
  commence_time: IsoDateTime,
  market: z.string().min(1).max(100),
  outcome: z.string().min(1).max(200),
  point: z.number().finite().nullable().optional(),
  book: z.string().min(1).max(100),
  price: z.number().gt(1, 'must be decimal odds > 1').finite(),
  fair_probability: z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)'),
});
export type IngestHit = z.infer<typeof IngestHit>;

export const IngestHitsRequest = z.strictObject({
  hits: z.array(IngestHit).min(1, 'needs at least one hit').max(10_000, 'at most 10,000 hits per call'),
  ttl_seconds: z
    .number()
    .int()
    .min(5, 'must be at least 5')
    .max(86_400, 'must be at most 86400')
    .default(120),
});

export const IngestHitsResponse = z.object({
  hits: z.number().int(),
  hits_new: z.number().int(),
  hits_updated: z.number().int(),
  hits_reopened: z.number().int(),
  expires_at: IsoDateTime,
});
