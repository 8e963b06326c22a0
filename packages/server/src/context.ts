import type { FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import type { AuditChain } from './infra/audit/chain';
import type { CacheManager } from './infra/cache/cache-manager';
import type { Database, Db } from './infra/db/client';
import type { PubSub } from './infra/pubsub';
import type { AlertService } from './modules/alerts/service';
import type { AlertTuning } from './modules/alerts/tuning';
import type { AuthService } from './modules/auth/service';
import type { TokenService } from './modules/auth/tokens';
import type { BetService } from './modules/bets/service';
import type { HitService } from './modules/ev/service';
import type { HealthRegistry } from './modules/monitoring/health';
import type { OddsProvider } from './modules/odds/providers/types';
import type { OddsService } from './modules/odds/service';
import type { RealtimeHub, RealtimeOptions } from './modules/realtime/hub';
import type { Scanner } from './modules/scanner/scanner';
import type { SettingsService } from './modules/settings/service';
import type { PasswordHasher } from './modules/users/passwords';
import type { UserService } from './modules/users/service';
import type { Metrics } from './plugins/metrics';

/** What buildApp may be given instead of creating it (tests pass a cloned database, a clock…). */
export interface AppDeps {
  database?: Database;
  /** `null` forces no Redis even when configured. */
  redis?: Redis | null;
  logger?: FastifyServerOptions['logger'];
  now?: () => number;
  /** Password hasher (tests wrap the real argon2id one to count verifications). */
  passwordHasher?: PasswordHasher;
  /** Odds provider instead of the configured one (tests, benchmarks). */
  oddsProvider?: OddsProvider;
  /** WebSocket hub tuning (tests shorten the heartbeat and the buffer bound). */
  realtime?: RealtimeOptions;
  /** Alert engine tuning (tests: a rebinding resolver, short retries). */
  alerts?: AlertTuning;
}

/** Shared services, reachable in plugins and routes as `app.ctx`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  redis: Redis | undefined;
  now: () => number;
  startedAt: number;
  /** Pluggable health checks: `ctx.health.register('cache', check)` (modules/monitoring/health.ts). */
  health: HealthRegistry;
  /** Prometheus registry and helpers (plugins/metrics.ts); modules add their own gauges. */
  metrics: Metrics;
  /** Redis-first cache with an in-memory fallback (infra/cache). */
  cache: CacheManager;
  /** Odds snapshots per sport, the provider, and its status (modules/odds). */
  odds: OddsService;
  /** Accounts: create/list users, passwords, personal settings, the demo user (modules/users). */
  users: UserService;
  /** Login, refresh, logout, 2FA (modules/auth). */
  auth: AuthService;
  /** Access, refresh and service tokens (modules/auth/tokens.ts). */
  tokens: TokenService;
  /** The audit hash chain: `append`, `list`, `verify` (infra/audit). */
  audit: AuditChain;
  /** Engine settings: environment defaults overridden by the admin's saved row (modules/settings). */
  settings: SettingsService;
  /** Pub/sub (Redis across instances, local otherwise): topics `ev`, `ev:<sport>`, `odds:<sport>`, `system`. */
  pubsub: PubSub;
  /** The current EV hits (HitBook), their persistence, reads, history and export (modules/ev). */
  hits: HitService;
  /** A user's logged bets, their settling and CLV (modules/bets). */
  bets: BetService;
  /** The scan loop, `runOnce()`, and the ingest paths (modules/scanner). */
  scanner: Scanner;
  /** The WebSocket hub of `/ws/live`; set when its plugin registers (modules/realtime). */
  realtime?: RealtimeHub;
  /** Alert rules, their firing and deliveries (modules/alerts); set when its plugin registers. */
  alerts?: AlertService;
  /** Called by main.ts once the server listens (prints the demo user, starts background work). */
  onListening?: () => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}
