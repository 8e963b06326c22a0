import { createHash } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';
import { refreshTokens } from '../../infra/db/schema';

/** Session and token edges (issue 11 item 10, issue 9's browser session): route tests. */
describe.each(databaseKinds())('sessions and token edges on %s', (kind) => {
  let t: TestApp;
  let clock = Date.now();

  beforeAll(async () => {
    t = await createTestApp({
      kind,
      env: { LOCKOUT_THRESHOLD: '3', LOCKOUT_WINDOW_MINUTES: '15', LOCKOUT_MINUTES: '10' },
      deps: { now: () => clock },
    });
  });
  afterAll(() => t.close());

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers,
    });
  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });

  describe('refresh reuse grace', () => {
    it('answers the same successor to two concurrent refreshes of one token (two tabs)', async () => {
      const u = await createUser(t.app);
      const [a, b] = await Promise.all([
        post('/api/auth/refresh', { refresh_token: u.refreshToken }),
        post('/api/auth/refresh', { refresh_token: u.refreshToken }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(a.json().refresh_token).toBe(b.json().refresh_token);
      // The successor works (the family was not revoked).
      expect((await post('/api/auth/refresh', { refresh_token: a.json().refresh_token })).statusCode).toBe(
        200,
      );
    });

    it('answers the same successor to a retry inside REFRESH_REUSE_GRACE_SECONDS, stores only hashes', async () => {
      const u = await createUser(t.app);
      const first = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      clock += (t.config.refreshReuseGrace - 1) * 1000;
      const retry = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      expect(retry.statusCode).toBe(200);
      const successor = first.json().refresh_token;
      expect(retry.json().refresh_token).toBe(successor);
      const rows = await t.app.ctx.db.select().from(refreshTokens);
      const hashes = rows.map((r) => r.tokenHash);
      expect(hashes).toContain(createHash('sha256').update(successor).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(successor);
    });

    it('treats a redemption after the window as reuse: 401 refresh_reused, family revoked (token_revoked)', async () => {
      const u = await createUser(t.app);
      const first = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      clock += (t.config.refreshReuseGrace + 1) * 1000;
      const late = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      expect(late.statusCode).toBe(401);
      expect(late.json().error.code).toBe('refresh_reused');
      const child = await post('/api/auth/refresh', { refresh_token: first.json().refresh_token });
      expect(child.json().error.code).toBe('token_revoked');
    });

    it('says token_revoked for a logged-out refresh token, not "already used"', async () => {
      const u = await createUser(t.app);
      expect((await post('/api/auth/logout', { refresh_token: u.refreshToken })).statusCode).toBe(204);
      const res = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('token_revoked');
    });
  });

  describe('TOTP replay', () => {
    async function withTotp() {
      const u = await createUser(t.app);
      const { secret } = (await post('/api/auth/2fa/setup', undefined, u.headers)).json();
      const code = (offsetSteps = 0) =>
        generate({ secret, epoch: Math.floor(clock / 1000) + offsetSteps * 30 });
      const enableCode = await code();
      expect((await post('/api/auth/2fa/enable', { code: enableCode }, u.headers)).statusCode).toBe(200);
      return { u, code, enableCode, creds: { username: u.user.username, password: u.password } };
    }

    it('refuses the enable code at login and a login code a second time (totp_replayed)', async () => {
      const { u, code, enableCode, creds } = await withTotp();
      const replayEnable = await post('/api/auth/login', { ...creds, totp: enableCode });
      expect(replayEnable.statusCode).toBe(401);
      expect(replayEnable.json().error.code).toBe('totp_replayed');
      clock += 30_000;
      const next = await code();
      expect((await post('/api/auth/login', { ...creds, totp: next })).statusCode).toBe(200);
      const again = await post('/api/auth/login', { ...creds, totp: next });
      expect(again.json().error.code).toBe('totp_replayed');
      // Disabling with the used code is a replay too.
      const disable = await post('/api/auth/2fa/disable', { password: u.password, code: next }, u.headers);
      expect(disable.statusCode).toBe(401);
      expect(disable.json().error.code).toBe('totp_replayed');
      clock += 30_000;
      const later = await code();
      expect(
        (await post('/api/auth/2fa/disable', { password: u.password, code: later }, u.headers)).statusCode,
      ).toBe(204);
    });

    it('lets only one of two concurrent logins with one code through', async () => {
      const { code, creds } = await withTotp();
      clock += 30_000;
      const c = await code();
      const results = await Promise.all([
        post('/api/auth/login', { ...creds, totp: c }),
        post('/api/auth/login', { ...creds, totp: c }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
      expect(results.find((r) => r.statusCode === 401)!.json().error.code).toBe('totp_replayed');
    });
  });

  describe('account enumeration', () => {
    it('locks an unknown name like an account: the same 401s, then 429 account_locked with Retry-After', async () => {
      const known = await createUser(t.app);
      const answers = async (login: string) => {
        const out: Array<[number, string, string | undefined]> = [];
        for (let i = 0; i < 5; i++) {
          const res = await post('/api/auth/login', { username: login, password: 'wrong-password' });
          out.push([res.statusCode, res.json().error.code, res.headers['retry-after'] as string | undefined]);
        }
        return out;
      };
      const forKnown = await answers(known.user.username);
      const forUnknown = await answers(`nobody_${process.pid}`);
      expect(forUnknown).toEqual(forKnown);
      expect(forUnknown.map((a) => a[0])).toEqual([401, 401, 429, 429, 429]);
      expect(forUnknown[2][1]).toBe('account_locked');
      // The lock of an unknown name expires with its TTL, as an account's does.
      clock += 11 * 60_000;
      const after = await post('/api/auth/login', { username: `nobody_${process.pid}`, password: 'x' });
      expect(after.statusCode).toBe(401);
    });
  });

  describe('browser session (cookie mode)', () => {
    const cookieMode = { 'x-refresh-mode': 'cookie' };
    const cookieOf = (res: { headers: Record<string, unknown> }) => {
      const raw = res.headers['set-cookie'];
      const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
      return list.find((c) => c.startsWith('evision_refresh='));
    };
    const pairOf = (setCookie: string) => setCookie.split(';')[0];

    it('login sets an HttpOnly SameSite=Strict cookie on /api/auth and leaves refresh_token out of the body', async () => {
      const u = await createUser(t.app);
      const res = await post(
        '/api/auth/login',
        { username: u.user.username, password: u.password },
        cookieMode,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).not.toHaveProperty('refresh_token');
      expect(res.json().access_token).toEqual(expect.any(String));
      const set = cookieOf(res)!;
      expect(set).toMatch(/HttpOnly/);
      expect(set).toMatch(/SameSite=Strict/);
      expect(set).toMatch(/Path=\/api\/auth/);
      expect(set).not.toMatch(/Secure/); // plain http, no https PUBLIC_URL
      // The JSON-body form stays for bots and scripts.
      const plain = await post('/api/auth/login', { username: u.user.username, password: u.password });
      expect(plain.json().refresh_token).toEqual(expect.any(String));
      expect(cookieOf(plain)).toBeUndefined();
    });

    it('refresh with no body reads and rotates the cookie; logout clears it and revokes the token', async () => {
      const u = await createUser(t.app);
      const login = await post(
        '/api/auth/login',
        { username: u.user.username, password: u.password },
        cookieMode,
      );
      const c1 = pairOf(cookieOf(login)!);
      const r1 = await post('/api/auth/refresh', undefined, { ...cookieMode, cookie: c1 });
      expect(r1.statusCode).toBe(200);
      expect(r1.json()).not.toHaveProperty('refresh_token');
      const c2 = pairOf(cookieOf(r1)!);
      expect(c2).not.toBe(c1);
      const r2 = await post('/api/auth/refresh', {}, { ...cookieMode, cookie: c2 });
      expect(r2.statusCode).toBe(200);
      const c3 = pairOf(cookieOf(r2)!);

      const out = await post('/api/auth/logout', undefined, { ...cookieMode, cookie: c3 });
      expect(out.statusCode).toBe(204);
      expect(cookieOf(out)).toMatch(/evision_refresh=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
      const dead = await post('/api/auth/refresh', undefined, { ...cookieMode, cookie: c3 });
      expect(dead.json().error.code).toBe('token_revoked');
    });

    it('is CSRF-safe: the cookie alone is not enough, and another origin is refused', async () => {
      const u = await createUser(t.app);
      const login = await post(
        '/api/auth/login',
        { username: u.user.username, password: u.password },
        cookieMode,
      );
      const c1 = pairOf(cookieOf(login)!);
      const noHeader = await post('/api/auth/refresh', undefined, { cookie: c1 });
      expect(noHeader.statusCode).toBe(400);
      expect(noHeader.json().error.details[0].field).toBe('refresh_token');
      const cross = await post('/api/auth/refresh', undefined, {
        ...cookieMode,
        cookie: c1,
        origin: 'https://evil.example',
      });
      expect(cross.statusCode).toBe(403);
      expect(cross.json().error.code).toBe('cross_origin');
      const crossLogin = await post(
        '/api/auth/login',
        { username: u.user.username, password: u.password },
        { ...cookieMode, origin: 'null' },
      );
      expect(crossLogin.statusCode).toBe(403);
      // Same origin (the Host the request was sent to) is fine.
      const same = await post('/api/auth/refresh', undefined, {
        ...cookieMode,
        cookie: c1,
        origin: 'http://localhost:80',
        host: 'localhost:80',
      });
      expect(same.statusCode).toBe(200);
      const none = await post('/api/auth/refresh', undefined, cookieMode);
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('token_missing');
    });

    it('marks the cookie Secure when PUBLIC_URL is https', async () => {
      const s = await createTestApp({ env: { PUBLIC_URL: 'https://evision.example' } });
      try {
        const u = await createUser(s.app);
        const res = await s.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: u.user.username, password: u.password },
          headers: { ...cookieMode, origin: 'https://evision.example' },
        });
        expect(res.statusCode).toBe(200);
        expect(cookieOf(res)).toMatch(/; Secure/);
      } finally {
        await s.close();
      }
    });
  });

  describe('sign out everywhere', () => {
    it('revokes every refresh token and retires every access token of the user', async () => {
      const u = await createUser(t.app);
      const second = await post('/api/auth/login', { username: u.user.username, password: u.password });
      const other = await createUser(t.app);
      const res = await post('/api/auth/logout-all', undefined, u.headers);
      expect(res.statusCode).toBe(204);
      for (const token of [u.refreshToken, second.json().refresh_token]) {
        const r = await post('/api/auth/refresh', { refresh_token: token });
        expect(r.json().error.code).toBe('token_revoked');
      }
      for (const token of [u.accessToken, second.json().access_token]) {
        const r = await me(token);
        expect(r.statusCode).toBe(401);
        expect(r.json().error.code).toBe('token_revoked');
      }
      expect((await me(other.accessToken)).statusCode).toBe(200);
      expect((await post('/api/auth/logout-all', undefined)).statusCode).toBe(401);
    });

    it('a password change retires the other sessions’ access tokens and answers a working pair', async () => {
      const u = await createUser(t.app);
      const res = await post(
        '/api/auth/change-password',
        { current_password: u.password, new_password: `${u.password}-longer` },
        u.headers,
      );
      expect(res.statusCode).toBe(200);
      expect((await me(u.accessToken)).json().error.code).toBe('token_revoked');
      expect((await me(res.json().access_token)).statusCode).toBe(200);
    });
  });
});

describe('rate limits count per user, anonymous per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_DEFAULT: '4' } });
  });
  afterAll(() => t.close());

  it('gives each user behind one address a budget of their own; forged tokens count per address', async () => {
    const a = await createUser(t.app);
    const b = await createUser(t.app);
    const get = (headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    for (let i = 0; i < 4; i++) expect((await get(a.headers)).statusCode).toBe(200);
    expect((await get(a.headers)).statusCode).toBe(429);
    for (let i = 0; i < 4; i++) expect((await get(b.headers)).statusCode).toBe(200);
    // Anonymous and forged-token requests share the address's budget, not a user's.
    const forged = `${a.accessToken.slice(0, -4)}AAAA`;
    const anon = [await get(), await get(bearer(forged)), await get(), await get(bearer(forged))];
    expect(anon.map((r) => r.statusCode)).toEqual([401, 401, 401, 401]);
    expect((await get()).statusCode).toBe(429);
  });
});
