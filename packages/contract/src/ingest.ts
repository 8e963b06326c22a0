import { z } from 'zod';
import { IsoDateTime } from './common';
import { SafeString } from './primitives';

const Key = SafeString(200, 1);

const V4Outcome = z.object({
  name: SafeString(200, 1),
  price: z.union([z.number(), SafeString(32)]),
  point: z.number().finite().nullable().optional(),
  description: SafeString(200).optional(),
});

const V4Market = z.object({
  key: SafeString(100, 1),
  last_update: IsoDateTime.optional(),
  outcomes: z.array(V4Outcome).max(100),
});

const V4Bookmaker = z.object({
  key: SafeString(100, 1),
  title: SafeString(200).default(''),
  last_update: IsoDateTime,
  markets: z.array(V4Market).max(200),
});

/** An event in The Odds API v4 shape. */
export const V4Event = z.object({
  id: Key,
  sport_key: Key,
  sport_title: SafeString(200).default(''),
  commence_time: IsoDateTime,
  home_team: SafeString(200, 1),
  away_team: SafeString(200, 1),
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
  sport: SafeString(100, 1),
  home_team: SafeString(200, 1),
  away_team: SafeString(200, 1),
  commence_time: IsoDateTime,
  market: SafeString(100, 1),
  outcome: SafeString(200, 1),
  point: z.number().finite().nullable().optional(),
  book: SafeString(100, 1),
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
