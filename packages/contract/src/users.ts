import { z } from 'zod';
import { OddsFormat } from './common';
import { isSafeJson } from './primitives';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone');

/** Free-form filter presets of the web app, kept small. */
export const DefaultFilters = z
  .record(z.string().max(64), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 8192, 'must be at most 8 KB of JSON')
  .refine(
    (v) => isSafeJson(v),
    'must not contain NUL or unpaired surrogate characters, nor nest deeper than 16 levels',
  );

/** `/api/me/settings`. */
export const UserSettings = z.object({
  odds_format: OddsFormat,
  bankroll: z.number().nonnegative().max(1e12).nullable(),
  kelly_fraction: z.number().min(0).max(1),
  timezone: TimeZone,
  default_filters: DefaultFilters,
});
export type UserSettings = z.infer<typeof UserSettings>;

/** PUT accepts any subset of the fields; missing ones keep their value. */
export const UserSettingsUpdate = z.strictObject({
  odds_format: OddsFormat.optional(),
  bankroll: z.number().nonnegative().max(1e12).nullable().optional(),
  kelly_fraction: z.number().min(0).max(1).optional(),
  timezone: TimeZone.optional(),
  default_filters: DefaultFilters.optional(),
});
export type UserSettingsUpdate = z.infer<typeof UserSettingsUpdate>;
