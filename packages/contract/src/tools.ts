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

const TotalStake = z
  .number({ error: 'must be a number' })
  .positive('must be > 0')
  .max(1e9, 'must be at most 1e9')
  .refine(Number.isFinite, 'must be a finite number');

/** `POST /api/tools/dutch`: stakes that return the same whatever wins (2–30 selections). */
export const DutchRequest = z.strictObject({
  odds: z.array(Odds).min(2, 'a dutch needs two or more selections').max(30, 'at most 30 prices'),
  format: PriceFormat.default('decimal'),
  total_stake: TotalStake,
});

export const DutchResponse = z.object({
  stakes: z.array(z.number()),
  payout: z.number().describe('what every outcome returns (stake included)'),
  profit: z.number().describe('payout − total_stake (negative when the prices hold a margin)'),
});

/** `POST /api/tools/arbitrage`: the best price per outcome, with one commission rate per price. */
export const ArbitrageRequest = z
  .strictObject({
    odds: z.array(Odds).min(2, 'needs a price for two or more outcomes').max(30, 'at most 30 prices'),
    format: PriceFormat.default('decimal'),
    total_stake: TotalStake,
    commissions: z
      .array(z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').lt(1, 'must be < 1'))
      .optional()
      .describe('one rate per price, charged on net winnings; default 0'),
  })
  .refine((b) => b.commissions === undefined || b.commissions.length === b.odds.length, {
    message: 'needs one rate per price',
    path: ['commissions'],
  });

export const ArbitrageResponse = z.object({
  is_arbitrage: z.boolean(),
  margin: z.number().describe('1 − Σ 1/net price; > 0 is an arbitrage'),
  stakes: z.array(z.number()),
  profit: z.number(),
});
