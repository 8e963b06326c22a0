import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../test/auth';
import { createTestApp, type TestApp } from '../../test/helpers';
import { authenticateToken, authPlugin, PrincipalCache, principalCache } from './auth';
import { errorHandlerPlugin } from './error-handler';

describe('auth plugin guards', () => {
  let t: TestApp;
  const probe = Fastify();
  beforeAll(async () => {
    t = await createTestApp();
    probe.decorate('ctx', t.app.ctx);
    await probe.register(errorHandlerPlugin);
    await probe.register(authPlugin);
    probe.after(() => {
      probe.get('/ingest', { preHandler: probe.requireScope('ingest') }, async (req) => req.principal);
      probe.get('/feed', { preHandler: probe.requireScope('feed') }, async (req) => req.principal);
      probe.get('/admin', { preHandler: probe.requireAdmin }, async (req) => req.user);
    });
    await probe.ready();
  });
  afterAll(async () => {
    await probe.close();
    await t.close();
  });
  const get = (url: string, token?: string) =>
    probe.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });

  it('lets a service token in only where its scope allows', async () => {
    const ingest = await createServiceToken(t.app, ['ingest']);
    const feed = await createServiceToken(t.app, ['feed'], 'feed bot');
    const ok = await get('/ingest', ingest);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ kind: 'service', name: 'test bot', scopes: ['ingest'] });
    expect((await get('/feed', ingest)).json().error.code).toBe('insufficient_scope');
    expect((await get('/feed', feed)).statusCode).toBe(200);
    expect((await get('/ingest', feed)).statusCode).toBe(403);
    expect((await get('/admin', feed)).statusCode).toBe(403);
    expect((await get('/ingest', 'evs_forged')).statusCode).toBe(401);
    expect((await get('/feed')).statusCode).toBe(401);
  });

  it('lets any logged-in user read the feed but not ingest', async () => {
    const u = await createUser(t.app);
    const feed = await get('/feed', u.accessToken);
    expect(feed.json()).toMatchObject({ kind: 'user', user: { id: u.user.id } });
    expect((await get('/ingest', u.accessToken)).statusCode).toBe(403);
    expect((await get('/admin', u.accessToken)).statusCode).toBe(403);
    const admin = await createUser(t.app, { role: 'admin' });
    expect((await get('/admin', admin.accessToken)).json().role).toBe('admin');
  });

  it('reuses a resolved user principal without reading the user row again', async () => {
    const u = await createUser(t.app);
    const byId = vi.spyOn(t.app.ctx.users.repo, 'byId');
    try {
      expect((await get('/feed', u.accessToken)).statusCode).toBe(200);
      const reads = byId.mock.calls.length;
      for (let i = 0; i < 5; i++) expect((await get('/feed', u.accessToken)).statusCode).toBe(200);
      expect(byId.mock.calls.length).toBe(reads);
      // The WebSocket layer shares the same cache.
      expect(await authenticateToken(t.app.ctx, u.accessToken)).toMatchObject({ user: { id: u.user.id } });
      expect(byId.mock.calls.length).toBe(reads);
    } finally {
      byId.mockRestore();
    }
  });

  it('verifies a token and reads its user once for many concurrent requests that miss the cache', async () => {
    const u = await createUser(t.app);
    const verify = vi.spyOn(t.app.ctx.tokens, 'verifyAccess');
    const byId = vi.spyOn(t.app.ctx.users.repo, 'byId');
    try {
      // 50 requests at once with a cold cache (as when an entry expires under load).
      const answers = await Promise.all(Array.from({ length: 50 }, () => get('/feed', u.accessToken)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
      expect(answers.every((a) => a.json().user.id === u.user.id)).toBe(true);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(byId).toHaveBeenCalledTimes(1);
      expect(principalCache(t.app.ctx).pending).toBe(0);
      // A bad token fails every waiting request alike, and is not remembered as a lookup.
      const bad = `${u.accessToken.slice(0, -4)}AAAA`;
      const denied = await Promise.all(Array.from({ length: 10 }, () => get('/feed', bad)));
      expect(denied.map((a) => a.statusCode)).toEqual(Array(10).fill(401));
      expect(verify).toHaveBeenCalledTimes(2);
      expect(principalCache(t.app.ctx).pending).toBe(0);
    } finally {
      verify.mockRestore();
      byId.mockRestore();
    }
  });

  it('answers 401 at once to a deactivated user and to a demoted admin’s old token (same instance)', async () => {
    const root = await createUser(t.app, { role: 'admin' });
    const u = await createUser(t.app);
    const actor = { id: root.user.id, username: root.user.username };
    expect((await get('/feed', u.accessToken)).statusCode).toBe(200);
    await t.app.ctx.users.update(u.user.id, { is_active: false }, actor);
    const denied = await get('/feed', u.accessToken);
    expect(denied.statusCode).toBe(401);
    expect(denied.json().error.code).toBe('invalid_token');
    // Through the probe's guards and the WebSocket layer alike.
    expect(await authenticateToken(t.app.ctx, u.accessToken)).toBeNull();

    const other = await createUser(t.app, { role: 'admin' });
    expect((await get('/admin', other.accessToken)).statusCode).toBe(200);
    await t.app.ctx.users.update(other.user.id, { role: 'user' }, actor);
    // The demotion bumped the token version: the admin-era token is retired, not merely 403.
    const demoted = await get('/admin', other.accessToken);
    expect(demoted.statusCode).toBe(401);
    expect(demoted.json().error.code).toBe('token_revoked');
    const fresh = await t.app.ctx.auth.issuePair((await t.app.ctx.users.repo.byId(other.user.id))!);
    expect((await get('/admin', fresh.access_token)).statusCode).toBe(403);
    await t.app.ctx.users.update(other.user.id, { role: 'admin' }, actor);
    expect((await get('/admin', fresh.access_token)).json().role).toBe('admin');

    const gone = await createUser(t.app);
    expect((await get('/feed', gone.accessToken)).statusCode).toBe(200);
    await t.app.ctx.users.delete(gone.user.id, actor);
    expect((await get('/feed', gone.accessToken)).statusCode).toBe(401);
  });

  it('is invalidated by a password change: the row is re-read and the old token retired', async () => {
    const u = await createUser(t.app);
    expect((await get('/feed', u.accessToken)).statusCode).toBe(200);
    const gen = principalCache(t.app.ctx).generation(u.user.id);
    const row = await t.app.ctx.users.repo.byId(u.user.id);
    await t.app.ctx.users.setPassword(row!, `${u.password}-and-more`);
    expect(principalCache(t.app.ctx).generation(u.user.id)).toBeGreaterThan(gen);
    const byId = vi.spyOn(t.app.ctx.users.repo, 'byId');
    try {
      const old = await get('/feed', u.accessToken);
      expect(old.statusCode).toBe(401);
      expect(old.json().error.code).toBe('token_revoked');
      expect(byId).toHaveBeenCalledWith(u.user.id);
    } finally {
      byId.mockRestore();
    }
  });

  it('authenticateToken resolves principals for the WebSocket layer and answers null otherwise', async () => {
    const u = await createUser(t.app);
    const token = await createServiceToken(t.app, ['feed']);
    expect(await authenticateToken(t.app.ctx, u.accessToken)).toMatchObject({
      kind: 'user',
      user: { id: u.user.id },
    });
    expect(await authenticateToken(t.app.ctx, token)).toMatchObject({ kind: 'service', scopes: ['feed'] });
    expect(await authenticateToken(t.app.ctx, 'nope')).toBeNull();
    expect(await authenticateToken(t.app.ctx, undefined)).toBeNull();
    await t.app.ctx.tokens.revokeServiceToken((await t.app.ctx.tokens.listServiceTokens())[0].id);
  });
});

describe('PrincipalCache', () => {
  const principal = (id: number) =>
    ({ kind: 'user', user: { id, username: `u${id}` } }) as unknown as Parameters<PrincipalCache['set']>[1];

  it('keeps an entry for the TTL and never past the token expiry', () => {
    let now = 1_000_000;
    const cache = new PrincipalCache(() => now, 5_000);
    cache.set('a', principal(1), cache.generation(1), (now + 60_000) / 1000);
    cache.set('b', principal(2), cache.generation(2), (now + 2_000) / 1000);
    cache.set('c', principal(3), cache.generation(3), now / 1000);
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeDefined();
    expect(cache.get('c')).toBeUndefined();
    now += 2_000;
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    now += 3_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops a user’s entries on invalidation, including one filled by a read that raced the write', () => {
    const cache = new PrincipalCache(() => 0, 5_000);
    const before = cache.generation(7);
    cache.set('x', principal(7), before);
    cache.invalidateUser(7);
    expect(cache.get('x')).toBeUndefined();
    // A lookup that read the generation before the write and fills afterwards stays a miss.
    cache.set('y', principal(7), before);
    expect(cache.get('y')).toBeUndefined();
    cache.set('z', principal(7), cache.generation(7));
    expect(cache.get('z')).toBeDefined();
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new PrincipalCache(() => 0, 0);
    cache.set('a', principal(1), 0);
    expect(cache.get('a')).toBeUndefined();
  });

  it('shares one lookup among concurrent callers, and forgets lookups in flight on invalidation', async () => {
    const cache = new PrincipalCache(() => 0, 5_000);
    const release: Array<() => void> = [];
    let loads = 0;
    const load = () => {
      loads++;
      return new Promise<ReturnType<typeof principal>>((resolve) => {
        const generation = cache.generation(1);
        release.push(() => {
          cache.set('k', principal(1), generation);
          resolve(principal(1));
        });
      });
    };
    const first = cache.resolve('k', load);
    const second = cache.resolve('k', load);
    expect(loads).toBe(1);
    expect(cache.pending).toBe(1);
    // The user changes while the lookup runs: a later caller must not join the old lookup.
    cache.invalidateUser(1);
    const third = cache.resolve('k', load);
    expect(loads).toBe(2);
    release[0]();
    await Promise.all([first, second]);
    // The old lookup read the generation before the write: what it stored is not served.
    expect(cache.get('k')).toBeUndefined();
    release[1]();
    await third;
    expect(cache.pending).toBe(0);
    expect(cache.get('k')).toBeDefined();
    expect(loads).toBe(2);
  });

  it('does not remember a failed lookup', async () => {
    const cache = new PrincipalCache(() => 0, 5_000);
    let loads = 0;
    const failing = () => {
      loads++;
      return Promise.reject(new Error('bad token'));
    };
    await expect(Promise.all([cache.resolve('k', failing), cache.resolve('k', failing)])).rejects.toThrow(
      'bad token',
    );
    expect(loads).toBe(1);
    expect(cache.pending).toBe(0);
    await expect(cache.resolve('k', failing)).rejects.toThrow('bad token');
    expect(loads).toBe(2);
  });
});
