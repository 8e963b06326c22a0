import type { AddressInfo } from 'node:net';
import type { EvHit } from '@evision/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, type TestApp, testRedisUrl, uniqueRedisPrefix } from '../../../test/helpers';
import type { App } from '../../app';
import type { RedisPubSub } from '../../infra/pubsub';
import { createRedis } from '../../infra/redis';

interface Received {
  type: string;
  topic?: string;
  // Assertions read arbitrary fields of the payload; the shapes are checked by the expectations.
  // biome-ignore lint/suspicious/noExplicitAny: test reads of JSON payloads
  data: any;
}

/** A real `ws` client on a listening app, recording every message and the close. */
class LiveClient {
  readonly messages: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('error', () => {});
  }

  static async connect(base: string, query = '', options: WebSocket.ClientOptions = {}): Promise<LiveClient> {
    const client = new LiveClient(new WebSocket(`${base}/ws/live${query}`, options));
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve());
      client.ws.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (from `from` on) satisfying `pred`; rejects after `ms`. */
  async next(pred: (m: Received) => boolean, ms = 3_000, from = 0): Promise<Received> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find(pred);
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0)
        throw new Error(`no matching message; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a ping and waits for its pong: every message the server sent before is here now. */
  async sync(): Promise<Received> {
    const from = this.messages.length;
    this.send({ type: 'ping' });
    return this.next((m) => m.type === 'pong', 3_000, from);
  }

  /** Messages of a type, in order. */
  of(type: string): Received[] {
    return this.messages.filter((m) => m.type === type);
  }

  close(): void {
    this.ws.terminate();
  }
}

function hit(sport: string, n: number, extra: Record<string, unknown> = {}): EvHit {
  const now = new Date().toISOString();
  return {
    id: `e${n}|h2h|Home||fanduel`,
    event_id: `e${n}`,
    event: 'Away @ Home',
    home_team: 'Home',
    away_team: 'Away',
    sport,
    commence_time: new Date(Date.now() + 3_600_000).toISOString(),
    market: 'h2h',
    outcome: 'Home',
    point: null,
    book: 'fanduel',
    price: 2.2,
    fair_odds: 2,
    fair_probability: 0.5,
    ev: 0.1,
    ev_percent: 10,
    kelly: 0.0833,
    suspect: false,
    source: 'bot',
    status: 'active',
    first_seen_at: now,
    last_seen_at: now,
    closed_at: null,
    best_ev: 0.1,
    closing_fair_odds: null,
    clv: null,
    ...extra,
  };
}

/** Publishes a hit the way HitService does: on `ev` and on `ev:<sport>`. */
function publishHit(app: App, type: string, h: EvHit): void {
  app.ctx.pubsub.publish('ev', type, h);
  app.ctx.pubsub.publish(`ev:${h.sport}`, type, h);
}

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 3_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
  return cond();
}

describe('GET /ws/live', () => {
  let t: TestApp;
  let base: string;
  let skewMs = 0;
  const clients: LiveClient[] = [];
  const connect = async (query = '', options?: WebSocket.ClientOptions) => {
    const c = await LiveClient.connect(base, query, options);
    clients.push(c);
    return c;
  };
  /** A connected, authenticated client (user token in the query). */
  const userClient = async (token: string) => {
    const c = await connect(`?token=${token}`);
    await c.next((m) => m.type === 'hello');
    return c;
  };
  let user: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await createTestApp({
      deps: { now: () => Date.now() + skewMs, realtime: { authTimeoutMs: 400 } },
    });
    base = await listen(t.app);
    user = await createUser(t.app);
  });
  afterEach(() => {
    skewMs = 0;
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('authentication', () => {
    it('accepts a user access token in ?token= and says hello with the user, topics and time', async () => {
      const c = await connect(`?token=${user.accessToken}`);
      const hello = await c.next((m) => m.type === 'hello');
      expect(hello.data.user).toEqual({ id: user.user.id, username: user.user.username, role: 'user' });
      expect(hello.data.topics).toEqual(expect.arrayContaining(['ev', 'system']));
      expect(hello.data.subscribed).toEqual([]);
      expect(Math.abs(Date.parse(hello.data.server_time) - Date.now())).toBeLessThan(5_000);
      expect(hello.data.heartbeat_ms).toBe(30_000);
    });

    it('accepts the token as a first {type: "auth"} message, and queues what follows it', async () => {
      const c = await connect();
      c.send({ type: 'auth', token: user.accessToken });
      c.send({ type: 'subscribe', topics: ['ev'] });
      c.send({ type: 'ping' });
      await c.next((m) => m.type === 'hello');
      const pong = await c.next((m) => m.type === 'pong');
      expect(pong.data.subscribed).toEqual(['ev']);
      expect(c.messages.map((m) => m.type)).toEqual(['hello', 'pong']);
    });

    it('closes with 4401 when the first message is not auth', async () => {
      const c = await connect();
      c.send({ type: 'subscribe', topics: ['ev'] });
      expect((await c.closed).code).toBe(4401);
    });

    it('closes with 4401 when no token arrives within the auth timeout', async () => {
      const c = await connect();
      const started = Date.now();
      expect((await c.closed).code).toBe(4401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    });

    it('closes with 4401 for a bad token, in the query or in the auth message', async () => {
      const q = await connect('?token=not-a-token');
      expect((await q.closed).code).toBe(4401);
      const m = await connect();
      m.send({ type: 'auth', token: 'evs_doesnotexist' });
      expect((await m.closed).code).toBe(4401);
      expect(q.messages).toEqual([]);
    });

    it('closes with 4401 for an expired access token', async () => {
      skewMs = (t.config.accessTokenTtl + 60) * 1000;
      const c = await connect(`?token=${user.accessToken}`);
      expect((await c.closed).code).toBe(4401);
    });

    it('accepts a service token with the feed scope and names the service', async () => {
      const token = await createServiceToken(t.app, ['feed'], 'feed bot');
      const c = await connect();
      c.send({ type: 'auth', token });
      const hello = await c.next((m) => m.type === 'hello');
      expect(hello.data.service).toEqual({ name: 'feed bot' });
      expect(hello.data.user).toBeUndefined();
    });

    it('closes with 4403 for a service token without the feed scope', async () => {
      const token = await createServiceToken(t.app, ['ingest']);
      const c = await connect(`?token=${token}`);
      expect((await c.closed).code).toBe(4403);
    });

    it('renews the token with a second auth message: answers authenticated and stays open past the old expiry', async () => {
      const u = await createUser(t.app);
      const row = (await t.app.ctx.users.repo.byId(u.user.id))!;
      const claims = { userId: row.id, role: row.role, version: row.tokenVersion };
      const short = await t.app.ctx.tokens.issueAccess(claims, 2);
      const c = await userClient(short);
      const hello = c.of('hello')[0];
      expect(Date.parse(hello.data.expires_at)).toBeLessThanOrEqual(Date.now() + 2_000);
      c.send({ type: 'auth', token: u.accessToken });
      const renewed = await c.next((m) => m.type === 'authenticated');
      expect(Date.parse(renewed.data.expires_at)).toBeGreaterThan(Date.now() + 60_000);
      await sleep(2_300);
      await c.sync();
      expect(c.of('error')).toEqual([]);
    });

    it('closes with 4401 when the access token expires on an open socket that did not renew it', async () => {
      const u = await createUser(t.app);
      const row = (await t.app.ctx.users.repo.byId(u.user.id))!;
      const short = await t.app.ctx.tokens.issueAccess({ userId: row.id, role: row.role, version: 0 }, 2);
      const c = await userClient(short);
      const started = Date.now();
      const closed = await c.closed;
      expect(closed.code).toBe(4401);
      expect(closed.reason).toBe('access token expired');
      expect(Date.now() - started).toBeLessThan(2_500);
    });

    it('refuses a renewal with another user’s token (error, still open) and closes with 4401 for an invalid one', async () => {
      const other = await createUser(t.app);
      const c = await userClient(user.accessToken);
      c.send({ type: 'auth', token: other.accessToken });
      const err = await c.next((m) => m.type === 'error');
      expect(err.data.code).toBe('auth_mismatch');
      await c.sync();
      c.send({ type: 'auth', token: 'not-a-token' });
      expect((await c.closed).code).toBe(4401);
    });

    it('closes the user’s sockets with 4401 at sign-out everywhere, a password change or a demotion', async () => {
      const a = await createUser(t.app);
      const bystander = await createUser(t.app);
      const sa = await userClient(a.accessToken);
      const sb = await userClient(bystander.accessToken);
      await t.app.ctx.auth.logoutAll(a.user.id, { id: a.user.id, username: a.user.username, ip: null });
      const closed = await sa.closed;
      expect(closed).toEqual({ code: 4401, reason: 'token revoked' });
      await sb.sync();

      // A socket opened with a token issued after the bump stays; the next change closes it.
      const fresh = await t.app.ctx.auth.issuePair((await t.app.ctx.users.repo.byId(a.user.id))!);
      const again = await userClient(fresh.access_token);
      await again.sync();
      const row = (await t.app.ctx.users.repo.byId(a.user.id))!;
      await t.app.ctx.users.setPassword(row, `${a.password}-new`);
      expect((await again.closed).code).toBe(4401);

      const admin = await createUser(t.app, { role: 'admin' });
      const root = await createUser(t.app, { role: 'admin' });
      const sAdmin = await userClient(admin.accessToken);
      await t.app.ctx.users.update(
        admin.user.id,
        { role: 'user' },
        { id: root.user.id, username: root.user.username },
      );
      expect((await sAdmin.closed).code).toBe(4401);
    });
  });

  describe('subscriptions', () => {
    it('delivers NBA hits only to a client subscribed to ev:basketball_nba', async () => {
      const nba = await userClient(user.accessToken);
      const epl = await userClient(user.accessToken);
      const all = await userClient(user.accessToken);
      const none = await userClient(user.accessToken);
      nba.send({ type: 'subscribe', topics: ['ev:basketball_nba'] });
      epl.send({ type: 'subscribe', topics: ['ev:soccer_epl'] });
      all.send({ type: 'subscribe', topics: ['ev'] });
      for (const c of [nba, epl, all]) await c.sync();

      const nbaHit = hit('basketball_nba', 1);
      publishHit(t.app, 'ev.hit.new', nbaHit);
      publishHit(t.app, 'ev.hit.updated', hit('soccer_epl', 2));
      publishHit(t.app, 'ev.hit.closed', hit('basketball_nba', 1, { status: 'closed' }));
      for (const c of [nba, epl, all, none]) await c.sync();

      const hits = (c: LiveClient) => c.messages.filter((m) => m.type.startsWith('ev.hit.'));
      expect(hits(nba).map((m) => [m.type, m.topic, m.data.id])).toEqual([
        ['ev.hit.new', 'ev:basketball_nba', 'e1|h2h|Home||fanduel'],
        ['ev.hit.closed', 'ev:basketball_nba', 'e1|h2h|Home||fanduel'],
      ]);
      expect(hits(nba)[0].data).toEqual(nbaHit);
      expect(hits(epl).map((m) => [m.type, m.data.sport])).toEqual([['ev.hit.updated', 'soccer_epl']]);
      expect(hits(all).map((m) => [m.type, m.topic, m.data.sport])).toEqual([
        ['ev.hit.new', 'ev', 'basketball_nba'],
        ['ev.hit.updated', 'ev', 'soccer_epl'],
        ['ev.hit.closed', 'ev', 'basketball_nba'],
      ]);
      expect(hits(none)).toEqual([]);
    });

    it('delivers odds.updated and system messages to their subscribers; unsubscribe stops them', async () => {
      const c = await userClient(user.accessToken);
      c.send({ type: 'subscribe', topics: ['odds:basketball_nba', 'system'] });
      expect((await c.sync()).data.subscribed.sort()).toEqual(['odds:basketball_nba', 'system']);
      t.app.ctx.pubsub.publish('odds:basketball_nba', 'odds.updated', { sport: 'basketball_nba', events: 3 });
      t.app.ctx.pubsub.publish('odds:soccer_epl', 'odds.updated', { sport: 'soccer_epl', events: 1 });
      t.app.ctx.pubsub.publish('system', 'alert', { message: 'maintenance at noon' });
      await c.sync();
      expect(c.of('odds.updated').map((m) => m.data.sport)).toEqual(['basketball_nba']);
      expect(c.of('alert')).toEqual([
        { type: 'alert', topic: 'system', data: { message: 'maintenance at noon' } },
      ]);

      c.send({ type: 'unsubscribe', topics: ['odds:basketball_nba'] });
      expect((await c.sync()).data.subscribed).toEqual(['system']);
      t.app.ctx.pubsub.publish('odds:basketball_nba', 'odds.updated', { sport: 'basketball_nba', events: 4 });
      await c.sync();
      expect(c.of('odds.updated')).toHaveLength(1);
    });

    it("delivers a user's alerts (published on user:<id>) to that user's connections only", async () => {
      const other = await createUser(t.app);
      const mine = await userClient(user.accessToken);
      const theirs = await userClient(other.accessToken);
      t.app.ctx.pubsub.publish(`user:${user.user.id}`, 'alert', { rule: 1, hit_id: 'x' });
      await mine.sync();
      await theirs.sync();
      expect(mine.of('alert').map((m) => m.data)).toEqual([{ rule: 1, hit_id: 'x' }]);
      expect(theirs.of('alert')).toEqual([]);
    });

    it('sends a hit ingested through POST /api/ingest/hits to ev:<sport> subscribers', async () => {
      const c = await userClient(user.accessToken);
      c.send({ type: 'subscribe', topics: ['ev:basketball_nba'] });
      await c.sync();
      const token = await createServiceToken(t.app, ['ingest']);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/ingest/hits',
        headers: bearer(token),
        payload: {
          hits: [
            {
              event_id: 'ws-e2e',
              sport: 'basketball_nba',
              home_team: 'Home',
              away_team: 'Away',
              commence_time: new Date(Date.now() + 3_600_000).toISOString(),
              market: 'h2h',
              outcome: 'Home',
              book: 'fanduel',
              price: 2.2,
              fair_probability: 0.5,
            },
          ],
        },
      });
      expect(res.statusCode).toBe(200);
      const m = await c.next((x) => x.type === 'ev.hit.new');
      expect(m.topic).toBe('ev:basketball_nba');
      expect(m.data).toMatchObject({
        id: 'ws-e2e|h2h|Home||fanduel',
        source: 'bot',
        status: 'active',
        sport: 'basketball_nba',
      });
      expect(m.data.ev).toBeCloseTo(0.1, 10);
    });
  });

  describe('client messages', () => {
    it('answers ping with pong carrying the server time and the subscriptions', async () => {
      const c = await userClient(user.accessToken);
      const pong = await c.sync();
      expect(pong).toEqual({ type: 'pong', data: { server_time: expect.any(String), subscribed: [] } });
    });

    it('answers invalid JSON, unknown types, bad shapes and bad topics with an error and stays open', async () => {
      const c = await userClient(user.accessToken);
      c.send('{not json');
      c.send({ type: 'dance' });
      c.send({ topics: ['ev'] });
      c.send({ type: 'subscribe', topics: 'ev' });
      c.send({ type: 'subscribe', topics: ['ev', 'ev:NBA!', 'odds', 'nope'] });
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      const pong = await c.sync();
      expect(c.of('error').map((m) => m.data.code)).toEqual([
        'invalid_json',
        'unknown_type',
        'unknown_type',
        'invalid_message',
        'invalid_topic',
        'invalid_message',
      ]);
      expect(c.of('error')[4].data.details).toEqual({ topics: ['ev:NBA!', 'odds', 'nope'] });
      // All or nothing: the valid `ev` of the rejected message was not subscribed either.
      expect(pong.data.subscribed).toEqual([]);
      expect(c.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('closes with 1009 a message over 64 KB', async () => {
      const c = await userClient(user.accessToken);
      c.send({ type: 'ping', pad: 'x'.repeat(70_000) });
      expect((await c.closed).code).toBe(1009);
    });
  });

  it('serializes a broadcast once and writes the same bytes to every subscriber', async () => {
    const cs = await Promise.all([1, 2, 3, 4, 5].map(() => userClient(user.accessToken)));
    for (const c of cs) c.send({ type: 'subscribe', topics: ['ev:basketball_nba'] });
    for (const c of cs) await c.sync();

    const stringify = vi.spyOn(JSON, 'stringify');
    const send = vi.spyOn(WebSocket.prototype, 'send');
    try {
      t.app.ctx.pubsub.publish('ev:basketball_nba', 'ev.hit.new', hit('basketball_nba', 7));
      expect(stringify).toHaveBeenCalledTimes(1);
      expect(send).toHaveBeenCalledTimes(5);
      const frames = send.mock.calls.map((call) => call[0]);
      for (const f of frames) expect(f).toBe(frames[0]);
    } finally {
      stringify.mockRestore();
      send.mockRestore();
    }
    for (const c of cs) {
      const m = await c.next((x) => x.type === 'ev.hit.new');
      expect(m.data.id).toBe('e7|h2h|Home||fanduel');
    }
  });

  it('reports the open connections in health, stats and metrics', async () => {
    // The previous test's clients were terminated; the server sees their close shortly after.
    expect(await until(() => t.app.ctx.realtime!.connections === 0)).toBe(true);
    await userClient(user.accessToken);
    await userClient(user.accessToken);
    const n = 2;
    expect(t.app.ctx.realtime!.connections).toBe(n);

    const health = (await t.app.inject({ method: 'GET', url: '/api/monitoring/health' })).json();
    expect(health.checks.websocket).toMatchObject({ status: 'ok', detail: `${n} connections` });
    const stats = await t.app.inject({ method: 'GET', url: '/api/monitoring/stats', headers: user.headers });
    expect(stats.json().websocket).toEqual({ connections: n });
    const metrics = (await t.app.inject({ method: 'GET', url: '/api/monitoring/metrics' })).body;
    expect(metrics).toContain(`evision_websocket_connections ${n}`);

    for (const c of clients.splice(0)) c.close();
    expect(await until(() => t.app.ctx.realtime!.connections === 0)).toBe(true);
  });

  it('works through app.injectWS (the rate limiter keys a request without an address)', async () => {
    // In-process, the hello can arrive in the tick of 'open': listen from the start.
    let resolveFirst: (m: Received) => void = () => {};
    const first = new Promise<Received>((resolve) => {
      resolveFirst = resolve;
    });
    const ws = await t.app.injectWS(
      `/ws/live?token=${user.accessToken}`,
      {},
      { onInit: (w: WebSocket) => w.once('message', (d) => resolveFirst(JSON.parse(d.toString()))) },
    );
    expect((await first).type).toBe('hello');
    ws.terminate();
  });
});

describe('GET /ws/live under stress', () => {
  it('terminates a peer that stops answering pings, and keeps the ones that answer', async () => {
    const t = await createTestApp({ deps: { realtime: { heartbeatMs: 250 } } });
    try {
      const base = await listen(t.app);
      const { accessToken } = await createUser(t.app);
      const live = await LiveClient.connect(base, `?token=${accessToken}`);
      const dead = await LiveClient.connect(base, `?token=${accessToken}`, { autoPong: false });
      await dead.next((m) => m.type === 'hello');
      const started = Date.now();
      expect((await dead.closed).code).toBe(1006); // terminated: no close frame
      expect(Date.now() - started).toBeLessThan(3_000);
      await sleep(800); // three more beats
      expect(live.ws.readyState).toBe(WebSocket.OPEN);
      await live.sync();
      expect(t.app.ctx.realtime!.connections).toBe(1);
      const metrics = (await t.app.inject({ method: 'GET', url: '/api/monitoring/metrics' })).body;
      expect(metrics).toMatch(/evision_websocket_dropped_total\{reason="heartbeat"\} 1/);
      live.close();
    } finally {
      await t.close();
    }
  });

  it('closes a client that stops reading with 1013 instead of buffering without bound', async () => {
    const maxBufferedBytes = 256 * 1024;
    const t = await createTestApp({ deps: { realtime: { maxBufferedBytes } } });
    try {
      const base = await listen(t.app);
      const { accessToken } = await createUser(t.app);
      const slow = await LiveClient.connect(base, `?token=${accessToken}`);
      const fast = await LiveClient.connect(base, `?token=${accessToken}`);
      for (const c of [slow, fast]) {
        await c.next((m) => m.type === 'hello');
        c.send({ type: 'subscribe', topics: ['ev'] });
        await c.sync();
      }
      // The slow client's process stops reading its socket: the kernel buffers fill, then ours.
      (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

      const serverSockets = [...t.app.websocketServer.clients];
      let maxBuffered = 0;
      const pad = 'x'.repeat(50_000);
      const total = 400; // 20 MB, far beyond what the loopback's kernel buffers hold
      for (let i = 0; i < total; i += 10) {
        for (let j = i; j < i + 10; j++) publishHit(t.app, 'ev.hit.new', hit('basketball_nba', j, { pad }));
        for (const s of serverSockets) maxBuffered = Math.max(maxBuffered, s.bufferedAmount);
        await sleep(5); // lets the fast client read
      }
      expect(
        await until(
          () => t.app.ctx.realtime!.connections === 1 || fast.of('ev.hit.new').length === total,
          10_000,
        ),
      ).toBe(true);
      // Bounded: the bound plus at most one message in flight.
      expect(maxBuffered).toBeLessThan(maxBufferedBytes + 10 * 60_000);

      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await slow.closed).code).toBe(1013);
      expect(slow.of('ev.hit.new').length).toBeLessThan(total);

      expect(await until(() => fast.of('ev.hit.new').length === total, 10_000)).toBe(true);
      expect(fast.ws.readyState).toBe(WebSocket.OPEN);
      const metrics = (await t.app.inject({ method: 'GET', url: '/api/monitoring/metrics' })).body;
      expect(metrics).toMatch(/evision_websocket_dropped_total\{reason="slow_consumer"\} 1/);
      fast.close();
    } finally {
      await t.close();
    }
  });

  it('closes every socket with 1001 when the app shuts down', async () => {
    const t = await createTestApp();
    const base = await listen(t.app);
    const { accessToken } = await createUser(t.app);
    const a = await LiveClient.connect(base, `?token=${accessToken}`);
    const b = await LiveClient.connect(base); // not yet authenticated
    await a.next((m) => m.type === 'hello');
    const started = Date.now();
    await t.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

const redisUrl = testRedisUrl();

describe.skipIf(!redisUrl)('GET /ws/live across two instances sharing Redis', () => {
  const prefix = uniqueRedisPrefix();
  const apps: TestApp[] = [];
  const conns = [
    createRedis(redisUrl ?? 'redis://127.0.0.1:1'),
    createRedis(redisUrl ?? 'redis://127.0.0.1:1'),
  ];

  beforeAll(async () => {
    for (const r of conns) if (r.status !== 'ready') await new Promise((ok) => r.once('ready', ok));
    for (const redis of conns) {
      apps.push(
        await createTestApp({ env: { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix }, deps: { redis } }),
      );
    }
    for (const t of apps) await (t.app.ctx.pubsub as RedisPubSub).ready();
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    const keys = await conns[0].keys(`${prefix}*`);
    if (keys.length) await conns[0].del(...keys);
    for (const r of conns) r.disconnect();
  });

  it('delivers a hit ingested on instance A to a WebSocket client on instance B', async () => {
    const [a, b] = apps;
    const base = await listen(b.app);
    const { accessToken } = await createUser(b.app);
    const c = await LiveClient.connect(base, `?token=${accessToken}`);
    await c.next((m) => m.type === 'hello');
    c.send({ type: 'subscribe', topics: ['ev:basketball_nba'] });
    await c.sync();

    const token = await createServiceToken(a.app, ['ingest']);
    const ingest = (price: number) =>
      a.app.inject({
        method: 'POST',
        url: '/api/ingest/hits',
        headers: bearer(token),
        payload: {
          hits: [
            {
              event_id: 'xi-1',
              sport: 'basketball_nba',
              home_team: 'Home',
              away_team: 'Away',
              commence_time: new Date(Date.now() + 3_600_000).toISOString(),
              market: 'h2h',
              outcome: 'Home',
              book: 'fanduel',
              price,
              fair_probability: 0.5,
            },
          ],
        },
      });
    expect((await ingest(2.2)).statusCode).toBe(200);
    const m = await c.next((x) => x.type === 'ev.hit.new', 5_000);
    expect(m.topic).toBe('ev:basketball_nba');
    expect(m.data).toMatchObject({ id: 'xi-1|h2h|Home||fanduel', source: 'bot', price: 2.2 });

    expect((await ingest(2.3)).statusCode).toBe(200);
    const u = await c.next((x) => x.type === 'ev.hit.updated', 5_000);
    expect(u.data.price).toBe(2.3);
    c.close();
  });

  it('retires a user’s access tokens on instance B within 1 s of a password change on A, and closes B’s sockets', async () => {
    // Two instances of one deployment: one secret, one database, one Redis.
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix, SECRET_KEY: 'x'.repeat(40) };
    const a = await createTestApp({ env, deps: { redis: conns[0] } });
    const shared = await createTestApp({ env, deps: { redis: conns[1], database: a.database } });
    try {
      await (a.app.ctx.pubsub as RedisPubSub).ready();
      await (shared.app.ctx.pubsub as RedisPubSub).ready();
      const sharedBase = await listen(shared.app);
      const u = await createUser(a.app);
      const me = (app: App) => app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers });
      expect((await me(shared.app)).statusCode).toBe(200); // now in B's principal cache
      const c = await LiveClient.connect(sharedBase, `?token=${u.accessToken}`);
      await c.next((m) => m.type === 'hello');

      const row = (await a.app.ctx.users.repo.byId(u.user.id))!;
      await a.app.ctx.users.setPassword(row, `${u.password}-changed`);
      const changedAt = Date.now();
      expect((await c.closed).code).toBe(4401);
      let res = await me(shared.app);
      while (res.statusCode === 200 && Date.now() - changedAt < 1_000) {
        await sleep(20);
        res = await me(shared.app);
      }
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('token_revoked');
      expect(Date.now() - changedAt).toBeLessThan(1_000);
    } finally {
      await shared.close();
      await a.close();
    }
  });
});
