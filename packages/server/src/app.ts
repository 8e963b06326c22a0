import compress from '@fastify/compress';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config';
import type { AppContext, AppDeps } from './context';
import { type Database, openDatabase, pgliteDataDir } from './infra/db/client';
import { migrate } from './infra/db/migrate';
import { loggerOptions } from './infra/logger';
import { createRedis } from './infra/redis';
import { adminRoutes } from './modules/admin/routes';
import { alertsPlugin } from './modules/alerts/routes';
import { createAccountServices } from './modules/auth/create';
import { authRoutes } from './modules/auth/routes';
import { BetRepo } from './modules/bets/repo';
import { betRoutes } from './modules/bets/routes';
import { BetService } from './modules/bets/service';
import { HealthRegistry } from './modules/monitoring/health';
import { metricsRoutes } from './modules/monitoring/metrics-routes';
import { monitoringRoutes } from './modules/monitoring/routes';
import { createOddsServices } from './modules/odds/plugin';
import { oddsRoutes } from './modules/odds/routes';
import { publicRoutes } from './modules/public/routes';
import { realtimePlugin } from './modules/realtime/routes';
import { createEvServices, scannerPlugin } from './modules/scanner/plugin';
import { meRoutes } from './modules/users/routes';
import { authPlugin } from './plugins/auth';
import { errorHandlerPlugin } from './plugins/error-handler';
import { createMetrics, metricsPlugin } from './plugins/metrics';
import { rateLimitPlugin } from './plugins/rate-limit';
import { genRequestId, requestContextPlugin } from './plugins/request-context';
import { securityHeadersPlugin } from './plugins/security-headers';
import { swaggerPlugin } from './plugins/swagger';
import { webAppPlugin } from './plugins/web-app';

export type App = FastifyInstance;

/**
 * Builds the whole application without listening: the API, the WebSocket feed and the web app.
 * Anything not passed in `deps` is created from `config` and closed with the app.
 */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config),
    // Fastify accepts a hop count at run time (proxy-addr), but its types omit `number`.
    trustProxy: config.trustProxy as boolean | string | string[],
    bodyLimit: config.bodyLimit,
    genReqId: genRequestId,
    requestIdHeader: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The API speaks JSON only: without this, Fastify's built-in text/plain parser would hand a
  // string to JSON schemas (a confusing 400) instead of answering 415.
  app.removeContentTypeParser('text/plain');

  const owned: Array<() => Promise<unknown> | unknown> = [];
  let database: Database;
  if (deps.database) {
    database = deps.database;
  } else {
    database = await openDatabase({
      url: config.database.url,
      poolMax: config.database.poolMax,
      dataDir: pgliteDataDir(config.dataDir),
    });
    owned.push(() => database.close());
    await migrate(database);
  }
  const redis =
    deps.redis !== undefined ? deps.redis : config.redis.url ? createRedis(config.redis.url) : undefined;
  if (redis && deps.redis === undefined) owned.push(() => redis.quit().catch(() => redis.disconnect()));

  const now = deps.now ?? (() => Date.now());
  const accounts = createAccountServices({
    config,
    db: database.db,
    now,
    hasher: deps.passwordHasher,
    onAuditFileError: (err) => app.log.error({ err }, 'audit log file append failed'),
  });
  const ev = createEvServices({
    config,
    db: database.db,
    redis: redis ?? undefined,
    now,
    log: app.log,
    ctx: () => ctx,
  });
  const ctx: AppContext = {
    ...accounts,
    config,
    database,
    db: database.db,
    redis: redis ?? undefined,
    now,
    startedAt: Date.now(),
    health: new HealthRegistry(),
    metrics: createMetrics(),
    ...ev,
    bets: new BetService(new BetRepo(database.db), { hits: ev.hits, audit: accounts.audit, now }),
    ...createOddsServices({
      config,
      redis: redis ?? undefined,
      now,
      log: app.log,
      provider: deps.oddsProvider,
      ctx: () => ctx,
    }),
  };
  app.decorate('ctx', ctx);
  // Failed logins of unknown names are counted in the shared cache (Redis or memory).
  ctx.auth.failureStore = ctx.cache;

  await app.register(errorHandlerPlugin);
  await app.register(requestContextPlugin);
  await app.register(metricsPlugin, { metrics: ctx.metrics });
  await app.register(securityHeadersPlugin, { config });
  await app.register(compress, { global: true, threshold: 2048 });
  await app.register(swaggerPlugin);
  // Before any route: the rate limiter hooks routes as they are added; guards must exist for them.
  await app.register(rateLimitPlugin);
  await app.register(authPlugin);
  await app.register(authRoutes);
  await app.register(meRoutes);
  await app.register(adminRoutes);
  await app.register(monitoringRoutes);
  await app.register(metricsRoutes);
  await app.register(oddsRoutes);
  await app.register(publicRoutes);
  await app.register(scannerPlugin);
  await app.register(betRoutes, { bets: ctx.bets });
  await app.register(realtimePlugin, deps.realtime ?? {});
  await app.register(alertsPlugin, deps.alerts ?? {});

  // Last, so every API route is registered before the single-page-app fallback.
  await app.register(webAppPlugin, { distDir: config.webDistDir });

  app.addHook('onClose', async () => {
    for (const close of owned.reverse()) await close();
  });
  return app as unknown as App;
}
