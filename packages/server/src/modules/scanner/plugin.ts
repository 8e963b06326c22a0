import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config, EngineSettings } from '../../config';
import type { AppContext } from '../../context';
import type { Db } from '../../infra/db/client';
import { createLeaderLock } from '../../infra/leader-lock';
import { createPubSub, type PubSub } from '../../infra/pubsub';
import { arbitrageRoutes } from '../ev/arbitrage-routes';
import type { WireHit } from '../ev/hit';
import { HitBook } from '../ev/hit-book';
import { HitRepo } from '../ev/repo';
import { evRoutes } from '../ev/routes';
import { HitService } from '../ev/service';
import { ingestRoutes } from '../ingest/routes';
import { toolsRoutes } from '../tools/routes';
import { type OddsSource, Scanner } from './scanner';

/** How often bot hits are checked against their TTL, scanner cycle or not. */
const EXPIRY_CHECK_MS = 5_000;

/**
 * Wires the EV pipeline into the app: `ctx.pubsub`, `ctx.hits`, `ctx.scanner`, the EV, tools
 * and ingest routes. The scanner loop starts when the app is ready (if `config.scanner`) and
 * stops when it closes, so `main.ts` needs nothing for it. Instances that are not the leader
 * mirror the leader's hit messages into their own HitBook, so every instance serves the same
 * hits over HTTP.
 */
export interface EvServices {
  pubsub: PubSub;
  hits: HitService;
  scanner: Scanner;
}

/**
 * Builds `ctx.pubsub`, `ctx.hits` and `ctx.scanner` (no I/O yet). `ctx` is read lazily: the
 * engine settings and the odds service are looked up when a cycle runs.
 */
export function createEvServices(options: {
  config: Config;
  db: Db;
  redis: Redis | undefined;
  now: () => number;
  log: FastifyBaseLogger;
  ctx: () => AppContext;
}): EvServices {
  const { config, now, log } = options;
  const pubsub = createPubSub({
    redis: options.redis,
    keyPrefix: config.redis.keyPrefix,
    onError: (err) => log.warn({ err }, 'pub/sub error'),
  });
  const book = new HitBook({ now });
  const hits = new HitService(book, new HitRepo(options.db), pubsub, now, log);
  const settings = (): Promise<EngineSettings> | EngineSettings => {
    const s = options.ctx().settings;
    return s ? s.getEngineSettings() : config.engine;
  };
  const odds: OddsSource = {
    trackedSports: () => oddsOf(options.ctx())?.trackedSports() ?? [],
    fetchSport: async (sport, opts) => (await oddsOf(options.ctx())?.fetchSport(sport, opts)) ?? [],
    merge: async (events) => {
      const o = oddsOf(options.ctx());
      return o?.merge ? o.merge(events) : events;
    },
  };
  const lock = createLeaderLock({
    redis: options.redis,
    key: `${config.redis.keyPrefix}scanner:leader`,
    ttlMs: Math.max(3 * config.engine.scan_interval * 1000, 5_000),
  });
  const onClosingLine = (eventId: string) => options.ctx().bets?.onClosingLine(eventId);
  const scanner = new Scanner({ odds, hits, pubsub, lock, settings, now, log, onClosingLine });
  return { pubsub, hits, scanner };
}

function oddsOf(ctx: AppContext): OddsSource | undefined {
  return (ctx as unknown as { odds?: OddsSource }).odds;
}

/**
 * Starts the EV pipeline of an app: restores the HitBook from the database, mirrors other
 * instances' hit messages (so followers serve the same hits over HTTP), registers the EV,
 * tools and ingest routes, starts the scanner loop when the app is ready (if
 * `config.scanner`) and stops it when the app closes — so main.ts needs nothing for it.
 */
export async function scannerPlugin(app: FastifyInstance) {
  const { ctx } = app;
  const { hits, scanner, pubsub } = ctx;
  await hits.load();
  ctx.settings?.onChange((s) => scanner.settingsChanged(s));

  const unsubscribe = pubsub.subscribe('ev', (message, _json, remote) => {
    if (remote) hits.book.applyRemote(message.type, message.data as WireHit);
  });

  let expiry: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    expiry = setInterval(() => {
      void scanner.expireNow().catch((err) => app.log.error({ err }, 'bot hit expiry failed'));
    }, EXPIRY_CHECK_MS);
    expiry.unref();
    if (ctx.config.scanner) scanner.start();
  });
  app.addHook('onClose', async () => {
    clearInterval(expiry);
    unsubscribe();
    await scanner.stop();
    await pubsub.close();
  });

  await app.register(evRoutes, { hits });
  await app.register(arbitrageRoutes, { odds: ctx.odds, now: ctx.now });
  await app.register(toolsRoutes);
  await app.register(ingestRoutes, { scanner });
}
