import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context';
import { AppError, forbidden, unauthorized } from '../infra/errors';
import type { AuthUser, Principal } from '../modules/auth/principal';
import { SERVICE_TOKEN_PREFIX, type ServiceScope } from '../modules/auth/tokens';
import { toUserJson } from '../modules/users/service';

export type { AuthUser, Principal };

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

/** How long a resolved user principal is reused without re-reading the user row (docs/SECURITY.md). */
export const PRINCIPAL_CACHE_TTL_MS = 5_000;
const PRINCIPAL_CACHE_MAX = 10_000;

interface CachedPrincipal {
  principal: Principal & { kind: 'user' };
  /** ms (ctx.now clock): the earlier of fill time + TTL and the token's own `exp`. */
  until: number;
  userId: number;
  /** The user's generation when the row was read; a later write makes the entry stale. */
  generation: number;
}

/**
 * User principals by SHA-256 of the access token, so that an authenticated read does not
 * verify the JWT and read the user row on every request. An entry lives at most
 * PRINCIPAL_CACHE_TTL_MS and never past the token's expiry. Every write to a user row in this
 * process (UserRepo.update/delete: role, is_active, password, TOTP; deletion) and every
 * revocation of the user's refresh tokens bumps the user's generation, which retires the
 * user's entries at once; other instances (and the offline CLI) are seen within the TTL.
 * Service tokens are not cached (a revoked one must stop at once; bots are few).
 */
export class PrincipalCache {
  private readonly entries = new Map<string, CachedPrincipal>();
  private readonly generations = new Map<number, number>();
  /** Lookups in flight by key: concurrent misses for one token share one verification and read. */
  private readonly inflight = new Map<string, Promise<CachedPrincipal['principal']>>();

  constructor(
    private readonly now: () => number,
    readonly ttlMs = PRINCIPAL_CACHE_TTL_MS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  static key(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  generation(userId: number): number {
    return this.generations.get(userId) ?? 0;
  }

  get(key: string): CachedPrincipal['principal'] | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now() || e.generation !== this.generation(e.userId)) {
      this.entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  /** `generation` must be read before the user row was, so a concurrent write is never masked. */
  set(key: string, principal: CachedPrincipal['principal'], generation: number, expSeconds?: number): void {
    if (this.ttlMs <= 0) return;
    const now = this.now();
    const until = Math.min(
      now + this.ttlMs,
      expSeconds === undefined ? Number.POSITIVE_INFINITY : expSeconds * 1000,
    );
    if (until <= now) return;
    if (this.entries.size >= PRINCIPAL_CACHE_MAX) {
      for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
      // Still full (a flood of distinct valid tokens): drop the oldest tenth.
      if (this.entries.size >= PRINCIPAL_CACHE_MAX) {
        let drop = Math.ceil(PRINCIPAL_CACHE_MAX / 10);
        for (const k of this.entries.keys()) {
          if (drop-- <= 0) break;
          this.entries.delete(k);
        }
      }
    }
    this.entries.set(key, { principal, until, userId: principal.user.id, generation });
  }

  /**
   * The principal for `key`, from the cache or from `load` — which runs once for all the
   * requests that miss on the same key at the same time (when an entry expires under load, 50
   * connections would otherwise verify the same JWT and read the same user row 50 times at once,
   * stalling the event loop). A lookup that started before an invalidation is not joined after
   * it: invalidateUser forgets every lookup in flight.
   */
  resolve(
    key: string,
    load: () => Promise<CachedPrincipal['principal']>,
  ): Promise<CachedPrincipal['principal']> {
    const hit = this.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const started = load();
    this.inflight.set(key, started);
    const forget = () => {
      if (this.inflight.get(key) === started) this.inflight.delete(key);
    };
    started.then(forget, forget);
    return started;
  }

  /** How many lookups are in flight (for tests). */
  get pending(): number {
    return this.inflight.size;
  }

  /** The user's cached principals are stale from now on (role, activation, password, deletion…). */
  invalidateUser(userId: number): void {
    this.generations.set(userId, this.generation(userId) + 1);
    this.inflight.clear();
  }

  clear(): void {
    this.entries.clear();
    this.inflight.clear();
  }
}

/** Pub/sub topic of token-version bumps (not forwarded to WebSocket clients). */
export const TOKEN_VERSION_TOPIC = 'auth:token_version';

const caches = new WeakMap<AppContext, PrincipalCache>();

/**
 * The principal cache of an app context (shared by every guard and the WebSocket layer of that
 * context). Created on first use, when it also hooks the user writes that must invalidate it.
 */
export function principalCache(ctx: AppContext): PrincipalCache {
  let cache = caches.get(ctx);
  if (cache) return cache;
  const created = new PrincipalCache(ctx.now);
  cache = created;
  caches.set(ctx, created);
  const repo = ctx.users.repo;
  const update = repo.update.bind(repo);
  repo.update = async (id, set) => {
    created.invalidateUser(id);
    try {
      return await update(id, set);
    } finally {
      created.invalidateUser(id);
    }
  };
  const remove = repo.delete.bind(repo);
  repo.delete = async (id) => {
    created.invalidateUser(id);
    try {
      return await remove(id);
    } finally {
      created.invalidateUser(id);
    }
  };
  // A bumped token version retires the user's access tokens: here at once, on the other
  // instances through pub/sub (the auth plugin's subscription invalidates their caches too).
  const bump = repo.bumpTokenVersion.bind(repo);
  repo.bumpTokenVersion = async (id) => {
    const version = await bump(id);
    created.invalidateUser(id);
    if (version !== null)
      ctx.pubsub.publish(TOKEN_VERSION_TOPIC, 'user.token_version', { user_id: id, version });
    return version;
  };
  const revokeAll = ctx.tokens.revokeAllForUser.bind(ctx.tokens);
  ctx.tokens.revokeAllForUser = async (userId) => {
    try {
      return await revokeAll(userId);
    } finally {
      created.invalidateUser(userId);
    }
  };
  return created;
}

/** Resolves a token to its principal or throws the 401 a client should see. */
export async function resolvePrincipal(ctx: AppContext, token: string): Promise<Principal> {
  if (token.startsWith(SERVICE_TOKEN_PREFIX)) {
    const info = await ctx.tokens.authenticateServiceToken(token);
    if (!info) throw unauthorized('Invalid token', 'invalid_token');
    return { kind: 'service', tokenId: info.id, name: info.name, scopes: info.scopes };
  }
  const cache = principalCache(ctx);
  const key = PrincipalCache.key(token);
  return cache.resolve(key, async () => {
    const claims = await ctx.tokens.verifyAccess(token);
    const generation = cache.generation(claims.userId);
    const row = await ctx.users.repo.byId(claims.userId);
    if (!row?.isActive) throw unauthorized('Invalid token', 'invalid_token');
    if (claims.version !== row.tokenVersion) {
      throw unauthorized(
        'This token was revoked (password change, sign-out everywhere or a role change)',
        'token_revoked',
      );
    }
    // Shared by the requests that hit the cache: frozen so that no handler can alter another's.
    const principal = Object.freeze({
      kind: 'user' as const,
      user: Object.freeze(toUserJson(row)),
      version: claims.version,
      exp: claims.exp,
    });
    cache.set(key, principal, generation, claims.exp);
    return principal;
  });
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

    // Token-version bumps, from this instance or another: retire the user's cached principals
    // and close their WebSockets (4401) that authenticated with an older token.
    const cache = principalCache(app.ctx);
    const unsubscribe = app.ctx.pubsub.subscribe(TOKEN_VERSION_TOPIC, (message) => {
      const data = message.data as { user_id?: unknown; version?: unknown } | null;
      const userId = Number(data?.user_id);
      const version = Number(data?.version);
      if (!Number.isSafeInteger(userId) || !Number.isSafeInteger(version)) return;
      cache.invalidateUser(userId);
      app.ctx.realtime?.closeUser(userId, version);
    });
    app.addHook('onClose', async () => unsubscribe());

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
