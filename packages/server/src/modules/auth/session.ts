import {
  REFRESH_COOKIE_NAME,
  REFRESH_COOKIE_PATH,
  REFRESH_MODE_HEADER,
  SESSION_HINT_COOKIE_NAME,
  type TokenResponse,
} from '@evision/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import { AppError, forbidden } from '../../infra/errors';

/**
 * The browser session's refresh cookie (docs/SECURITY.md, "Browser sessions"): `evision_refresh`,
 * HttpOnly (no script reads it, so an XSS cannot carry it away), SameSite=Strict and
 * Path=/api/auth (sent only to the auth routes of this site), Secure over TLS.
 */

/** The request asked for cookie mode (`X-Refresh-Mode: cookie`). */
export function wantsCookie(request: FastifyRequest): boolean {
  const mode = request.headers[REFRESH_MODE_HEADER];
  return typeof mode === 'string' && mode.trim().toLowerCase() === 'cookie';
}

function secure(config: Config, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (config.publicUrl?.startsWith('https:') ?? false);
}

/** The origins a cookie-mode request may come from: this server's, PUBLIC_URL's and CORS_ORIGINS. */
function allowedOrigin(config: Config, request: FastifyRequest, origin: string): boolean {
  if (origin === `${request.protocol}://${request.host}`) return true;
  if (config.publicUrl && origin === new URL(config.publicUrl).origin) return true;
  return config.corsOrigins.includes(origin);
}

/**
 * Cookie mode is refused from another site's page: SameSite=Strict already keeps the cookie off
 * cross-site requests, the custom header cannot be sent cross-origin without a CORS preflight,
 * and a present `Origin` must be ours.
 */
export function assertSameOrigin(config: Config, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (typeof origin !== 'string' || origin === 'null' || !allowedOrigin(config, request, origin)) {
    throw forbidden('Cookie sessions are accepted from this app’s own origin only', 'cross_origin');
  }
}

/**
 * The refresh token of a refresh or logout request: the body's, or in cookie mode the cookie's.
 * A request without either is a 400 naming `refresh_token` (a browser session that lost its
 * cookie gets 401 `token_missing`).
 */
export function refreshTokenOf(
  config: Config,
  request: FastifyRequest,
  body: { refresh_token?: string } | null | undefined,
): string {
  if (body?.refresh_token) return body.refresh_token;
  if (!wantsCookie(request)) {
    throw new AppError(400, 'validation_error', 'Request is invalid', [
      {
        field: 'refresh_token',
        message: 'is required (or send X-Refresh-Mode: cookie with the session cookie)',
      },
    ]);
  }
  assertSameOrigin(config, request);
  const token = request.cookies[REFRESH_COOKIE_NAME];
  if (!token) throw new AppError(401, 'token_missing', 'No session cookie: log in again');
  return token;
}

/** In cookie mode: sets the cookie and leaves `refresh_token` out of the answer. */
export function deliverPair(
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
  pair: TokenResponse,
): TokenResponse {
  if (!wantsCookie(request) || !pair.refresh_token) return pair;
  assertSameOrigin(config, request);
  reply.setCookie(REFRESH_COOKIE_NAME, pair.refresh_token, {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure: secure(config, request),
    maxAge: config.refreshTokenTtl,
  });
  reply.setCookie(SESSION_HINT_COOKIE_NAME, '1', {
    httpOnly: false,
    sameSite: 'strict',
    path: '/',
    secure: secure(config, request),
    maxAge: config.refreshTokenTtl,
  });
  const { refresh_token: _omitted, ...rest } = pair;
  return rest;
}

export function clearCookie(config: Config, request: FastifyRequest, reply: FastifyReply): void {
  if (request.cookies[REFRESH_COOKIE_NAME] === undefined && !wantsCookie(request)) return;
  reply.clearCookie(REFRESH_COOKIE_NAME, {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure: secure(config, request),
  });
  reply.clearCookie(SESSION_HINT_COOKIE_NAME, {
    sameSite: 'strict',
    path: '/',
    secure: secure(config, request),
  });
}
