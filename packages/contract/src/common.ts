import { z } from 'zod';

/** The one error shape of every non-2xx answer (ARCHITECTURE §6). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const FieldError = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** An ISO-8601 timestamp on the wire. */
export const IsoDateTime = z.iso.datetime({ offset: true });

export const OddsFormat = z.enum(['decimal', 'american', 'fractional']);
export type OddsFormat = z.infer<typeof OddsFormat>;

/** A comma-separated list in a query string, e.g. `book=draftkings,fanduel`. */
export const CommaList = z
  .string()
  .max(2000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** `true`/`false` (and 1/0) in a query string. */
export const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The devig methods of ev-core, as the wire enum (a test keeps the two lists equal). */
export const DEVIG_METHODS = [
  'multiplicative',
  'additive',
  'power',
  'shin',
  'odds_ratio',
  'probit',
  'worst_case',
] as const;
export const DevigMethod = z.enum(DEVIG_METHODS);
export type DevigMethod = z.infer<typeof DevigMethod>;
