import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedisUrl, uniqueRedisPrefix } from '../../../test/helpers';
import { createRedis } from '../redis';
import { CacheManager } from './cache-manager';

const redisUrl = testRedisUrl();

/** Fails the test instead of hanging when a call stalls. */
function quick<T>(p: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`stalled for ${ms} ms`)), ms)),
  ]);
}

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CacheManager in memory (no Redis configured)', () => {
  it('gets, sets with a TTL, deletes and clears a pattern', async () => {
    let now = 1_000_000;
    const cache = new CacheManager({ keyPrefix: 'p:', defaultTtl: 60, now: () => now });
    await cache.set('odds:nba:a', { x: 1 });
    await cache.set('odds:nba:b', [1, 2], 5);
    await cache.set('odds:nhl:a', 'keep');
    expect(await cache.get('odds:nba:a')).toEqual({ x: 1 });
    now += 5_001;
    expect(await cache.get('odds:nba:b')).toBeUndefined();
    expect(await cache.clearPattern('odds:nba:*')).toBe(1);
    expect(await cache.get('odds:nba:a')).toBeUndefined();
    expect(await cache.get('odds:nhl:a')).toBe('keep');
    await cache.delete('odds:nhl:a');
    expect(await cache.get('odds:nhl:a')).toBeUndefined();
    await cache.setBuffer('buf', Buffer.from('hello'));
    expect((await cache.getBuffer('buf'))?.toString()).toBe('hello');
    const stats = await cache.stats();
    expect(stats).toMatchObject({ backend: 'memory', hits: 3, misses: 3, keys: 1, redis_configured: false });
    expect(stats.hit_rate).toBeCloseTo(0.5);
    expect(cache.health()).toEqual({ status: 'ok', detail: expect.stringContaining('no REDIS_URL') });
  });

  it('bounds the fallback by evicting the oldest writes', async () => {
    const cache = new CacheManager({ keyPrefix: 'p:', defaultTtl: 60, maxMemoryEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await cache.set(k, k);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('d')).toBe('d');
  });
});

describe.skipIf(!redisUrl)('CacheManager on Redis', () => {
  const opened: Array<{ quit(): Promise<unknown>; disconnect(): void }> = [];
  const caches: CacheManager[] = [];
  afterEach(async () => {
    for (const c of caches.splice(0)) c.close();
    for (const r of opened.splice(0)) await r.quit().catch(() => r.disconnect());
  });

  async function open(prefix = uniqueRedisPrefix(), url = redisUrl!) {
    const redis = createRedis(url);
    opened.push(redis);
    const warnings: string[] = [];
    const cache = new CacheManager({
      redis,
      keyPrefix: prefix,
      defaultTtl: 60,
      log: { info: (_o, m) => warnings.push(m), warn: (_o, m) => warnings.push(m) },
    });
    caches.push(cache);
    return { redis, cache, prefix, warnings };
  }
  const admin = () => {
    const r = new Redis(redisUrl!, { lazyConnect: false });
    opened.push(r);
    return r;
  };

  it('stores under its prefix with the TTL, and counts hits, misses and keys', async () => {
    const { redis, cache, prefix } = await open();
    await until(() => redis.status === 'ready');
    await cache.set('odds:nba:1', { events: [] }, 30);
    expect(await cache.get('odds:nba:1')).toEqual({ events: [] });
    expect(await cache.get('missing')).toBeUndefined();
    const ttl = await redis.ttl(`${prefix}cache:odds:nba:1`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
    await cache.set('default-ttl', 1);
    expect(await redis.ttl(`${prefix}cache:default-ttl`)).toBeGreaterThan(55);
    await cache.delete('default-ttl');
    expect(await redis.exists(`${prefix}cache:default-ttl`)).toBe(0);
    expect(await cache.stats()).toMatchObject({
      backend: 'redis',
      hits: 1,
      misses: 1,
      keys: 1,
      redis_configured: true,
      redis_connected: true,
    });
    expect(cache.health().status).toBe('ok');
    await redis.del(`${prefix}cache:odds:nba:1`);
  });

  it('clearPattern deletes only its own prefix’s keys (SCAN, never KEYS)', async () => {
    const mine = await open();
    const other = await open();
    await until(() => mine.redis.status === 'ready' && other.redis.status === 'ready');
    for (let i = 0; i < 1200; i++) await mine.cache.set(`odds:nba:${i}`, i);
    await mine.cache.set('odds:nhl:1', 1);
    await mine.cache.set('sports:v4', []);
    await other.cache.set('odds:nba:1', 'theirs');
    await mine.redis.set(`${mine.prefix}odds:nba:raw`, 'not the cache’s');
    expect(await mine.cache.clearPattern('odds:nba:*')).toBe(1200);
    expect(await mine.cache.get('odds:nhl:1')).toBe(1);
    expect(await mine.cache.get('sports:v4')).toEqual([]);
    expect(await other.cache.get('odds:nba:1')).toBe('theirs');
    expect(await mine.redis.get(`${mine.prefix}odds:nba:raw`)).toBe('not the cache’s');
    await mine.cache.clearPattern('*');
    await other.cache.clearPattern('*');
    await mine.redis.del(`${mine.prefix}odds:nba:raw`);
    expect((await mine.cache.stats()).keys).toBe(0);
  });

  it('keeps answering when its connection is killed (CLIENT KILL) and returns to Redis', async () => {
    const { redis, cache, prefix } = await open();
    await until(() => redis.status === 'ready');
    await cache.set('k', 'v1');
    const id = await redis.client('ID');
    const closed = new Promise((resolve) => redis.once('close', resolve));
    await admin().client('KILL', 'ID', String(id));
    // Whatever the connection's state at each instant, calls answer and never throw.
    for (let i = 0; i < 50; i++) {
      await quick(cache.set(`k${i}`, i));
      expect(await quick(cache.get(`k${i}`))).toBe(i);
    }
    await quick(closed);
    await until(() => redis.status === 'ready' && cache.backendInUse() === 'redis');
    await cache.set('after', 'back');
    expect(await redis.get(`${prefix}cache:after`)).toBe('"back"');
    expect(await cache.get('after')).toBe('back');
    expect(cache.health().status).toBe('ok');
    await cache.clearPattern('*');
  });

  it('falls back to memory while Redis is unreachable, says degraded, replays deletions on return', async () => {
    const proxy = await startProxy(new URL(redisUrl!));
    const target = new URL(redisUrl!);
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    const { redis, cache, warnings, prefix } = await open(uniqueRedisPrefix(), target.toString());
    await until(() => redis.status === 'ready');
    await cache.set('odds:nba:view', 'old');

    await proxy.stop();
    await until(() => redis.status !== 'ready');
    expect(cache.health()).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('in-memory'),
    });
    await quick(cache.set('during', 'memory'));
    expect(await quick(cache.get('during'))).toBe('memory');
    expect(await quick(cache.clearPattern('odds:nba:*'))).toBe(0);
    expect((await quick(cache.stats())).backend).toBe('memory');
    expect(warnings.filter((w) => /in-memory fallback/.test(w))).toHaveLength(1);

    await proxy.start();
    await until(() => redis.status === 'ready', 15_000);
    // The view invalidated during the outage must not come back from Redis.
    await until(async () => (await redis.exists(`${prefix}cache:odds:nba:view`)) === 0);
    expect(await cache.get('odds:nba:view')).toBeUndefined();
    expect(cache.health().status).toBe('ok');
    expect((await cache.stats()).backend).toBe('redis');
    expect(warnings.some((w) => /Redis is back/.test(w))).toBe(true);
    await cache.clearPattern('*');
    await proxy.stop();
  });

  it('starts on memory without stalling when Redis is unreachable at start', async () => {
    const { cache } = await open(uniqueRedisPrefix(), 'redis://127.0.0.1:1');
    await quick(cache.set('a', 1));
    expect(await quick(cache.get('a'))).toBe(1);
    expect(await quick(cache.clearPattern('*'))).toBe(1);
    expect((await quick(cache.stats())).backend).toBe('memory');
    expect(cache.health().status).toBe('degraded');
  });
});

/** A loopback TCP proxy to Redis that a test can take down and bring back on the same port. */
async function startProxy(upstream: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const up = connect(Number(upstream.port || 6379), upstream.hostname);
        sockets.add(client);
        sockets.add(up);
        client.pipe(up).pipe(client);
        const drop = () => {
          client.destroy();
          up.destroy();
          sockets.delete(client);
          sockets.delete(up);
        };
        client.on('error', drop).on('close', drop);
        up.on('error', drop).on('close', drop);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await start();
  return {
    get port() {
      return port;
    },
    start,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (!server) return resolve();
        server.close(() => resolve());
      }),
  };
}
