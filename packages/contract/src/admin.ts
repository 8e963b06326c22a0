import { z } from 'zod';
import { Email, NUL_MESSAGE, noNul, Password, Role, Username } from './auth';
import { DevigMethod, IsoDateTime } from './common';
import { Key } from './primitives';

export const UserIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export const AdminUserCreate = z.strictObject({
  username: Username,
  email: Email,
  password: Password,
  role: Role.optional(),
});
export type AdminUserCreate = z.infer<typeof AdminUserCreate>;

export const AdminUserPatch = z
  .strictObject({ role: Role.optional(), is_active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.is_active !== undefined, {
    message: 'role or is_active is required',
    path: ['role'],
  });
export type AdminUserPatch = z.infer<typeof AdminUserPatch>;

export const AdminUserListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Without `new_password` the server generates one and answers it once. */
export const ResetPasswordBody = z.strictObject({ new_password: Password.optional() });
export const ResetPasswordResponse = z.object({ password: z.string().nullable() });

export const ServiceScope = z.enum(['ingest', 'feed']);
export type ServiceScope = z.infer<typeof ServiceScope>;

export const ServiceTokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(100).refine(noNul, NUL_MESSAGE),
  scopes: z
    .array(ServiceScope)
    .min(1, 'needs at least one scope')
    .max(2)
    .refine((s) => new Set(s).size === s.length, 'must not repeat a scope'),
});
export type ServiceTokenCreate = z.infer<typeof ServiceTokenCreate>;

export const ServiceToken = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(ServiceScope),
  prefix: z.string(),
  created_at: IsoDateTime,
  last_used_at: IsoDateTime.nullable(),
  revoked_at: IsoDateTime.nullable(),
});
export type ServiceToken = z.infer<typeof ServiceToken>;

/** The create answer: the only time the token itself is shown. */
export const ServiceTokenCreated = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(ServiceScope),
  token: z.string(),
  prefix: z.string(),
  created_at: IsoDateTime,
});

export const IdParams = UserIdParams;

export const AuditType = z.enum([
  'AUTH_SUCCESS',
  'AUTH_FAILED',
  'USER_CREATED',
  'USER_DELETED',
  'USER_UPDATED',
  'USER_DEACTIVATED',
  'PASSWORD_CHANGED',
  'TOTP_ENABLED',
  'TOTP_DISABLED',
  'TOKEN_REUSE',
  'SERVICE_TOKEN_CREATED',
  'SERVICE_TOKEN_REVOKED',
  'ADMIN_ACTION',
  'SUSPICIOUS_ACTIVITY',
  'RATE_LIMITED',
  'SETTINGS_CHANGED',
  'BET_CORRECTED',
]);
export type AuditType = z.infer<typeof AuditType>;

export const AuditQuery = z.strictObject({
  type: AuditType.optional(),
  /** A username or a numeric user id. */
  user: z.string().min(1).max(64).refine(noNul, NUL_MESSAGE).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a cursor from a previous page')
    .optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditRecord = z.object({
  seq: z.number().int(),
  at: IsoDateTime,
  type: z.string(),
  user_id: z.number().int().nullable(),
  username: z.string().nullable(),
  ip: z.string().nullable(),
  message: z.string(),
  details: z.unknown().nullable(),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditPage = z.object({ records: z.array(AuditRecord), next_cursor: z.string().nullable() });

const BookKey = Key;

/** Bounds of `scan_interval` (seconds) for both the environment and the API. */
export const SCAN_INTERVAL_BOUNDS = { min: 1, max: 3600 } as const;

/**
 * The range of every engine setting, one field at a time: the environment (`MIN_EV`, …) and
 * `PUT /api/admin/settings` both check these, so neither can store a value that poisons data.
 */
export const EngineSettingsFields = z.strictObject({
  sharp_books: z.array(BookKey).min(1, 'needs at least one book').max(20),
  min_sharp_books: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  devig_method: DevigMethod,
  min_ev: z.number().min(0, 'must be ≥ 0 (a negative EV is not a +EV hit)').max(10, 'must be ≤ 10'),
  suspect_ev: z.number().gt(0, 'must be > 0').max(100, 'must be ≤ 100'),
  sharp_max_age: z.number().int('must be a whole number').min(1, 'must be > 0').max(86_400),
  soft_max_age: z.number().int('must be a whole number').min(1, 'must be > 0').max(86_400),
  exchange_commission: z.record(BookKey, z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1')),
  scan_interval: z
    .number()
    .int('must be a whole number')
    .min(SCAN_INTERVAL_BOUNDS.min, `must be at least ${SCAN_INTERVAL_BOUNDS.min}`)
    .max(SCAN_INTERVAL_BOUNDS.max, `must be at most ${SCAN_INTERVAL_BOUNDS.max}`),
  odds_sports: z.array(BookKey).min(1, 'needs at least one sport').max(100),
  odds_regions: z.array(z.enum(['us', 'us2', 'uk', 'au', 'eu'])).min(1, 'needs at least one region'),
  odds_markets: z.array(z.enum(['h2h', 'spreads', 'totals'])).min(1, 'needs at least one market'),
});

/** The engine settings an admin saves (`PUT /api/admin/settings` takes the full object). */
export const EngineSettings = EngineSettingsFields.superRefine((s, ctx) => {
  if (s.min_sharp_books > s.sharp_books.length) {
    ctx.addIssue({
      code: 'custom',
      message: 'must not exceed the number of sharp_books',
      path: ['min_sharp_books'],
    });
  }
  if (!(s.suspect_ev > s.min_ev)) {
    ctx.addIssue({ code: 'custom', message: 'must be greater than min_ev', path: ['suspect_ev'] });
  }
});
export type EngineSettings = z.infer<typeof EngineSettings>;

export const AdminSettingsResponse = z.object({ settings: EngineSettings, defaults: EngineSettings });
