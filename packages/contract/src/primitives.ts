import { z } from 'zod';

/**
 * The string primitives every schema of the contract builds on. PostgreSQL text and jsonb
 * cannot hold NUL, and an unpaired UTF-16 surrogate cannot be encoded as UTF-8, so neither
 * may reach the database; every string is bounded.
 */
export const NUL_MESSAGE = 'must not contain NUL characters';
export const SURROGATE_MESSAGE = 'must not contain unpaired surrogate characters';

export const noNul = (s: string) => !s.includes('\u0000');

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const noLoneSurrogate = (s: string) => !LONE_SURROGATE.test(s);

/** True when a string can be stored as PostgreSQL text (no NUL, well-formed UTF-16). */
export const isSafeText = (s: string) => noNul(s) && noLoneSurrogate(s);

/** A string that can be stored: no NUL, no unpaired surrogate, at most `max` characters. */
export function SafeString(max: number, min = 0) {
  let s = z.string().max(max, `must be at most ${max} characters`);
  if (min > 0) s = s.min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  return s.refine(noNul, NUL_MESSAGE).refine(noLoneSurrogate, SURROGATE_MESSAGE);
}

/**
 * Length limits shared by the contract and the server (whose `maxParamLength` derives from
 * HIT_ID_MAX): a hit id is `event_id|market|outcome|point|book`, so it is as long as its parts.
 */
export const KEY_MAX = 64;
export const EVENT_ID_MAX = 200;
export const NAME_MAX = 200;
export const POINT_TEXT_MAX = 32;
export const HIT_ID_MAX = EVENT_ID_MAX + KEY_MAX + NAME_MAX + POINT_TEXT_MAX + KEY_MAX + 4;

/** True when every string (keys included) in a JSON value is safe text and nesting ≤ `maxDepth`. */
export function isSafeJson(value: unknown, maxDepth = 16): boolean {
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return isSafeText(v);
    if (v === null || typeof v !== 'object') return true;
    if (depth >= maxDepth) return false;
    if (Array.isArray(v)) return v.every((x) => walk(x, depth + 1));
    return Object.entries(v).every(([k, x]) => isSafeText(k) && walk(x, depth + 1));
  };
  return walk(value, 0);
}

/** Sport, market and book keys: what The Odds API uses, and safe as object keys and in ids. */
export const KEY_PATTERN = /^[a-z0-9_]{1,64}$/;
export const Key = z.string().regex(KEY_PATTERN, 'must be 1–64 lower-case letters, digits or _');

/** An event id: stored text that never holds `|` (it separates the parts of a hit id). */
export const EventId = SafeString(EVENT_ID_MAX, 1).refine((s) => !s.includes('|'), 'must not contain |');

/** A hit id in a path (decoded): safe text no longer than its parts allow. */
export const HitId = SafeString(HIT_ID_MAX, 1);

/** A decimal integer id in a path (`42`, never `0x2`, `1e3` or ` 42`). */
export const DecimalId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a decimal integer id')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a decimal integer id');

/** A finite number within ±`bound` (defaults keep any arithmetic on it finite). */
export function FiniteNumber(bound = 1e12) {
  return z
    .number({ error: 'must be a number' })
    .refine(Number.isFinite, 'must be a finite number')
    .refine((n) => Math.abs(n) <= bound, `must be between -${bound} and ${bound}`);
}

/** Query-string form of a bounded finite number. */
export function QueryNumber(what: string, bound = 1e12) {
  return z.coerce
    .number({ error: `must be ${what}` })
    .refine(Number.isFinite, `must be ${what}`)
    .refine((n) => Math.abs(n) <= bound, `must be ${what}`);
}

/** Error codes of the token states (so a client tells them apart). */
export const TOKEN_ERROR_CODES = [
  'token_missing',
  'token_invalid',
  'token_expired',
  'token_revoked',
  'refresh_reused',
  'totp_required',
  'totp_invalid',
  'totp_replayed',
] as const;
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];
