import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, testRedisUrl } from '../../test/helpers';

const login = (t: TestApp, ip = '203.0.113.7') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    payload: { username: 'nobody', password: 'irrelevant-pw' },
  });

describe('rate limits (in memory)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_DEFAULT: '3', RATE_LIMIT_LOGIN: '2', RATE_LIMIT_REGISTER: '1' },
    });
  });
  afterAll(() => t.close());

  it('answers 429 rate_limited with Retry-After after RATE_LIMIT_LOGIN logins a minute per client', async () => {
    expect((await login(t)).statusCode).toBe(401);
    expect((await login(t)).statusCode).toBe(401);
    const limited = await login(t);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another client still gets through.
    expect((await login(t, '198.51.100.9')).statusCode).toBe(401);
  });

  it('applies RATE_LIMIT_DEFAULT to other API routes and leaves the health probe alone', async () => {
    const me = () => t.app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: '192.0.2.50' });
    for (let i = 0; i < 3; i++) expect((await me()).statusCode).toBe(401);
    expect((await me()).statusCode).toBe(429);
    for (let i = 0; i < 5; i++) {
      const health = await t.app.inject({
        method: 'GET',
        url: '/api/monitoring/health',
        remoteAddress: '192.0.2.50',
      });
      expect(health.statusCode).not.toBe(429);
    }
  });

  it('records one RATE_LIMITED audit record per client per window, however many trips', async () => {
    for (let i = 0; i < 5; i++) await login(t, '192.0.2.77');
    await t.app.ctx.audit.flush();
    const records = (await t.app.ctx.audit.list({ type: 'RATE_LIMITED', limit: 100 })).filter(
      (r) => r.ip === '192.0.2.77',
    );
    expect(records).toHaveLength(1);
    expect(records[0].message).toContain('RATE LIMITED');
  });
});

const redisUrl = testRedisUrl();

function ready(t: TestApp): Promise<void> {
  const redis = t.app.ctx.redis!;
  return redis.status === 'ready'
    ? Promise.resolve()
    : new Promise((resolve) => redis.once('ready', () => resolve()));
}

describe.skipIf(!redisUrl)('rate limits in Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ redis: true, env: { RATE_LIMIT_LOGIN: '3' } });
    // Instance B shares A's Redis and key prefix, as two instances of one deployment do.
    b = await createTestApp({
      env: { RATE_LIMIT_LOGIN: '3', REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: a.config.redis.keyPrefix },
      deps: { redis: undefined },
    });
    await Promise.all([ready(a), ready(b)]);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('counts one client across two instances', async () => {
    expect((await login(a, '203.0.113.99')).statusCode).toBe(401);
    expect((await login(b, '203.0.113.99')).statusCode).toBe(401);
    expect((await login(a, '203.0.113.99')).statusCode).toBe(401);
    const limited = await login(b, '203.0.113.99');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    const keys = await a.app.ctx.redis!.keys(`${a.config.redis.keyPrefix}rl:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});

describe('rate limits with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { REDIS_URL: 'redis://127.0.0.1:1/0', RATE_LIMIT_LOGIN: '2' },
      deps: { redis: undefined },
    });
  });
  afterAll(() => t.close());

  it('lets requests through instead of failing them', async () => {
    for (let i = 0; i < 3; i++) expect((await login(t, '203.0.113.50')).statusCode).toBe(401);
  });
});
