import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startReceiver, startSmtp } from '../../../test/alert-receivers';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, type TestApp } from '../../../test/helpers';

// biome-ignore lint/suspicious/noExplicitAny: test reads of JSON payloads
type Json = any;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(f: () => Promise<T | undefined> | T | undefined, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

let n = 0;
function botHit(over: Record<string, unknown> = {}) {
  return {
    event_id: `alert-ev-${n++}`,
    sport: 'icehockey_nhl',
    home_team: 'Boston <b>Bruins</b>',
    away_team: 'Toronto & "Leafs"',
    commence_time: new Date(Date.now() + 7_200_000).toISOString(),
    market: 'totals',
    outcome: 'Over',
    point: 6.5,
    book: 'fanduel',
    price: 2.1,
    fair_probability: 0.52,
    ...over,
  };
}

/** A real WebSocket client that records `alert` messages. */
async function socket(base: string, token: string) {
  const alerts: Json[] = [];
  const ws = new WebSocket(`${base}/ws/live?token=${token}`);
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.type === 'alert') alerts.push(m);
  });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return { alerts, close: () => ws.terminate() };
}

describe('alerts', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let base: string;
  let ingestToken: string;
  let a: Awaited<ReturnType<typeof createUser>>;
  let b: Awaited<ReturnType<typeof createUser>>;

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: object, payload?: object) =>
    t.app.inject({ method, url, headers: headers as Record<string, string>, payload });
  const ingest = (hits: object[]) =>
    req('POST', '/api/ingest/hits', bearer(ingestToken), { hits, ttl_seconds: 600 });
  const deliveries = async (user: typeof a, ruleId?: number) =>
    (await req('GET', `/api/alerts/deliveries${ruleId ? `?rule_id=${ruleId}` : ''}`, user.headers)).json()
      .deliveries as Json[];
  const settle = async () => {
    await sleep(20);
    await t.app.ctx.alerts!.engine.idle();
  };

  /** Verifies a user's address through the mailed link, as a person would. */
  async function verify(user: typeof a) {
    const from = smtp.mails.length;
    const sent = await req('POST', '/api/me/email/verification', user.headers);
    expect(sent.statusCode).toBe(202);
    const mail = await smtp.next(
      (m) => m.to !== undefined && JSON.stringify(m.to).includes(user.user.email),
      5_000,
      from,
    );
    const token = /token=([^\s&"]+)/.exec(mail.text ?? '')![1];
    expect(mail.text).toContain('https://ev.example.test/verify-email?token=');
    const ok = await req('POST', '/api/auth/verify-email', {}, { token: decodeURIComponent(token) });
    expect(ok.json()).toEqual({ email: user.user.email, verified: true });
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    hook = await startReceiver();
    t = await createTestApp({
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'EVision <alerts@ev.example.test>',
        PUBLIC_URL: 'https://ev.example.test/',
        ALERT_WEBHOOK_ALLOW_PRIVATE: 'true',
        ALERT_EMAILS_PER_HOUR: '3',
      },
      deps: { alerts: { retryBaseMs: 50, sweepMs: 50 } },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    ingestToken = await createServiceToken(t.app, ['ingest']);
    a = await createUser(t.app);
    b = await createUser(t.app);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await hook.close();
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    for (const path of [
      '/api/alerts',
      '/api/alerts/{id}',
      '/api/alerts/deliveries',
      '/api/alerts/channels',
      '/api/auth/forgot-password',
      '/api/auth/reset-password',
      '/api/auth/verify-email',
      '/api/me/email/verification',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths['/api/alerts/{id}'])).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
  });

  it('validates rules, naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ name: '' }, 'name'],
      [{ name: 'x', filter: { min_ev: 'high' } }, 'filter.min_ev'],
      [{ name: 'x', filter: { colour: 'red' } }, 'filter'],
      [{ name: 'x', channels: { webhook: { url: 'ftp://example.com/x' } } }, 'channels.webhook.url'],
      [
        { name: 'x', channels: { webhook: { url: 'https://h.example/x', style: 'teams' } } },
        'channels.webhook.style',
      ],
      [{ name: 'x', quiet_seconds: -1 }, 'quiet_seconds'],
    ];
    for (const [body, field] of cases) {
      const r = await req('POST', '/api/alerts', a.headers, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(r.json().error.details)).toContain(field);
    }
    expect((await req('GET', '/api/alerts', {})).statusCode).toBe(401);
    expect((await req('GET', '/api/alerts/abc', a.headers)).statusCode).toBe(400);
  });

  it('keeps each user to their own rules and masks webhook URLs', async () => {
    const created = await req('POST', '/api/alerts', a.headers, {
      name: 'mine',
      channels: { webhook: { url: 'https://hooks.example.test/services/SECRET/abcd', style: 'slack' } },
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule.channels.webhook).toEqual({ url_masked: 'https://hooks.example.test/…abcd', style: 'slack' });
    expect(JSON.stringify(rule)).not.toContain('SECRET');
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'stolen' }], ['DELETE']] as const) {
      const r = await req(method, `/api/alerts/${rule.id}`, b.headers, payload);
      expect(r.statusCode).toBe(404);
    }
    expect((await req('GET', `/api/alerts/deliveries?rule_id=${rule.id}`, b.headers)).statusCode).toBe(404);
    expect((await req('GET', '/api/alerts', b.headers)).json().rules).toEqual([]);
    expect((await req('GET', `/api/alerts/${rule.id}`, a.headers)).json().name).toBe('mine');
    expect((await req('DELETE', `/api/alerts/${rule.id}`, a.headers)).statusCode).toBe(204);
    expect((await req('GET', `/api/alerts/${rule.id}`, a.headers)).statusCode).toBe(404);
  });

  it('refuses e-mail until the address is verified by the mailed link', async () => {
    const r = await req('POST', '/api/alerts', a.headers, { name: 'mail', channels: { email: true } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('email_unverified');
    expect((await req('GET', '/api/alerts/channels', a.headers)).json().email).toMatchObject({
      available: true,
      address_verified: false,
      emails_per_hour: 3,
    });
    const forged = await req('POST', '/api/auth/verify-email', {}, { token: 'MTIzLjk5OTk5OTk5OTk5OQ.abc' });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe('invalid_token');
    await verify(a);
    expect((await req('GET', '/api/me/email', a.headers)).json().verified).toBe(true);
  });

  it('fires once per hit opening on every channel; the other user hears nothing', async () => {
    const sa = await socket(base, a.accessToken);
    const sb = await socket(base, b.accessToken);
    try {
      const rule = (
        await req('POST', '/api/alerts', a.headers, {
          name: 'NHL <value>',
          filter: { sport: ['icehockey_nhl'], min_ev: 0.05 },
          channels: {
            websocket: true,
            email: true,
            webhook: { url: hook.url('/discord'), style: 'discord' },
          },
        })
      ).json();
      // Below the filter: nothing.
      const low = botHit({ price: 1.95 });
      await ingest([low]);
      await settle();
      expect(await deliveries(a, rule.id)).toEqual([]);
      // An update moving it into the filter fires it.
      await ingest([{ ...low, price: 2.2 }]);
      const sent = await until(async () => {
        const d = await deliveries(a, rule.id);
        return d.length === 3 && d.every((x: Json) => x.status === 'sent') ? d : undefined;
      });
      expect(sent.map((d: Json) => d.channel).sort()).toEqual(['email', 'webhook', 'websocket']);
      expect(sent.find((d: Json) => d.channel === 'webhook').status_code).toBe(200);
      expect(JSON.stringify(sent)).not.toContain('must not be stored');

      await until(() => sa.alerts.length === 1);
      expect(sa.alerts[0].data.rule).toEqual({ id: rule.id, name: 'NHL <value>' });
      expect(sa.alerts[0].data.hit.price).toBe(2.2);

      const discord = hook.received.find((r) => r.path === '/discord')!.body as Json;
      expect(discord.allowed_mentions).toEqual({ parse: [] });
      expect(discord.content).toContain('Toronto & "Leafs" @ Boston <b>Bruins</b>');

      const mail = await smtp.next((m) => (m.subject ?? '').startsWith('EVision alert'));
      expect(mail.html).toContain('Boston &lt;b&gt;Bruins&lt;/b&gt;');
      expect(mail.html).toContain('Toronto &amp; &quot;Leafs&quot;');
      expect(mail.html).not.toContain('<b>Bruins');
      expect(mail.html).toContain('NHL &lt;value&gt;');

      // The same hit again (and a further price change) in the same opening: no second alert.
      await ingest([{ ...low, price: 2.25 }]);
      await settle();
      expect(await deliveries(a, rule.id)).toHaveLength(3);
      expect(sa.alerts).toHaveLength(1);
      expect(sb.alerts).toEqual([]);
      await req('DELETE', `/api/alerts/${rule.id}`, a.headers);
    } finally {
      sa.close();
      sb.close();
    }
  });

  it('suppresses deliveries inside the quiet period and records them', async () => {
    const rule = (
      await req('POST', '/api/alerts', b.headers, {
        name: 'quiet',
        filter: { book: ['betmgm'] },
        channels: { websocket: true },
        quiet_seconds: 3600,
      })
    ).json();
    await ingest([botHit({ book: 'betmgm' })]);
    await until(async () => (await deliveries(b, rule.id)).length === 1);
    await ingest([botHit({ book: 'betmgm' })]);
    const all = await until(async () => {
      const d = await deliveries(b, rule.id);
      return d.length === 2 ? d : undefined;
    });
    expect(all.map((d: Json) => [d.status, d.reason])).toEqual([
      ['suppressed', 'quiet_period'],
      ['sent', null],
    ]);
    await req('DELETE', `/api/alerts/${rule.id}`, b.headers);
  });

  it('retries a failing webhook with backoff until it is accepted, and gives up on a 4xx', async () => {
    const rule = (
      await req('POST', '/api/alerts', b.headers, {
        name: 'retry',
        filter: { book: ['caesars'] },
        channels: { websocket: false, webhook: { url: hook.url('/json'), style: 'json' } },
      })
    ).json();
    hook.statuses.push(500, 503);
    await ingest([botHit({ book: 'caesars' })]);
    const ok = await until(async () => {
      const [d] = await deliveries(b, rule.id);
      return d?.status === 'sent' ? d : undefined;
    });
    expect(ok.attempts).toBe(3);
    const bodies = hook.received.filter((r) => r.path === '/json').map((r) => r.body as Json);
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatchObject({ type: 'alert', rule: { id: rule.id, name: 'retry' } });

    hook.statuses.push(404);
    await ingest([botHit({ book: 'caesars' })]);
    const failed = await until(async () => {
      const d = await deliveries(b, rule.id);
      return d.length === 2 && d[0].status === 'failed' ? d[0] : undefined;
    });
    expect(failed).toMatchObject({ attempts: 1, status_code: 404, reason: 'status 404' });
    await req('DELETE', `/api/alerts/${rule.id}`, b.headers);
  });

  it('caps e-mails per user per hour', async () => {
    const rule = (
      await req('POST', '/api/alerts', a.headers, {
        name: 'cap',
        filter: { book: ['pointsbetus'] },
        channels: { websocket: false, email: true },
      })
    ).json();
    // One alert e-mail went out earlier; the cap is 3.
    for (let i = 0; i < 3; i++) await ingest([botHit({ book: 'pointsbetus' })]);
    const d = await until(async () => {
      const list = await deliveries(a, rule.id);
      return list.length === 3 && list.every((x: Json) => x.status !== 'pending') ? list : undefined;
    });
    expect(d.map((x: Json) => x.status).sort()).toEqual(['sent', 'sent', 'suppressed']);
    expect(d.find((x: Json) => x.status === 'suppressed').reason).toMatch(/email_rate_limit/);
  });

  it('resets a password through a single-use link, answering the same for unknown addresses', async () => {
    const unknown = await req('POST', '/api/auth/forgot-password', {}, { email: 'nobody@example.com' });
    const unverified = await req('POST', '/api/auth/forgot-password', {}, { email: b.user.email });
    const known = await req('POST', '/api/auth/forgot-password', {}, { email: a.user.email.toUpperCase() });
    expect(unknown.statusCode).toBe(202);
    expect(unverified.json()).toEqual(unknown.json());
    expect(known.json()).toEqual(unknown.json());
    const mail = await smtp.next((m) => (m.subject ?? '').includes('reset your password'));
    expect(JSON.stringify(mail.to)).toContain(a.user.email);
    await sleep(200);
    expect(smtp.mails.filter((m) => (m.subject ?? '').includes('reset your password'))).toHaveLength(1);
    const token = decodeURIComponent(/reset-password\?token=([^\s&"]+)/.exec(mail.text ?? '')![1]);

    const weak = await req('POST', '/api/auth/reset-password', {}, { token, password: 'password' });
    expect(weak.statusCode).toBe(400);
    expect(JSON.stringify(weak.json().error.details)).toContain('password');
    const password = 'A-new-long-passphrase-42';
    expect((await req('POST', '/api/auth/reset-password', {}, { token, password })).statusCode).toBe(200);
    const again = await req(
      'POST',
      '/api/auth/reset-password',
      {},
      { token, password: 'Another-passphrase-43' },
    );
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_token');
    const login = await req('POST', '/api/auth/login', {}, { username: a.user.username, password });
    expect(login.statusCode).toBe(200);
    // The old refresh token was revoked with the reset.
    const refresh = await req('POST', '/api/auth/refresh', {}, { refresh_token: a.refreshToken });
    expect(refresh.statusCode).toBe(401);
  });
});

describe('alerts without SMTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows e-mail as unavailable and refuses to enable it (never a silent drop)', async () => {
    const u = await createUser(t.app);
    const channels = (await t.app.inject({ url: '/api/alerts/channels', headers: u.headers })).json();
    expect(channels.email.available).toBe(false);
    expect(channels.email.reason).toMatch(/SMTP_URL/);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: u.headers,
      payload: { name: 'mail', channels: { email: true } },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('email_unavailable');
    const v = await t.app.inject({ method: 'POST', url: '/api/me/email/verification', headers: u.headers });
    expect(v.statusCode).toBe(409);
    const f = await t.app.inject({
      method: 'POST',
      url: '/api/auth/forgot-password',
      payload: { email: u.user.email },
    });
    expect(f.statusCode).toBe(409);
  });
});
