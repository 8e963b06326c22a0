import {
  ChangePasswordBody,
  ErrorBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  TokenResponse,
  TotpDisableBody,
  TotpEnableBody,
  TotpEnableResponse,
  TotpSetupResponse,
  User,
} from '@evision/contract';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { forbidden } from '../../infra/errors';
import { clientKey, routeLimit } from '../../plugins/rate-limit';
import type { Actor } from '../users/service';
import { assertSameOrigin, clearCookie, deliverPair, refreshTokenOf, wantsCookie } from './session';

/** OAuth2 password-flow fields a form login may carry that EVision does not use. */
const OAUTH_FORM_EXTRAS = new Set(['grant_type', 'scope', 'client_id', 'client_secret']);

export function actorOf(request: FastifyRequest): Actor {
  return { id: request.user?.id ?? null, username: request.user?.username ?? null, ip: clientKey(request) };
}

const errors = { 401: ErrorBody, 403: ErrorBody, 429: ErrorBody };

/** `/api/auth/*` (ARCHITECTURE §6). */
export async function authRoutes(app: FastifyInstance) {
  const { ctx } = app;
  // OAuth2 password-flow clients post a form; the JSON schema then validates the same fields.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(body as string)) if (!OAUTH_FORM_EXTRAS.has(k)) out[k] = v;
    done(null, out);
  });

  // Only the auth routes read cookies (the refresh cookie is scoped to /api/auth).
  await app.register(cookie);

  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const cookieNote =
    ' With `X-Refresh-Mode: cookie` the refresh token goes to the `evision_refresh` cookie (HttpOnly, SameSite=Strict, Path=/api/auth) and is left out of the body.';
  const secured = { security: [{ bearer: [] }] };

  r.post(
    '/api/auth/register',
    {
      config: routeLimit(ctx.config.rateLimit.register),
      schema: {
        tags,
        summary: 'Create an account (public; closed by REGISTRATION=closed)',
        body: RegisterBody,
        response: { 201: User, 409: ErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      if (ctx.config.registration === 'closed') {
        throw forbidden('Registration is closed on this server', 'registration_closed');
      }
      const user = await ctx.users.create(request.body, { ip: clientKey(request) });
      return reply.status(201).send(user);
    },
  );

  r.post(
    '/api/auth/login',
    {
      config: routeLimit(ctx.config.rateLimit.login),
      schema: {
        tags,
        summary: 'Log in with username or e-mail (JSON or an OAuth2 password form)',
        description: `The 2FA step is the same request with \`totp\` or \`recovery_code\`.${cookieNote}`,
        body: LoginBody,
        response: { 200: TokenResponse, ...errors },
      },
    },
    async (request, reply) => {
      if (wantsCookie(request)) assertSameOrigin(ctx.config, request);
      const b = request.body;
      const pair = await ctx.auth.login({
        login: (b.username ?? b.email)!,
        password: b.password,
        totp: b.totp,
        recoveryCode: b.recovery_code,
        ip: clientKey(request),
      });
      return deliverPair(ctx.config, request, reply, pair);
    },
  );

  r.post(
    '/api/auth/refresh',
    {
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new pair (rotation)',
        description: `A second redemption within REFRESH_REUSE_GRACE_SECONDS answers the same successor; a later one revokes the family (401 \`refresh_reused\`). Revoked: 401 \`token_revoked\`; expired: 401 \`token_expired\`.${cookieNote} In cookie mode send no body (or \`{}\`).`,
        body: RefreshBody.nullish(),
        response: { 200: TokenResponse, 400: ErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(ctx.config, request, request.body);
      try {
        const pair = await ctx.auth.refresh(token, clientKey(request));
        return deliverPair(ctx.config, request, reply, pair);
      } catch (err) {
        // A dead session cookie is cleared so the browser stops sending it.
        if (!request.body?.refresh_token) clearCookie(ctx.config, request, reply);
        throw err;
      }
    },
  );

  r.post(
    '/api/auth/logout',
    {
      schema: {
        tags,
        summary: 'Revoke a refresh token (and its family)',
        description:
          'In cookie mode (`X-Refresh-Mode: cookie`, no body) the cookie’s token is revoked and the cookie cleared.',
        body: RefreshBody.nullish(),
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(ctx.config, request, request.body);
      await ctx.auth.logout(token);
      clearCookie(ctx.config, request, reply);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/auth/logout-all',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        ...secured,
        summary: 'Sign out everywhere: revokes every refresh token and every access token of the user',
        description:
          'Access tokens stop working on every instance within a second; the user’s WebSockets are closed with 4401. Clears the session cookie.',
      },
    },
    async (request, reply) => {
      await ctx.auth.logoutAll(request.user.id, actorOf(request));
      clearCookie(ctx.config, request, reply);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/auth/me',
    {
      onRequest: app.requireUser,
      schema: { tags, ...secured, summary: 'The logged-in user', response: { 200: User, ...errors } },
    },
    async (request) => ctx.auth.me(request.user.id),
  );

  r.post(
    '/api/auth/change-password',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        ...secured,
        summary: 'Change the password; revokes every refresh and access token and answers a fresh pair',
        description: `Other sessions' access tokens stop working on every instance within a second.${cookieNote}`,
        body: ChangePasswordBody,
        response: { 200: TokenResponse, ...errors },
      },
    },
    async (request, reply) => {
      const pair = await ctx.auth.changePassword(
        request.user.id,
        request.body.current_password,
        request.body.new_password,
        actorOf(request),
      );
      return deliverPair(ctx.config, request, reply, pair);
    },
  );

  r.post(
    '/api/auth/2fa/setup',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        ...secured,
        summary: 'Start TOTP set-up',
        response: { 200: TotpSetupResponse, ...errors },
      },
    },
    async (request) => ctx.auth.setupTotp(request.user.id),
  );

  r.post(
    '/api/auth/2fa/enable',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        ...secured,
        summary: 'Confirm TOTP with a code; answers one-time recovery codes',
        body: TotpEnableBody,
        response: { 200: TotpEnableResponse, ...errors },
      },
    },
    async (request) => ctx.auth.enableTotp(request.user.id, request.body.code, actorOf(request)),
  );

  r.post(
    '/api/auth/2fa/disable',
    {
      onRequest: app.requireUser,
      schema: {
        tags,
        ...secured,
        summary: 'Turn TOTP off (password and a code or recovery code); revokes refresh tokens',
        body: TotpDisableBody,
      },
    },
    async (request, reply) => {
      await ctx.auth.disableTotp(request.user.id, request.body.password, request.body.code, actorOf(request));
      return reply.status(204).send();
    },
  );
}
