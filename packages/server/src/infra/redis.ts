import { Redis } from 'ioredis';

/**
 * A Redis connection that never stalls a request: no offline queue (a command while
 * disconnected fails at once so callers fall back to memory), one retry per request, and
 * reconnects in the background with a capped backoff.
 */
export function createRedis(url: string, options: { lazy?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    lazyConnect: options.lazy ?? false,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Errors surface through failed commands and the health check; an unhandled 'error' event
  // would otherwise crash the process.
  redis.on('error', () => {});
  return redis;
}

export function isRedisReady(redis: Redis | undefined): boolean {
  return redis?.status === 'ready';
}
