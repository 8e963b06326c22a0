import { statfsSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { SECRET_VARIABLES } from '../../config';

/**
 * `GET /api/monitoring/metrics` (public, Prometheus text), `GET /api/monitoring/stats` and
 * `GET /api/monitoring/config` (signed-in users): what the brief's operators read.
 */
export async function metricsRoutes(app: FastifyInstance) {
  const { ctx } = app;
  const { metrics } = ctx;

  // Gauges read at scrape time, so they are never stale and cost nothing between scrapes.
  const uptime = metrics.gauge('evision_uptime_seconds', 'Seconds since the process started');
  const cacheHits = metrics.gauge('evision_cache_hits', 'Cache hits since start');
  const cacheMisses = metrics.gauge('evision_cache_misses', 'Cache misses since start');
  const cacheKeys = metrics.gauge('evision_cache_keys', 'Keys in the cache');
  const activeHits = metrics.gauge('evision_ev_hits_active', 'Active EV hits');
  const quotaRemaining = metrics.gauge(
    'evision_odds_api_requests_remaining',
    'The Odds API credits remaining',
  );
  const quotaUsed = metrics.gauge('evision_odds_api_requests_used', 'The Odds API credits used');

  async function refreshGauges() {
    uptime.set((Date.now() - ctx.startedAt) / 1000);
    const cache = await ctx.cache.stats();
    cacheHits.set(cache.hits);
    cacheMisses.set(cache.misses);
    cacheKeys.set(cache.keys);
    activeHits.set(ctx.hits.book.size);
    const quota = ctx.odds.status().quota;
    if (quota?.remaining != null) quotaRemaining.set(quota.remaining);
    if (quota?.used != null) quotaUsed.set(quota.used);
  }

  app.get(
    '/api/monitoring/metrics',
    { schema: { tags: ['monitoring'], summary: 'Prometheus metrics (text exposition format)' } },
    async (_request, reply) => {
      await refreshGauges();
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  app.get(
    '/api/monitoring/stats',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['monitoring'],
        summary: 'Database, cache, provider, hits and system resource statistics',
        security: [{ bearer: [] }],
      },
    },
    async () => {
      const started = performance.now();
      let databaseOk = true;
      try {
        await ctx.database.ping();
      } catch {
        databaseOk = false;
      }
      const dbLatency = performance.now() - started;
      const mem = process.memoryUsage();
      let disk: { total_bytes: number; free_bytes: number } | null = null;
      try {
        const s = statfsSync(ctx.config.dataDir);
        disk = { total_bytes: s.blocks * s.bsize, free_bytes: s.bavail * s.bsize };
      } catch {
        disk = null;
      }
      const cpu = process.cpuUsage();
      return {
        uptime_seconds: Math.round((Date.now() - ctx.startedAt) / 1000),
        database: { kind: ctx.database.kind, ok: databaseOk, latency_ms: Number(dbLatency.toFixed(2)) },
        cache: await ctx.cache.stats(),
        websocket: { connections: ctx.realtime?.connections ?? 0 },
        provider: ctx.odds.status(),
        hits: { active: ctx.hits.book.size },
        scanner: { enabled: ctx.config.scanner, last_cycle: ctx.scanner.lastSummary ?? null },
        system: {
          cpu_count: cpus().length,
          load_average: loadavg(),
          process_cpu_seconds: (cpu.user + cpu.system) / 1e6,
          memory: {
            rss_bytes: mem.rss,
            heap_used_bytes: mem.heapUsed,
            system_total_bytes: totalmem(),
            system_free_bytes: freemem(),
          },
          disk,
        },
      };
    },
  );

  app.get(
    '/api/monitoring/config',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['monitoring'],
        summary: 'Non-sensitive configuration values',
        security: [{ bearer: [] }],
      },
    },
    async () => {
      const c = ctx.config;
      return {
        environment: c.environment,
        database: c.database.url ? 'postgres' : 'pglite',
        cache_backend: ctx.cache.backendInUse(),
        redis_configured: Boolean(c.redis.url),
        cache_ttl: c.cacheTtl,
        registration: c.registration,
        rate_limits: c.rateLimit,
        access_token_ttl: c.accessTokenTtl,
        refresh_token_ttl: c.refreshTokenTtl,
        odds_provider: c.odds.provider,
        odds_refresh_min_interval: c.odds.refreshMinInterval,
        engine: await ctx.settings.getEngineSettings(),
        kelly_fraction: c.kellyFraction,
        secrets_hidden: [...SECRET_VARIABLES],
      };
    },
  );
}
