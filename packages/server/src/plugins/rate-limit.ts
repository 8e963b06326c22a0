import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { tooManyRequests } from '../infra/errors';
import { SERVICE_TOKEN_PREFIX } from '../modules/auth/tokens';
import { PrincipalCache, principalCache } from './auth';

const WINDOW_MS = 60_000;

/**
 * Paths outside the default per-client limit: monitoring probes (scraped by machines on a
 * schedule), the API docs, and everything that is not the API (the web app's static files).
 * Login and register carry their own, stricter limits on the route.
 */
function exempt(url: string): boolean {
  const path = url.split('?')[0];
  if (path === '/api/monitoring/health' || path === '/api/monitoring/metrics') return true;
  return !(path.startsWith('/api/') || path === '/api' || path.startsWith('/ws'));
}

/** The client's address; `request.ip` is missing under `injectWS`, hence the fallbacks. */
export function clientKey(request: FastifyRequest): string {
  return request.ip || request.socket?.remoteAddress || 'unknown';
}

/**
 * What a request is counted against: the user of a valid access token (`user:<id>`: users
 * behind one NAT, or one busy board, do not share a budget), otherwise the client address.
 * The token is checked (principal cache, else the JWT signature), so a forged `sub` cannot
 * pick someone else's budget or a fresh one per request; service tokens count per address.
 */
async function limitKey(app: FastifyInstance, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const token = match?.[1];
  if (!token || token.length > 4096 || token.startsWith(SERVICE_TOKEN_PREFIX)) return clientKey(request);
  const cached = principalCache(app.ctx).get(PrincipalCache.key(token));
  if (cached) return `user:${cached.user.id}`;
  try {
    return `user:${(await app.ctx.tokens.verifyAccess(token)).userId}`;
  } catch {
    return clientKey(request);
  }
}

/**
 * Per-client request limits (ARCHITECTURE §10). Counters live in Redis when configured so
 * every instance counts together; a Redis error lets the request through rather than failing
 * it. Trips are audited at most once per client and window so a flood cannot flood the log.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    const { config, redis } = app.ctx;
    const audited = new Map<string, number>();

    function auditTrip(request: FastifyRequest, key: string): void {
      const now = app.ctx.now();
      const until = audited.get(key);
      if (until !== undefined && until > now) return;
      if (audited.size > 10_000) {
        for (const [k, t] of audited) if (t <= now) audited.delete(k);
      }
      audited.set(key, now + WINDOW_MS);
      app.ctx.audit
        .append({
          type: 'RATE_LIMITED',
          message: `client ${key} exceeded the rate limit on ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} (further trips in this window are not recorded)`,
          ip: key,
          details: { route: request.routeOptions.url ?? null, method: request.method },
        })
        .catch((err) => request.log.error({ err }, 'audit append failed'));
    }

    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.default,
      timeWindow: WINDOW_MS,
      keyGenerator: (request) => limitKey(app, request),
      allowList: (request) => exempt(request.url),
      skipOnError: true,
      ...(redis ? { redis, nameSpace: `${config.redis.keyPrefix}rl:` } : {}),
      onExceeded: auditTrip,
      errorResponseBuilder: (_request, context) =>
        tooManyRequests(`Too many requests: limit is ${context.max} per minute`, context.ttl / 1000),
    });

    // @fastify/rate-limit appends its check after a route's own onRequest hooks, so an auth
    // guard there would answer 401 before the request is counted and unauthenticated floods
    // would never be limited. This hook runs right after the plugin's and moves its check first.
    app.addHook('onRoute', (route) => {
      if (route.config?.rateLimit === false || !Array.isArray(route.onRequest) || route.onRequest.length < 2)
        return;
      const limiter = route.onRequest.pop()!;
      route.onRequest.unshift(limiter);
    });
  },
  { name: 'rate-limit' },
);

/** Route config for a stricter per-minute limit, e.g. `config: loginLimit(config.rateLimit.login)`. */
export function routeLimit(max: number) {
  return { rateLimit: { max, timeWindow: WINDOW_MS } };
}
