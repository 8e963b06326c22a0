import type { User as UserJson } from '@evision/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context';
import { AppError, forbidden, unauthorized } from '../infra/errors';
import { SERVICE_TOKEN_PREFIX, type ServiceScope } from '../modules/auth/tokens';
import { toUserJson } from '../modules/users/service';

export type AuthUser = UserJson;

export type Principal =
  | { kind: 'user'; user: AuthUser }
  | { kind: 'service'; tokenId: number; name: string; scopes: ServiceScope[] };

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: a user access token is required; sets `request.user` and `request.principal`. */
    requireUser: Guard;
    /** preHandler: like requireUser, and the user must be an admin (403 otherwise). */
    requireAdmin: Guard;
    /** preHandler: a service token with this scope; for `feed` any logged-in user too. */
    requireScope(scope: ServiceScope): Guard;
  }
  interface FastifyRequest {
    /** Set by requireUser/requireAdmin (and requireScope for users); undefined elsewhere. */
    user: AuthUser;
    principal: Principal;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('Authorization must be "Bearer <token>"', 'invalid_token');
  return match[1];
}

/** Resolves a token to its principal or throws the 401 a client should see. */
export async function resolvePrincipal(ctx: AppContext, token: string): Promise<Principal> {
  if (token.startsWith(SERVICE_TOKEN_PREFIX)) {
    const info = await ctx.tokens.authenticateServiceToken(token);
    if (!info) throw unauthorized('Invalid token', 'invalid_token');
    return { kind: 'service', tokenId: info.id, name: info.name, scopes: info.scopes };
  }
  const claims = await ctx.tokens.verifyAccess(token);
  const row = await ctx.users.repo.byId(claims.userId);
  if (!row?.isActive) throw unauthorized('Invalid token', 'invalid_token');
  return { kind: 'user', user: toUserJson(row) };
}

/** For the WebSocket layer: the principal of an access or service token, or null. */
export async function authenticateToken(
  ctx: AppContext,
  token: string | null | undefined,
): Promise<Principal | null> {
  if (!token || token.length > 4096) return null;
  try {
    return await resolvePrincipal(ctx, token);
  } catch {
    return null;
  }
}

export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('user', undefined as never);
    app.decorateRequest('principal', undefined as never);

    async function principalOf(request: FastifyRequest): Promise<Principal> {
      const token = bearerToken(request);
      if (!token) throw unauthorized('Not authenticated');
      if (token.length > 4096) throw unauthorized('Invalid token', 'invalid_token');
      return resolvePrincipal(app.ctx, token);
    }

    const requireUser: Guard = async (request) => {
      const principal = await principalOf(request);
      if (principal.kind !== 'user') {
        throw forbidden('Service tokens may only use the ingest and feed endpoints', 'insufficient_scope');
      }
      request.principal = principal;
      request.user = principal.user;
    };

    app.decorate('requireUser', requireUser);
    app.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
      await requireUser(request, reply);
      if (request.user.role !== 'admin') throw forbidden('Admin role required');
    });
    app.decorate('requireScope', (scope: ServiceScope): Guard => {
      return async (request) => {
        const principal = await principalOf(request);
        if (principal.kind === 'service') {
          if (!principal.scopes.includes(scope)) {
            throw new AppError(403, 'insufficient_scope', `This token lacks the "${scope}" scope`);
          }
        } else if (scope !== 'feed') {
          throw new AppError(
            403,
            'insufficient_scope',
            `A service token with the "${scope}" scope is required`,
          );
        } else {
          request.user = principal.user;
        }
        request.principal = principal;
      };
    });
  },
  { name: 'auth' },
);
