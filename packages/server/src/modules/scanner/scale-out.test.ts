import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, type TestApp, testRedisUrl, uniqueRedisPrefix } from '../../../test/helpers';
import { createRedis } from '../../infra/redis';

const url = testRedisUrl();

const waitFor = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
};

/** Two instances sharing one Redis (and the key prefix), each with its own database clone. */
describe.skipIf(!url)('two instances sharing Redis', () => {
  const prefix = uniqueRedisPrefix();
  const apps: TestApp[] = [];
  const conns = [createRedis(url ?? 'redis://127.0.0.1:1'), createRedis(url ?? 'redis://127.0.0.1:1')];

  beforeAll(async () => {
    for (const r of conns) if (r.status !== 'ready') await new Promise((ok) => r.once('ready', ok));
    for (const redis of conns) {
      apps.push(
        await createTestApp({
          env: { REDIS_URL: url!, REDIS_KEY_PREFIX: prefix, ODDS_PROVIDER: 'demo', SCAN_INTERVAL: '1' },
          deps: { redis },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    const keys = await conns[0].keys(`${prefix}*`);
    if (keys.length) await conns[0].del(...keys);
    for (const r of conns) r.disconnect();
  });

  it('runs exactly one scanner; the other takes over when the leader stops', async () => {
    const [a, b] = apps.map((t) => t.app.ctx.scanner);
    a.start();
    b.start();
    expect(await waitFor(() => a.lastSummary !== undefined || b.lastSummary !== undefined)).toBe(true);
    await new Promise((r) => setTimeout(r, 2_500));
    const leader = a.lastSummary ? a : b;
    const follower = leader === a ? b : a;
    expect(follower.lastSummary).toBeUndefined();
    await leader.stop();
    expect(await waitFor(() => follower.lastSummary !== undefined, 4_000)).toBe(true);
    await follower.stop();
  });

  it('serves on B the hits ingested on A, through Redis pub/sub', async () => {
    const [ta, tb] = apps;
    const token = await createServiceToken(ta.app, ['ingest']);
    const res = await ta.app.inject({
      method: 'POST',
      url: '/api/ingest/hits',
      headers: bearer(token),
      payload: {
        hits: [
          {
            event_id: 'scale-1',
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
    const id = 'scale-1|h2h|Home||fanduel';
    expect(await waitFor(() => tb.app.ctx.hits.book.get(id) !== undefined)).toBe(true);
    const user = await createUser(tb.app);
    const list = await tb.app.inject({
      method: 'GET',
      url: '/api/ev/hits?sport=basketball_nba',
      headers: user.headers,
    });
    expect(list.json().hits.map((h: { id: string }) => h.id)).toContain(id);
  });
});
