import { z } from 'zod';
import { DevigMethod } from './common';
import { SafeString } from './primitives';

const PriceFormat = z.enum(['decimal', 'american', 'fractional']);
const Odds = z.union([z.number(), SafeString(32)]);

export const DevigRequest = z.strictObject({
  odds: z.array(Odds).min(2, 'needs at least 2 prices').max(30, 'at most 30 prices'),
  format: PriceFormat.default('decimal'),
  method: DevigMethod.default('power'),
});

export const DevigResponse = z.object({
  fair_probabilities: z.array(z.number()),
  fair_odds: z.array(z.number()),
  margin: z.number(),
  method: DevigMethod,
  params: z.record(z.string(), z.unknown()),
});

export const EvRequest = z
  .strictObject({
    fair_probability: z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
    fair_odds: Odds.optional(),
    price: Odds,
    format: PriceFormat.default('decimal'),
    bankroll: z.number().positive('must be > 0').finite().optional(),
    kelly_multiplier: z.number().min(0, 'must be ≥ 0').max(10, 'must be ≤ 10').default(1),
  })
  .refine((b) => (b.fair_probability === undefined) !== (b.fair_odds === undefined), {
    message: 'give exactly one of fair_probability and fair_odds',
    path: ['fair_probability'],
  });

export const EvResponse = z.object({
  ev: z.number(),
  ev_percent: z.number(),
  kelly: z.number(),
  stake: z.number().nullable(),
});
