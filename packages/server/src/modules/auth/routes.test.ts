import { SignJWT } from 'jose';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';
import { argon2Hasher, DUMMY_PASSWORD_HASH, type PasswordHasher } from '../users/passwords';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe.each(databaseKinds())('auth API on %s', (kind) => {
  let t: TestApp;
  let clock = Date.now();
  const verified: string[] = [];
  const countingHasher: PasswordHasher = {
    hash: argon2Hasher.hash,
    verify: (hash, password) => {
      verified.push(hash);
      return argon2Hasher.verify(hash, password);
    },
  };

  beforeAll(async () => {
    t = await createTestApp({
      kind,
      env: { LOCKOUT_THRESHOLD: '3', LOCKOUT_WINDOW_MINUTES: '15', LOCKOUT_MINUTES: '10' },
      deps: { now: () => clock, passwordHasher: countingHasher },
    });
  });
  afterAll(() => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers });

  describe('register', () => {
    it('creates a user with default settings and answers 201 with the user', async () => {
      const res = await post('/api/auth/register', {
        username: 'Alice',
        email: 'alice@example.com',
        password: 'correct horse battery',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        username: 'Alice',
        email: 'alice@example.com',
        role: 'user',
        is_active: true,
        totp_enabled: false,
      });
      expect(res.json()).not.toHaveProperty('password_hash');
      const settings = await t.app.ctx.users.getSettings(res.json().id);
      expect(settings.kelly_fraction).toBe(t.config.kellyFraction);
    });

    it('refuses a taken username or e-mail regardless of case with 409', async () => {
      const a = await post('/api/auth/register', {
        username: 'ALICE',
        email: 'other@example.com',
        password: 'another good one',
      });
      expect(a.statusCode).toBe(409);
      expect(a.json().error.code).toBe('username_taken');
      const b = await post('/api/auth/register', {
        username: 'alice2',
        email: 'ALICE@EXAMPLE.COM',
        password: 'another good one',
      });
      expect(b.statusCode).toBe(409);
      expect(b.json().error.code).toBe('email_taken');
    });

    it.each([
      ['short', 'Abc12', 'at least 8'],
      ['containing the username', 'xxbobbyxx-1', 'username'],
      ['very common', 'Password123', 'too common'],
    ])('refuses a password that is %s', async (_what, password, message) => {
      const res = await post('/api/auth/register', {
        username: 'bobby',
        email: 'bobby@example.com',
        password,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual([
        { field: 'password', message: expect.stringContaining(message) },
      ]);
    });

    it('lists missing, extra and wrongly typed fields', async () => {
      const res = await post('/api/auth/register', { username: 42, password: 'long enough pw', admin: true });
      expect(res.statusCode).toBe(400);
      const fields = res.json().error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['username', 'email', 'admin']));
    });

    it('rejects bad usernames and e-mails, SQL-looking and unicode included', async () => {
      for (const username of ["x'; drop table users;--", 'ab', 'ünïcødé', 'a'.repeat(33)]) {
        const res = await post('/api/auth/register', {
          username,
          email: 'x@example.com',
          password: 'long enough pw',
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.details[0].field).toBe('username');
      }
      const res = await post('/api/auth/register', {
        username: 'okname',
        email: 'not-an-email',
        password: 'long pw here',
      });
      expect(res.json().error.details[0].field).toBe('email');
    });

    it('answers 400 invalid_json, 415 and 413 for malformed, wrong-type and huge bodies', async () => {
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'content-type': 'application/json' },
        payload: '{"username": ',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('invalid_json');
      const text = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'content-type': 'application/xml' },
        payload: '<user/>',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json().error.code).toBe('unsupported_media_type');
      const huge = await post('/api/auth/register', {
        username: 'huge',
        email: 'h@example.com',
        password: 'x'.repeat(2_000_000),
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error.code).toBe('payload_too_large');
    });
  });

  describe('login', () => {
    it('logs in by username or e-mail (case-insensitive) and answers the OAuth2-style token', async () => {
      const u = await createUser(t.app, { username: 'carol' });
      for (const body of [
        { username: 'carol', password: u.password },
        { email: 'CAROL@example.com', password: u.password },
        { username: 'carol@example.com', password: u.password },
      ]) {
        const res = await post('/api/auth/login', body);
        expect(res.statusCode).toBe(200);
        const json = res.json();
        expect(json).toMatchObject({ token_type: 'bearer', expires_in: t.config.accessTokenTtl });
        expect(json.user).toMatchObject({ username: 'carol', role: 'user' });
        expect(typeof json.access_token).toBe('string');
        expect(typeof json.refresh_token).toBe('string');
        const me = await t.app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: bearer(json.access_token),
        });
        expect(me.json().id).toBe(u.user.id);
      }
    });

    it('accepts an OAuth2 password form', async () => {
      const u = await createUser(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'password',
          username: u.user.username,
          password: u.password,
        }).toString(),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().token_type).toBe('bearer');
    });

    it('gives an unknown user and a wrong password the same 401, checking a dummy hash for the unknown user', async () => {
      const u = await createUser(t.app);
      verified.length = 0;
      const unknown = await post('/api/auth/login', { username: 'nobody-here', password: 'whatever123' });
      expect(verified).toEqual([DUMMY_PASSWORD_HASH]);
      verified.length = 0;
      const wrong = await post('/api/auth/login', { username: u.user.username, password: 'wrong-password' });
      expect(verified).toHaveLength(1);
      expect(verified[0]).not.toBe(DUMMY_PASSWORD_HASH);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.json()).toEqual(wrong.json());
      expect(unknown.json().error.code).toBe('invalid_credentials');
    });

    it('answers 403 account_disabled to a deactivated user only after the right password', async () => {
      const admin = await createUser(t.app, { role: 'admin' });
      const u = await createUser(t.app);
      await t.app.ctx.users.update(
        u.user.id,
        { is_active: false },
        { id: admin.user.id, username: admin.user.username },
      );
      const wrong = await post('/api/auth/login', { username: u.user.username, password: 'not-it-at-all' });
      expect(wrong.statusCode).toBe(401);
      const right = await post('/api/auth/login', { username: u.user.username, password: u.password });
      expect(right.statusCode).toBe(403);
      expect(right.json().error.code).toBe('account_disabled');
      // Its access token stops working at once.
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers });
      expect(me.statusCode).toBe(401);
    });

    it('locks the account after LOCKOUT_THRESHOLD failures: 429 account_locked with Retry-After', async () => {
      const u = await createUser(t.app);
      const bad = { username: u.user.username, password: 'wrong-password' };
      expect((await post('/api/auth/login', bad)).statusCode).toBe(401);
      expect((await post('/api/auth/login', bad)).statusCode).toBe(401);
      const third = await post('/api/auth/login', bad);
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('account_locked');
      expect(third.headers['retry-after']).toBe('600');
      // Even the right password is refused while locked.
      const right = await post('/api/auth/login', { username: u.user.username, password: u.password });
      expect(right.statusCode).toBe(429);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      const [suspicious] = await t.app.ctx.audit.list({
        type: 'SUSPICIOUS_ACTIVITY',
        userId: u.user.id,
        limit: 5,
      });
      expect(suspicious.message).toContain('locked');
      // After LOCKOUT_MINUTES the right password works again.
      clock += 10 * 60_000 + 1000;
      expect(
        (await post('/api/auth/login', { username: u.user.username, password: u.password })).statusCode,
      ).toBe(200);
    });

    it('answers SQL-looking, unicode and NUL-carrying logins with 401 or 400, never 500', async () => {
      for (const username of ["' or 1=1 --", '😀'.repeat(50), 'ünïcødé', "admin'/*"]) {
        const res = await post('/api/auth/login', { username, password: "' or '1'='1" });
        expect(res.statusCode).toBe(401);
      }
      const nul = await post('/api/auth/login', { username: 'a\u0000b', password: 'x' });
      expect(nul.statusCode).toBe(400);
      expect(nul.json().error.details[0].field).toBe('username');
      const u = await createUser(t.app);
      const filters = await t.app.inject({
        method: 'PUT',
        url: '/api/me/settings',
        headers: u.headers,
        payload: { default_filters: { q: 'x\u0000' } },
      });
      expect(filters.statusCode).toBe(400);
    });

    it('writes AUTH_SUCCESS and AUTH_FAILED records', async () => {
      const u = await createUser(t.app);
      await post('/api/auth/login', { username: u.user.username, password: u.password });
      await post('/api/auth/login', { username: u.user.username, password: 'not-the-password' });
      const recs = await t.app.ctx.audit.list({ userId: u.user.id, limit: 10 });
      const types = recs.map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(['AUTH_SUCCESS', 'AUTH_FAILED', 'USER_CREATED']));
      expect(recs.find((r) => r.type === 'AUTH_FAILED')!.message).toMatch(/^AUTH FAILED: /);
    });
  });

  describe('tokens', () => {
    it('rotates refresh tokens and revokes the family when a rotated token is reused', async () => {
      const u = await createUser(t.app);
      const first = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      expect(first.statusCode).toBe(200);
      const r1 = first.json().refresh_token;
      expect(r1).not.toBe(u.refreshToken);
      const second = await post('/api/auth/refresh', { refresh_token: r1 });
      expect(second.statusCode).toBe(200);
      const r2 = second.json().refresh_token;
      // The stolen, already-rotated first token comes back after the grace window:
      clock += (t.config.refreshReuseGrace + 1) * 1000;
      const reuse = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().error.code).toBe('refresh_reused');
      // ...and the whole family is gone, including the newest token.
      const newest = await post('/api/auth/refresh', { refresh_token: r2 });
      expect(newest.statusCode).toBe(401);
      expect(newest.json().error.code).toBe('token_revoked');
      const [rec] = await t.app.ctx.audit.list({ type: 'SUSPICIOUS_ACTIVITY', userId: u.user.id, limit: 1 });
      expect(rec.details).toMatchObject({ reason: 'refresh_token_reuse' });
    });

    it('logout revokes the refresh token (204) and is idempotent', async () => {
      const u = await createUser(t.app);
      expect((await post('/api/auth/logout', { refresh_token: u.refreshToken })).statusCode).toBe(204);
      expect((await post('/api/auth/logout', { refresh_token: u.refreshToken })).statusCode).toBe(204);
      expect((await post('/api/auth/refresh', { refresh_token: u.refreshToken })).statusCode).toBe(401);
    });

    it('rejects an unknown or expired refresh token', async () => {
      expect((await post('/api/auth/refresh', { refresh_token: 'nope' })).json().error.code).toBe(
        'invalid_token',
      );
      const u = await createUser(t.app);
      clock += t.config.refreshTokenTtl * 1000 + 1000;
      const res = await post('/api/auth/refresh', { refresh_token: u.refreshToken });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('token_expired');
    });

    it('refuses missing, malformed, forged, alg:none, wrong-secret and expired access tokens', async () => {
      const u = await createUser(t.app);
      const me = (headers: Record<string, string>) =>
        t.app.inject({ method: 'GET', url: '/api/auth/me', headers });
      const missing = await me({});
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error.code).toBe('unauthorized');
      expect((await me({ authorization: 'Basic abc' })).json().error.code).toBe('invalid_token');
      expect((await me(bearer('garbage'))).json().error.code).toBe('invalid_token');

      const [h, p, s] = u.accessToken.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const tampered = `${h}.${b64({ ...payload, role: 'admin', sub: '1' })}.${s}`;
      expect((await me(bearer(tampered))).json().error.code).toBe('invalid_token');
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
      expect((await me(bearer(none))).json().error.code).toBe('invalid_token');
      const wrongSecret = await new SignJWT({ role: 'admin', typ: 'access' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(u.user.id))
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('x'.repeat(64)));
      expect((await me(bearer(wrongSecret))).json().error.code).toBe('invalid_token');

      clock += (t.config.accessTokenTtl + 5) * 1000;
      const expired = await me(u.headers);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.code).toBe('token_expired');
    });

    it('refuses a service token on user endpoints', async () => {
      const token = (await t.app.ctx.tokens.createServiceToken({ name: 'bot', scopes: ['feed'] })).token;
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('insufficient_scope');
    });
  });

  describe('passwords and 2FA', () => {
    it('change-password checks the current one, revokes refresh tokens and answers a fresh pair', async () => {
      const u = await createUser(t.app);
      const wrong = await post(
        '/api/auth/change-password',
        { current_password: 'not-it-at-all', new_password: 'a brand new secret' },
        u.headers,
      );
      expect(wrong.statusCode).toBe(401);
      const res = await post(
        '/api/auth/change-password',
        { current_password: u.password, new_password: 'a brand new secret' },
        u.headers,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().token_type).toBe('bearer');
      expect((await post('/api/auth/refresh', { refresh_token: u.refreshToken })).statusCode).toBe(401);
      expect((await post('/api/auth/refresh', { refresh_token: res.json().refresh_token })).statusCode).toBe(
        200,
      );
      const login = await post('/api/auth/login', {
        username: u.user.username,
        password: 'a brand new secret',
      });
      expect(login.statusCode).toBe(200);
      const weak = await post(
        '/api/auth/change-password',
        { current_password: 'a brand new secret', new_password: 'password123' },
        bearer(login.json().access_token),
      );
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details[0].field).toBe('new_password');
    });

    it('sets up TOTP, requires a code at login, and takes each recovery code once', async () => {
      const u = await createUser(t.app);
      const setup = await post('/api/auth/2fa/setup', undefined, u.headers);
      expect(setup.statusCode).toBe(200);
      const { secret, otpauth_uri } = setup.json();
      expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/EVision:/);
      const code = () => generate({ secret, epoch: Math.floor(clock / 1000) });

      expect((await post('/api/auth/2fa/enable', { code: '000000' }, u.headers)).json().error.code).toBe(
        'invalid_totp',
      );
      const enable = await post('/api/auth/2fa/enable', { code: await code() }, u.headers);
      expect(enable.statusCode).toBe(200);
      const codes: string[] = enable.json().recovery_codes;
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      // The enable code's step is used: a later step's code for the logins below.
      clock += 60_000;

      const creds = { username: u.user.username, password: u.password };
      const noCode = await post('/api/auth/login', creds);
      expect(noCode.statusCode).toBe(401);
      expect(noCode.json().error.code).toBe('totp_required');
      const badCode = await post('/api/auth/login', {
        ...creds,
        totp: '123456' === (await code()) ? '654321' : '123456',
      });
      expect(badCode.json().error.code).toBe('invalid_totp');
      // One step of clock drift is tolerated.
      const drifted = await generate({ secret, epoch: Math.floor(clock / 1000) - 30 });
      expect((await post('/api/auth/login', { ...creds, totp: drifted })).statusCode).toBe(200);
      expect(
        (await post('/api/auth/login', { ...creds, recovery_code: codes[0].toUpperCase() })).statusCode,
      ).toBe(200);
      const again = await post('/api/auth/login', { ...creds, recovery_code: codes[0] });
      expect(again.statusCode).toBe(401);
      expect(again.json().error.code).toBe('invalid_totp');

      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers });
      expect(me.json().totp_enabled).toBe(true);

      const badDisable = await post(
        '/api/auth/2fa/disable',
        { password: 'wrong-password', code: await code() },
        u.headers,
      );
      expect(badDisable.statusCode).toBe(401);
      const disable = await post(
        '/api/auth/2fa/disable',
        { password: u.password, code: await code() },
        u.headers,
      );
      expect(disable.statusCode).toBe(204);
      expect((await post('/api/auth/login', creds)).statusCode).toBe(200);
      const types = (await t.app.ctx.audit.list({ userId: u.user.id, limit: 50 })).map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(['TOTP_ENABLED', 'TOTP_DISABLED']));
    });
  });

  describe('/api/me/settings', () => {
    it('reads and updates my settings, validating the time zone', async () => {
      const u = await createUser(t.app);
      const get = await t.app.inject({ method: 'GET', url: '/api/me/settings', headers: u.headers });
      expect(get.json()).toEqual({
        odds_format: 'decimal',
        bankroll: null,
        kelly_fraction: t.config.kellyFraction,
        timezone: 'UTC',
        default_filters: {},
      });
      const put = await t.app.inject({
        method: 'PUT',
        url: '/api/me/settings',
        headers: u.headers,
        payload: {
          odds_format: 'american',
          bankroll: 1000,
          timezone: 'Europe/Berlin',
          default_filters: { min_ev: 0.02 },
        },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({
        odds_format: 'american',
        bankroll: 1000,
        timezone: 'Europe/Berlin',
      });
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/me/settings',
        headers: u.headers,
        payload: { timezone: 'Mars/Olympus', kelly_fraction: 2 },
      });
      expect(bad.statusCode).toBe(400);
      const fields = bad.json().error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['timezone', 'kelly_fraction']));
      expect((await t.app.inject({ method: 'GET', url: '/api/me/settings' })).statusCode).toBe(401);
    });
  });
});

describe('registration closed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REGISTRATION: 'closed' } });
  });
  afterAll(() => t.close());

  it('answers 403 registration_closed', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'dave', email: 'dave@example.com', password: 'long enough pw' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('registration_closed');
  });
});
