import { HealthResponse, VersionResponse } from '@evision/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readVersionInfo, type VersionInfo } from '../../infra/version';
import { healthHttpStatus } from './health';

export interface MonitoringRoutesOptions {
  /** Tests pass a fixed answer; otherwise it is read once from the environment and git. */
  version?: VersionInfo;
}

/** Public `GET /api/version` and `GET /api/monitoring/health`, plus the built-in database check. */
export async function monitoringRoutes(app: FastifyInstance, opts: MonitoringRoutesOptions = {}) {
  const { ctx } = app;
  const version = opts.version ?? readVersionInfo(ctx.config);

  if (!ctx.health.has('database')) {
    ctx.health.register(
      'database',
      async () => {
        await ctx.database.ping();
        return { status: 'ok', detail: ctx.database.kind };
      },
      { critical: true, timeoutMs: 3_000 },
    );
  }

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/version',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Application version, git commit and branch, build time',
        response: { 200: VersionResponse },
      },
    },
    async () => version,
  );

  r.get(
    '/api/monitoring/health',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Health of the database, cache, WebSocket hub and odds provider',
        description: '`ok` and `degraded` answer 200, `down` 503.',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const report = await ctx.health.run();
      reply.header('cache-control', 'no-store');
      return reply.status(healthHttpStatus(report)).send(report as HealthResponse);
    },
  );
}
