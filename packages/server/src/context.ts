import type { FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import type { Database, Db } from './infra/db/client';

/** What buildApp may be given instead of creating it (tests pass a cloned database, a clock…). */
export interface AppDeps {
  database?: Database;
  /** `null` forces no Redis even when configured. */
  redis?: Redis | null;
  logger?: FastifyServerOptions['logger'];
  now?: () => number;
}

/** Shared services, reachable in plugins and routes as `app.ctx`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  redis: Redis | undefined;
  now: () => number;
  startedAt: number;
  /** Called by main.ts once the server listens (prints the demo user, starts background work). */
  onListening?: () => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}
