import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser, type TestUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';

describe.each(databaseKinds())('admin API on %s', (kind) => {
  let t: TestApp;
  let admin: TestUser & { headers: { authorization: string } };
  let user: TestUser & { headers: { authorization: string } };
  beforeAll(async () => {
    t = await createTestApp({ kind });
    admin = await createUser(t.app, { role: 'admin', username: 'root_admin' });
    user = await createUser(t.app, { username: 'plain_user' });
  });
  afterAll(() => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    headers = admin.headers,
    payload?: unknown,
  ) => t.app.inject({ method, url, headers, payload: payload as object });

  it('answers 403 to users and 401 without a token on every admin endpoint', async () => {
    for (const [method, url] of [
      ['GET', '/api/admin/users'],
      ['POST', '/api/admin/users'],
      ['PATCH', `/api/admin/users/${admin.user.id}`],
      ['DELETE', `/api/admin/users/${admin.user.id}`],
      ['POST', `/api/admin/users/${admin.user.id}/reset-password`],
      ['GET', '/api/admin/service-tokens'],
      ['POST', '/api/admin/service-tokens'],
      ['DELETE', '/api/admin/service-tokens/1'],
      ['GET', '/api/admin/audit'],
      ['GET', '/api/admin/settings'],
      ['PUT', '/api/admin/settings'],
    ] as const) {
      const forbidden = await call(method, url, user.headers, {});
      expect(forbidden.statusCode, `${method} ${url}`).toBe(403);
      expect(forbidden.json().error.code).toBe('forbidden');
      expect((await t.app.inject({ method, url })).statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('lists and creates users', async () => {
    const created = await call('POST', '/api/admin/users', admin.headers, {
      username: 'newbie',
      email: 'newbie@example.com',
      password: 'a fine password',
      role: 'admin',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ username: 'newbie', role: 'admin' });
    const list = await call('GET', '/api/admin/users?limit=500');
    expect(list.json().map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(['root_admin', 'plain_user', 'newbie']),
    );
    const [rec] = await t.app.ctx.audit.list({ type: 'USER_CREATED', userId: admin.user.id, limit: 1 });
    expect(rec.message).toContain('newbie');
    expect((await call('GET', '/api/admin/users?limit=0')).statusCode).toBe(400);
  });

  it('patches role and activation; deactivating revokes refresh tokens; self-demotion is refused', async () => {
    const u = await createUser(t.app);
    const res = await call('PATCH', `/api/admin/users/${u.user.id}`, admin.headers, { is_active: false });
    expect(res.statusCode).toBe(200);
    expect(res.json().is_active).toBe(false);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: u.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    const types = (await t.app.ctx.audit.list({ limit: 5 })).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['USER_DEACTIVATED', 'ADMIN_ACTION']));

    expect(
      (await call('PATCH', `/api/admin/users/${admin.user.id}`, admin.headers, { role: 'user' })).statusCode,
    ).toBe(409);
    expect(
      (await call('PATCH', `/api/admin/users/${admin.user.id}`, admin.headers, { is_active: false }))
        .statusCode,
    ).toBe(409);
    expect((await call('PATCH', `/api/admin/users/${u.user.id}`, admin.headers, {})).statusCode).toBe(400);
    expect(
      (await call('PATCH', `/api/admin/users/${u.user.id}`, admin.headers, { role: 'root' })).statusCode,
    ).toBe(400);
    expect((await call('PATCH', '/api/admin/users/999999', admin.headers, { role: 'user' })).statusCode).toBe(
      404,
    );
    expect(
      (await call('PATCH', "/api/admin/users/1'%20or%201=1", admin.headers, { role: 'user' })).statusCode,
    ).toBe(400);
  });

  it('deletes users (204) but not oneself', async () => {
    const u = await createUser(t.app);
    expect((await call('DELETE', `/api/admin/users/${u.user.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/admin/users/${u.user.id}`)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/admin/users/${admin.user.id}`)).statusCode).toBe(409);
    const [rec] = await t.app.ctx.audit.list({ type: 'USER_DELETED', limit: 1 });
    expect(rec.details).toMatchObject({ target_user_id: u.user.id });
  });

  it('resets a password to a given or generated one, revoking refresh tokens', async () => {
    const u = await createUser(t.app);
    const given = await call('POST', `/api/admin/users/${u.user.id}/reset-password`, admin.headers, {
      new_password: 'reset by the admin',
    });
    expect(given.json()).toEqual({ password: null });
    const generated = await call('POST', `/api/admin/users/${u.user.id}/reset-password`, admin.headers, {});
    const password = generated.json().password;
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: u.user.username, password },
    });
    expect(login.statusCode).toBe(200);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: u.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('creates service tokens shown once, lists them without the token, revokes them', async () => {
    const res = await call('POST', '/api/admin/service-tokens', admin.headers, {
      name: 'odds bot',
      scopes: ['ingest'],
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.token).toMatch(/^evs_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const list = await call('GET', '/api/admin/service-tokens');
    const listed = list.json().find((x: { id: number }) => x.id === created.id);
    expect(listed).toMatchObject({ name: 'odds bot', scopes: ['ingest'], revoked_at: null });
    expect(JSON.stringify(list.json())).not.toContain(created.token);
    expect(await t.app.ctx.tokens.authenticateServiceToken(created.token)).toMatchObject({ id: created.id });

    expect((await call('DELETE', `/api/admin/service-tokens/${created.id}`)).statusCode).toBe(204);
    expect(await t.app.ctx.tokens.authenticateServiceToken(created.token)).toBeNull();
    expect((await call('DELETE', '/api/admin/service-tokens/999999')).statusCode).toBe(404);
    const bad = await call('POST', '/api/admin/service-tokens', admin.headers, {
      name: 'x',
      scopes: ['admin'],
    });
    expect(bad.statusCode).toBe(400);
    const types = (await t.app.ctx.audit.list({ limit: 5 })).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['SERVICE_TOKEN_CREATED', 'SERVICE_TOKEN_REVOKED']));
  });

  it('pages the audit log with filters', async () => {
    const since = new Date().toISOString();
    for (let i = 0; i < 5; i++) {
      await t.app.ctx.audit.append({
        type: 'ADMIN_ACTION',
        message: `paging ${i}`,
        userId: 4242,
        username: 'Pager',
      });
    }
    const first = await call(
      'GET',
      `/api/admin/audit?type=ADMIN_ACTION&user=pager&limit=2&from=${encodeURIComponent(since)}`,
    );
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.records.map((r: { message: string }) => r.message)).toEqual([
      'ADMIN ACTION: paging 4',
      'ADMIN ACTION: paging 3',
    ]);
    const second = await call(
      'GET',
      `/api/admin/audit?type=ADMIN_ACTION&user=4242&limit=2&cursor=${page1.next_cursor}`,
    );
    expect(second.json().records.map((r: { message: string }) => r.message)).toEqual([
      'ADMIN ACTION: paging 2',
      'ADMIN ACTION: paging 1',
    ]);
    const all = await call('GET', '/api/admin/audit?user=4242&limit=500');
    expect(all.json().records).toHaveLength(5);
    expect(all.json().next_cursor).toBeNull();
    const future = await call('GET', `/api/admin/audit?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(future.json().records).toEqual([]);
    for (const q of ['limit=501', 'type=NOPE', 'from=yesterday', 'cursor=abc', 'extra=1']) {
      expect((await call('GET', `/api/admin/audit?${q}`)).statusCode, q).toBe(400);
    }
  });

  it('reads and saves engine settings, validating them, and notifies listeners', async () => {
    const get = await call('GET', '/api/admin/settings');
    expect(get.statusCode).toBe(200);
    const { settings, defaults } = get.json();
    expect(settings).toEqual(defaults);
    expect(defaults.sharp_books).toEqual(t.config.engine.sharp_books);

    const heard: unknown[] = [];
    const off = t.app.ctx.settings.onChange((s) => {
      heard.push(s);
    });
    const next = {
      ...settings,
      min_ev: 0.03,
      sharp_books: ['pinnacle', 'circasports', 'betfair_ex_eu'],
      min_sharp_books: 2,
    };
    const put = await call('PUT', '/api/admin/settings', admin.headers, next);
    expect(put.statusCode).toBe(200);
    expect(put.json().settings).toEqual(next);
    expect(heard).toEqual([next]);
    off();
    expect(await t.app.ctx.settings.getEngineSettings()).toEqual(next);
    expect((await call('GET', '/api/admin/settings')).json()).toEqual({ settings: next, defaults });
    const [rec] = await t.app.ctx.audit.list({ type: 'ADMIN_ACTION', userId: admin.user.id, limit: 1 });
    expect(rec.details).toMatchObject({
      action: 'settings_update',
      changed: expect.arrayContaining(['min_ev']),
    });

    for (const bad of [
      { ...next, min_sharp_books: 4 },
      { ...next, sharp_books: ['Pinnacle'] },
      { ...next, devig_method: 'magic' },
      { ...next, min_ev: 'high' },
      { ...next, scan_interval: 0 },
      { ...next, unknown: 1 },
      (({ min_ev: _, ...rest }) => rest)(next),
    ]) {
      const res = await call('PUT', '/api/admin/settings', admin.headers, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.details.length).toBeGreaterThan(0);
    }
    const minSharp = await call('PUT', '/api/admin/settings', admin.headers, { ...next, min_sharp_books: 4 });
    expect(minSharp.json().error.details[0].field).toBe('min_sharp_books');
    for (const [bad, field] of [
      [{ ...next, min_ev: -1 }, 'min_ev'],
      [{ ...next, suspect_ev: 0.02 }, 'suspect_ev'],
      [{ ...next, sharp_max_age: 0 }, 'sharp_max_age'],
      [{ ...next, soft_max_age: -1 }, 'soft_max_age'],
      [{ ...next, min_sharp_books: 0 }, 'min_sharp_books'],
      [{ ...next, exchange_commission: { matchbook: 1 } }, 'exchange_commission.matchbook'],
      [{ ...next, scan_interval: 3601 }, 'scan_interval'],
    ] as const) {
      const res = await call('PUT', '/api/admin/settings', admin.headers, bad);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await t.app.ctx.settings.getEngineSettings()).toEqual(next);
  });

  it('exposes the service interfaces other modules use', async () => {
    const demo = await t.app.ctx.users.ensureDemoUser();
    expect(demo.created).toBe(true);
    expect((await t.app.ctx.users.ensureDemoUser()).created).toBe(false);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: demo.user.username, password: demo.password },
    });
    expect(login.statusCode).toBe(200);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: bearer(login.json().access_token),
    });
    expect(me.json().username).toBe('demo');
    expect((await t.app.ctx.audit.verify()).ok).toBe(true);
  });
});
