import { z } from 'zod';
import { IsoDateTime } from './common';

import { NUL_MESSAGE, noNul } from './primitives';

export { NUL_MESSAGE, noNul };

/** 3–32 characters of letters, digits, `_`, `.` and `-`. */
export const Username = z
  .string()
  .min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, _ . and -');

export const Email = z.email({ error: 'must be a valid e-mail address' }).max(254);

/** Length only; the server also refuses the username and very common passwords. */
export const Password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters');

export const Role = z.enum(['user', 'admin']);
export type Role = z.infer<typeof Role>;

/** The `user` object of every auth answer (ARCHITECTURE §6). */
export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string(),
  role: Role,
  is_active: z.boolean(),
  totp_enabled: z.boolean(),
  created_at: IsoDateTime,
});
export type User = z.infer<typeof User>;

export const RegisterBody = z.strictObject({ username: Username, email: Email, password: Password });
export type RegisterBody = z.infer<typeof RegisterBody>;

/** `username` may also hold an e-mail address (OAuth2 password-flow clients send only `username`). */
export const LoginBody = z
  .strictObject({
    username: z.string().min(1).max(254).refine(noNul, NUL_MESSAGE).optional(),
    email: z.string().min(1).max(254).refine(noNul, NUL_MESSAGE).optional(),
    password: z.string().min(1).max(1024),
    totp: z
      .string()
      .regex(/^\d{6}$/, 'must be 6 digits')
      .optional(),
    recovery_code: z.string().min(1).max(64).optional(),
  })
  .refine((b) => b.username !== undefined || b.email !== undefined, {
    message: 'username or email is required',
    path: ['username'],
  });
export type LoginBody = z.infer<typeof LoginBody>;

export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  /** Absent in cookie mode (`X-Refresh-Mode: cookie`): the token is in the HttpOnly cookie. */
  refresh_token: z.string().optional(),
  user: User,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/**
 * Browser sessions: a request with `X-Refresh-Mode: cookie` to login, refresh or logout keeps
 * the refresh token in the `evision_refresh` cookie (HttpOnly, SameSite=Strict, Path=/api/auth)
 * instead of the JSON body. Refresh and logout then take no body (or `{}`).
 */
export const REFRESH_MODE_HEADER = 'x-refresh-mode';
export const REFRESH_COOKIE_NAME = 'evision_refresh';
export const REFRESH_COOKIE_PATH = '/api/auth';
/**
 * A readable companion of the HttpOnly refresh cookie, holding no secret (`1`): it tells the web
 * app that a session may exist, so a first visit does not try a refresh that can only fail.
 */
export const SESSION_HINT_COOKIE_NAME = 'evision_session';

/** `refresh_token` may be left out in cookie mode only. */
export const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(512).optional() });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const ChangePasswordBody = z.strictObject({
  current_password: z.string().min(1).max(1024),
  new_password: Password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const TotpSetupResponse = z.object({ secret: z.string(), otpauth_uri: z.string() });
export type TotpSetupResponse = z.infer<typeof TotpSetupResponse>;

export const TotpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits');

export const TotpEnableBody = z.strictObject({ code: TotpCode });
export const TotpEnableResponse = z.object({ recovery_codes: z.array(z.string()) });
export type TotpEnableResponse = z.infer<typeof TotpEnableResponse>;

/** `code` is a current TOTP code or one of the unused recovery codes. */
export const TotpDisableBody = z.strictObject({
  password: z.string().min(1).max(1024),
  code: z.string().min(6).max(64),
});
