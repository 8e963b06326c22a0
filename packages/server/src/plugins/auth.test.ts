import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../test/auth';
import { createTestApp, type TestApp } from '../../test/helpers';
import { authenticateToken, authPlugin } from './auth';
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
