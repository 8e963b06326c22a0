import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startReceiver } from '../../../test/alert-receivers';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import {
  createTestApp,
  createTestDatabase,
  type TestApp,
  testRedisUrl,
  uniqueRedisPrefix,
} from '../../../test/helpers';
import type { Database } from '../../infra/db/client';
import { createRedis } from '../../infra/redis';

const url = process.env.TEST_DATABASE_URL ? testRedisUrl() : undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two app instances on one PostgreSQL database and one Redis: one alert per (rule, hit, opening). */
describe.skipIf(!url)('alerts across two instances (PostgreSQL + Redis)', () => {
  let database: Database;
  let one: TestApp;
  let two: TestApp;
  let hook: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    hook = await startReceiver();
    const prefix = uniqueRedisPrefix();
    // One secret: a token issued by one instance is valid on the other.
    const env = {
      REDIS_URL: url!,
      REDIS_KEY_PREFIX: prefix,
      ALERT_WEBHOOK_ALLOW_PRIVATE: 'true',
      SECRET_KEY: randomBytes(32).toString('hex'),
    };
    one = await createTestApp({ env, deps: { database, redis: createRedis(url!) } });
    two = await createTestApp({ env, deps: { database, redis: createRedis(url!) } });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.close();
    await hook?.close();
  });

  it('delivers one alert when both instances receive the same hit, to a socket on either', async () => {
    const user = await createUser(one.app);
    const token = await createServiceToken(one.app, ['ingest']);
    const rule = (
      await one.app.inject({
        method: 'POST',
        url: '/api/alerts',
        headers: user.headers,
        payload: {
          name: 'both',
          filter: { book: ['bovada'] },
          channels: { websocket: true, webhook: { url: hook.url('/x') } },
        },
      })
    ).json();
    await two.app.listen({ port: 0, host: '127.0.0.1' });
    const ws = new WebSocket(
      `ws://127.0.0.1:${(two.app.server.address() as AddressInfo).port}/ws/live?token=${user.accessToken}`,
    );
    const alerts: unknown[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'alert') alerts.push(m);
    });
    await new Promise((r) => ws.once('open', r));
    await sleep(300); // rules cache: the pub/sub invalidation reaches instance two

    const hit = {
      event_id: 'scale-1',
      sport: 'icehockey_nhl',
      home_team: 'A',
      away_team: 'B',
      commence_time: new Date(Date.now() + 7_200_000).toISOString(),
      market: 'h2h',
      outcome: 'A',
      point: null,
      book: 'bovada',
      price: 2.1,
      fair_probability: 0.52,
    };
    const send = (app: TestApp) =>
      app.app.inject({
        method: 'POST',
        url: '/api/ingest/hits',
        headers: bearer(token),
        payload: { hits: [hit], ttl_seconds: 600 },
      });
    const [r1, r2] = await Promise.all([send(one), send(two)]);
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200]);
    await Promise.all([send(one), send(two)]);

    const end = Date.now() + 5_000;
    while (alerts.length === 0 && Date.now() < end) await sleep(25);
    await sleep(500);
    await one.app.ctx.alerts!.engine.idle();
    await two.app.ctx.alerts!.engine.idle();
    ws.terminate();

    const firings = (await database.db.execute(
      sql`select count(*)::int as n from alert_firings where rule_id = ${rule.id}`,
    )) as unknown as { rows: { n: number }[] };
    expect(firings.rows[0].n).toBe(1);
    expect(alerts).toHaveLength(1);
    expect(hook.received.filter((r) => r.path === '/x')).toHaveLength(1);
    const deliveries = (await two.app.inject({ url: '/api/alerts/deliveries', headers: user.headers })).json()
      .deliveries;
    expect(
      deliveries.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`).sort(),
    ).toEqual(['webhook:sent', 'websocket:sent']);
  });
});
