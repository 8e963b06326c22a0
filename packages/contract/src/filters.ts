import { z } from 'zod';
import { Key, SafeString } from './primitives';

/**
 * The one filter set of hits (ARCHITECTURE §6 "Filters"): the `/api/ev/hits` filters without
 * paging, sort and format, in API units (fractions, decimal odds, minutes). The board's URL,
 * a user's `default_filters` and an alert rule's filter are all this object.
 */
const keyList = z.array(Key).max(100, 'at most 100 keys');
const fraction = z
  .number({ error: 'must be a fraction, e.g. 0.02' })
  .refine(Number.isFinite, 'must be a fraction, e.g. 0.02')
  .min(-1, 'must be at least -1')
  .max(100, 'must be at most 100');
const decimalOdds = z
  .number({ error: 'must be decimal odds > 1' })
  .refine(Number.isFinite, 'must be decimal odds > 1')
  .gt(1, 'must be decimal odds > 1')
  .max(1e6, 'must be at most 1000000');

export const HitStatusFilter = z.enum(['active', 'closed', 'all']);

export const HitFilterSet = z.strictObject({
  sport: keyList.optional(),
  market: keyList.optional(),
  book: keyList.optional(),
  min_ev: fraction.optional(),
  max_ev: fraction.optional(),
  min_odds: decimalOdds.optional(),
  max_odds: decimalOdds.optional(),
  starts_within: z
    .number({ error: 'must be minutes' })
    .int('must be whole minutes')
    .min(0, 'must be ≥ 0')
    .max(525_600, 'must be at most a year')
    .optional(),
  status: HitStatusFilter.optional(),
  include_suspect: z.boolean().optional(),
  q: SafeString(100, 1).optional(),
});
export type HitFilterSet = z.infer<typeof HitFilterSet>;
