import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl, uniqueRedisPrefix } from '../../test/helpers';
import { createLeaderLock, LocalLeaderLock, RedisLeaderLock } from './leader-lock';
import { createRedis } from './redis';

const url = testRedisUrl();

describe('LeaderLock', () => {
  it('makes a process without Redis its own leader', async () => {
    const lock = createLeaderLock({ redis: undefined, key: 'x', ttlMs: 1000 });
    expect(lock).toBeInstanceOf(LocalLeaderLock);
    expect(await lock.acquire()).toBe(true);
  });

  describe.skipIf(!url)('on Redis', () => {
    const a = url ? createRedis(url) : undefined;
    const b = url ? createRedis(url) : undefined;
    afterAll(() => {
      a?.disconnect();
      b?.disconnect();
    });
    beforeAll(async () => {
      for (const r of [a!, b!]) if (r.status !== 'ready') await new Promise((ok) => r.once('ready', ok));
    });

    it('admits one holder; the other takes over once the holder releases', async () => {
      const key = `${uniqueRedisPrefix()}scanner:leader`;
      const one = new RedisLeaderLock(a!, key, 2_000);
      const two = new RedisLeaderLock(b!, key, 2_000);
      expect(await one.acquire()).toBe(true);
      expect(await two.acquire()).toBe(false);
      expect(await one.acquire()).toBe(true); // renewal
      await one.release();
      expect(await two.acquire()).toBe(true);
      expect(await one.acquire()).toBe(false);
      await two.release();
    });

    it('expires when its holder stops renewing (a dead process)', async () => {
      const key = `${uniqueRedisPrefix()}scanner:leader`;
      // Taken directly, as a process that then died would have left it.
      await a!.set(key, 'dead-holder', 'PX', 300, 'NX');
      const two = new RedisLeaderLock(b!, key, 300);
      expect(await two.acquire()).toBe(false);
      await new Promise((r) => setTimeout(r, 400));
      expect(await two.acquire()).toBe(true);
      await two.release();
    });

    it('keeps the lock alive between acquires by renewing on a timer', async () => {
      const key = `${uniqueRedisPrefix()}scanner:leader`;
      const one = new RedisLeaderLock(a!, key, 300);
      const two = new RedisLeaderLock(b!, key, 300);
      expect(await one.acquire()).toBe(true);
      await new Promise((r) => setTimeout(r, 700));
      expect(await two.acquire()).toBe(false);
      await one.release();
    });
  });
});
