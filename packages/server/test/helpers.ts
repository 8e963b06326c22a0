import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type App, buildApp } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import type { AppDeps } from '../src/context';
import { type Database, openDatabase } from '../src/infra/db/client';
import { createRedis } from '../src/infra/redis';
import { createTestDatabaseUrl } from './pg-url';

export type DbKind = 'pglite' | 'postgres';

const required = process.env.EVISION_REQUIRE_SERVICES === '1';

/**
 * The databases a suite runs on: PGlite always, and the PostgreSQL server when
 * TEST_DATABASE_URL is set. In CI (EVISION_REQUIRE_SERVICES=1) a missing server is an error.
 */
export function databaseKinds(): DbKind[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (required) throw new Error('TEST_DATABASE_URL is not set but EVISION_REQUIRE_SERVICES=1');
  console.warn('[test] TEST_DATABASE_URL unset: PostgreSQL server variants skipped');
  return ['pglite'];
}

/** The Redis URL for tests, or undefined (with a printed reason) when none is configured. */
export function testRedisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL;
  if (!url) {
    if (required) throw new Error('TEST_REDIS_URL is not set but EVISION_REQUIRE_SERVICES=1');
    console.warn('[test] TEST_REDIS_URL unset: Redis variants skipped');
  }
  return url;
}

/** A key prefix no other test file shares, so parallel files never see each other's keys. */
export function uniqueRedisPrefix(): string {
  return `evision-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** A fresh, migrated database of the given kind, cloned from the run's template. */
export async function createTestDatabase(kind: DbKind = 'pglite'): Promise<Database> {
  if (kind === 'pglite') {
    const tar = readFileSync(inject('pgliteTemplate'));
    return openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([tar]) });
  }
  const { url, drop } = await createTestDatabaseUrl();
  const database = await openDatabase({ url, poolMax: 5 });
  const close = database.close;
  database.close = async () => {
    await close();
    await drop();
  };
  return database;
}

/** A config for tests: quiet logs, no scanner, a temp DATA_DIR, generous rate limits unless set. */
export function testConfig(env: Record<string, string> = {}): Config & { cleanup: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'evision-data-'));
  const config = loadConfig(
    {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      SCANNER: 'false',
      RATE_LIMIT_DEFAULT: '10000',
      RATE_LIMIT_LOGIN: '10000',
      RATE_LIMIT_REGISTER: '10000',
      ...env,
    },
    { dotenvDir: false, persistSecret: false },
  );
  return Object.assign(config, { cleanup: () => rmSync(dataDir, { recursive: true, force: true }) });
}

export interface TestApp {
  app: App;
  config: Config;
  database: Database;
  close(): Promise<void>;
}

/**
 * A whole app on a cloned database (or on `deps.database`, which stays the caller's: `close()`
 * leaves it open). `redis: true` connects to TEST_REDIS_URL with a prefix of its own (the caller
 * should skip when testRedisUrl() is undefined).
 */
export async function createTestApp(
  options: { kind?: DbKind; env?: Record<string, string>; redis?: boolean; deps?: AppDeps } = {},
): Promise<TestApp> {
  const env = { ...options.env };
  if (options.redis) {
    const url = testRedisUrl();
    if (!url) throw new Error('TEST_REDIS_URL is not set');
    env.REDIS_URL = url;
    env.REDIS_KEY_PREFIX = uniqueRedisPrefix();
  }
  const config = testConfig(env);
  // A database passed in deps belongs to the caller: it is neither created nor closed here.
  const given = options.deps?.database;
  const database = given ?? (await createTestDatabase(options.kind ?? 'pglite'));
  const redis = options.redis ? createRedis(config.redis.url!) : null;
  const app = await buildApp(config, { database, redis, ...options.deps });
  await app.ready();
  return {
    app,
    config,
    database,
    async close() {
      await app.close();
      if (!given) await database.close();
      if (redis) {
        const keys = await redis.keys(`${config.redis.keyPrefix}*`).catch(() => []);
        if (keys.length) await redis.del(...keys).catch(() => {});
        redis.disconnect();
      }
      config.cleanup();
    },
  };
}
