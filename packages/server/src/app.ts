import compress from '@fastify/compress';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config';
import type { AppContext, AppDeps } from './context';
import { type Database, openDatabase, pgliteDataDir } from './infra/db/client';
import { migrate } from './infra/db/migrate';
import { loggerOptions } from './infra/logger';
import { createRedis } from './infra/redis';
import { errorHandlerPlugin } from './plugins/error-handler';
import { genRequestId, requestContextPlugin } from './plugins/request-context';
import { securityHeadersPlugin } from './plugins/security-headers';
import { swaggerPlugin } from './plugins/swagger';

export type App = FastifyInstance;

/**
 * Builds the whole application without listening: the API, the WebSocket feed and the web app.
 * Anything not passed in `deps` is created from `config` and closed with the app.
 */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    genReqId: genRequestId,
    requestIdHeader: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

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

  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    redis: redis ?? undefined,
    now: deps.now ?? (() => Date.now()),
    startedAt: Date.now(),
  };
  app.decorate('ctx', ctx);

  await app.register(errorHandlerPlugin);
  await app.register(requestContextPlugin);
  await app.register(securityHeadersPlugin, { config });
  await app.register(compress, { global: true, threshold: 2048 });
  await app.register(swaggerPlugin);

  app.addHook('onClose', async () => {
    for (const close of owned.reverse()) await close();
  });
  return app as unknown as App;
}
