import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthResponse, VersionResponse } from '@evision/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createTestDatabase,
  databaseKinds,
  type TestApp,
  testConfig,
} from '../../../test/helpers';
import { buildApp } from '../../app';
import { readVersionInfo } from '../../infra/version';
import { HealthRegistry } from './health';

describe.each(databaseKinds())('monitoring on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind, env: { EVISION_GIT_COMMIT: 'abc1234', EVISION_GIT_BRANCH: 'release' } });
  });
  afterAll(() => t.close());

  it('GET /api/version answers the version, commit and branch from the environment, without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/version' });
    expect(res.statusCode).toBe(200);
    const body = VersionResponse.parse(res.json());
    expect(body).toMatchObject({
      version: '0.1.0',
      commit: 'abc1234',
      branch: 'release',
      environment: 'test',
    });
    expect(body.node_version).toBe(process.version);
  });

  it('GET /api/monitoring/health is ok with the database up and unconfigured checks ok', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/monitoring/health' });
    expect(res.statusCode).toBe(200);
    const body = HealthResponse.parse(res.json());
    expect(body.status).toBe('ok');
    expect(body.checks.database.status).toBe('ok');
    expect(body.checks.database.latency_ms).toBeGreaterThanOrEqual(0);
    for (const name of ['cache', 'websocket', 'provider'] as const) {
      expect(body.checks[name].status).toBe('ok');
    }
  });

  it('answers 503 down when the database is closed', async () => {
    const config = testConfig();
    const database = await createTestDatabase(kind);
    const app = await buildApp(config, { database, redis: null });
    await app.ready();
    // PGlite's close is idempotent; a pool's end() is not, so the drop wrapper below runs once.
    await (kind === 'pglite' ? database.close() : database.pool!.end());
    const res = await app.inject({ method: 'GET', url: '/api/monitoring/health' });
    expect(res.statusCode).toBe(503);
    const body = HealthResponse.parse(res.json());
    expect(body.status).toBe('down');
    expect(body.checks.database.status).toBe('down');
    expect(body.checks.database.detail).toBeTruthy();
    await app.close();
    if (kind === 'postgres') {
      database.pool!.end = async () => {};
      await database.close();
    }
    config.cleanup();
  });

  it('lets other modules plug in checks: degraded answers 200, a critical down answers 503', async () => {
    t.app.ctx.health.register('cache', () => ({
      status: 'degraded',
      detail: 'redis unreachable, using memory',
    }));
    let res = await t.app.inject({ method: 'GET', url: '/api/monitoring/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'degraded',
      checks: { cache: { status: 'degraded', detail: 'redis unreachable, using memory' } },
    });
    t.app.ctx.health.register('queue', () => ({ status: 'down' }), { critical: true });
    res = await t.app.inject({ method: 'GET', url: '/api/monitoring/health' });
    expect(res.statusCode).toBe(503);
    t.app.ctx.health.unregister('queue');
    t.app.ctx.health.unregister('cache');
  });
});

describe('HealthRegistry', () => {
  it('turns a throwing check into down and a non-critical down into an overall degraded', async () => {
    const h = new HealthRegistry();
    h.register('provider', () => {
      throw new Error('401 bad key\nstack');
    });
    const report = await h.run();
    expect(report.checks.provider).toMatchObject({ status: 'down', detail: '401 bad key' });
    expect(report.status).toBe('degraded');
  });

  it('bounds a check that never answers by its timeout', async () => {
    const h = new HealthRegistry();
    h.register('database', () => new Promise(() => {}), { critical: true, timeoutMs: 50 });
    const report = await h.run();
    expect(report.status).toBe('down');
    expect(report.checks.database.detail).toContain('50 ms');
  });
});

describe('readVersionInfo', () => {
  it('answers null commit and branch where git has nothing to say, without throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evision-nogit-'));
    try {
      const info = readVersionInfo(
        { environment: 'test', build: { commit: undefined, branch: undefined, buildTime: undefined } },
        { gitCwd: dir },
      );
      expect(info).toMatchObject({ commit: null, branch: null, build_time: null, version: '0.1.0' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers EVISION_GIT_* and EVISION_BUILD_TIME from the build', () => {
    const info = readVersionInfo({
      environment: 'production',
      build: { commit: 'deadbeef', branch: 'main', buildTime: '2025-01-01T00:00:00Z' },
    });
    expect(info).toMatchObject({ commit: 'deadbeef', branch: 'main', build_time: '2025-01-01T00:00:00Z' });
  });
});
