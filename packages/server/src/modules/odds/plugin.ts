import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { AppContext } from '../../context';
import { CacheManager } from '../../infra/cache/cache-manager';
import type { OddsProvider } from './providers/types';
import { createOddsProvider, OddsService } from './service';

/** `ctx.cache` and `ctx.odds`, built once in buildApp. */
export function createOddsServices(options: {
  config: Config;
  redis: Redis | undefined;
  now: () => number;
  log: FastifyBaseLogger;
  provider?: OddsProvider;
  ctx: () => AppContext;
}): { cache: CacheManager; odds: OddsService } {
  const { config, now, log } = options;
  const cache = new CacheManager({
    redis: options.redis,
    keyPrefix: config.redis.keyPrefix,
    defaultTtl: config.cacheTtl,
    log: log.child({ module: 'cache' }),
    now,
  });
  const providerLog = log.child({ module: 'odds' });
  const odds = new OddsService({
    provider: options.provider ?? createOddsProvider(config, { now, log: providerLog }),
    cache,
    config,
    now,
    log: providerLog,
    engineSettings: () => {
      const settings = options.ctx().settings;
      return settings ? settings.getEngineSettings() : config.engine;
    },
  });
  return { cache, odds };
}
