import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth';
import { type FakeOddsApi, startFakeOddsApi } from '../../../test/fake-odds-api';
import { createTestApp, type TestApp, testRedisUrl } from '../../../test/helpers';
import { BOOKS_BY_KEY } from './providers/books';

const T0 = Date.UTC(2030, 1, 28, 20);

describe('odds API on the demo provider', () => {
  let t: TestApp;
  let clock: number;
  let headers: { authorization: string };

  beforeAll(async () => {
    clock = T0;
    t = await createTestApp({ env: { CACHE_TTL: '60' }, deps: { now: () => clock } });
    ({ headers } = await createUser(t.app));
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, h: Record<string, string> = headers) =>
    t.app.inject({ method: 'GET', url, headers: h });

  it('needs a user token', async () => {
    expect((await get('/api/odds?sport=basketball_nba', {})).statusCode).toBe(401);
    expect((await get('/api/sports', {})).statusCode).toBe(401);
  });

  it('lists sports in the v4 shape', async () => {
    const res = await get('/api/sports');
    expect(res.statusCode).toBe(200);
    expect(res.json().map((s: { key: string }) => s.key)).toEqual(
      expect.arrayContaining([
        'basketball_nba',
        'soccer_epl',
        'americanfootball_nfl',
        'baseball_mlb',
        'icehockey_nhl',
      ]),
    );
  });

  it('answers [] without X-Data-Age before the first fetch, and does not cache it', async () => {
    const a = await get('/api/odds?sport=icehockey_nhl');
    expect(a.statusCode).toBe(200);
    expect(a.json()).toEqual([]);
    expect(a.headers['x-cache']).toBe('MISS');
    expect(a.headers['x-data-age']).toBeUndefined();
    expect((await get('/api/odds?sport=icehockey_nhl')).headers['x-cache']).toBe('MISS');
  });

  it('serves a MISS built from the snapshot, then HITs with the data age growing', async () => {
    await t.app.ctx.odds.fetchSport('basketball_nba');
    clock += 2_000;
    const miss = await get('/api/odds?sport=basketball_nba');
    expect(miss.statusCode).toBe(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.headers['x-data-age']).toBe('2');
    expect(miss.headers['content-type']).toMatch(/application\/json/);
    const events = miss.json();
    expect(events).toHaveLength(12);
    expect(events[0]).toMatchObject({ sport_key: 'basketball_nba', bookmakers: expect.any(Array) });
    clock += 5_000;
    const hit = await get('/api/odds?sport=basketball_nba');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['x-data-age']).toBe('7');
    expect(hit.body).toBe(miss.body);
    // The same question in another order is the same cached view.
    await get('/api/odds?sport=basketball_nba&markets=totals,h2h&regions=eu,us');
    expect(
      (await get('/api/odds?sport=basketball_nba&regions=us,eu&markets=h2h,totals,h2h')).headers['x-cache'],
    ).toBe('HIT');
  });

  it('filters by regions, markets and bookmakers like The Odds API', async () => {
    const us = (await get('/api/odds?sport=basketball_nba&regions=us')).json();
    for (const b of us[0].bookmakers) expect(BOOKS_BY_KEY.get(b.key)!.regions).toContain('us');
    const pin = (await get('/api/odds?sport=basketball_nba&bookmakers=pinnacle&regions=us')).json();
    expect(pin[0].bookmakers.map((b: { key: string }) => b.key)).toEqual(['pinnacle']);
    const h2h = (await get('/api/odds?sport=basketball_nba&markets=h2h')).json();
    const keys = new Set(
      h2h.flatMap((e: { bookmakers: { markets: { key: string }[] }[] }) =>
        e.bookmakers.flatMap((b) => b.markets.map((m) => m.key)),
      ),
    );
    expect([...keys].sort()).toEqual(['h2h', 'h2h_lay']);
  });

  it('converts prices to American (whole numbers) and fractional', async () => {
    const dec = (await get('/api/odds?sport=basketball_nba&bookmakers=draftkings&markets=h2h')).json();
    const am = (
      await get('/api/odds?sport=basketball_nba&bookmakers=draftkings&markets=h2h&odds_format=american')
    ).json();
    const fr = (
      await get('/api/odds?sport=basketball_nba&bookmakers=draftkings&markets=h2h&odds_format=fractional')
    ).json();
    const d = dec[0].bookmakers[0].markets[0].outcomes[0].price as number;
    const a = am[0].bookmakers[0].markets[0].outcomes[0].price as number;
    const f = fr[0].bookmakers[0].markets[0].outcomes[0].price as string;
    expect(Number.isInteger(a)).toBe(true);
    expect(Math.abs(a)).toBeGreaterThanOrEqual(100);
    expect(a > 0 ? 1 + a / 100 : 1 + 100 / -a).toBeCloseTo(d, 1);
    const [n, den] = f.split('/').map(Number);
    expect(1 + n / den).toBeCloseTo(d, 2);
  });

  it('answers 404 sport_not_tracked for a sport outside the engine settings', async () => {
    const res = await get('/api/odds?sport=curling_world');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('sport_not_tracked');
  });

  it.each([
    ['regions=mars', 'regions'],
    ['markets=player_points', 'markets'],
    ['odds_format=hex', 'odds_format'],
    ['refresh=maybe', 'refresh'],
    ['bookmakers=Not%20A%20Key', 'bookmakers'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await get(`/api/odds?sport=basketball_nba&${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_error');
    expect(body.error.details.map((d: { field: string }) => d.field).join(' ')).toContain(field);
  });

  it('400s without a sport', async () => {
    const res = await get('/api/odds');
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain('sport');
  });

  it('shows a high cache hit rate for repeated reads', async () => {
    t.app.ctx.cache.resetCounters();
    for (let i = 0; i < 50; i++)
      await get(`/api/odds?sport=basketball_nba&markets=${i % 2 ? 'h2h' : 'totals'}`);
    const stats = await t.app.ctx.cache.stats();
    expect(stats.hit_rate).toBeGreaterThan(0.9);
    expect(stats.backend).toBe('memory');
  });

  it('merges ingested events book by book into the snapshot', async () => {
    const [ev] = t.app.ctx.odds.snapshot('basketball_nba').events;
    const before = ev.bookmakers.length;
    const dk = ev.bookmakers.find((b) => b.key === 'draftkings')!;
    const merged = t.app.ctx.odds.merge([
      {
        ...ev,
        bookmakers: [
          {
            ...dk,
            markets: [
              {
                key: 'h2h',
                last_update: dk.last_update,
                outcomes: [
                  { name: ev.home_team, price: 9.99 },
                  { name: ev.away_team, price: 1.01 },
                ],
              },
            ],
          },
          { key: 'newbook', title: 'New Book', last_update: dk.last_update, markets: [] },
        ],
      },
    ]);
    expect(merged[0].bookmakers).toHaveLength(before + 1);
    const snap = t.app.ctx.odds.snapshot('basketball_nba').events.find((e) => e.id === ev.id)!;
    expect(snap.bookmakers.find((b) => b.key === 'draftkings')!.markets[0].outcomes[0].price).toBe(9.99);
    expect(snap.bookmakers.find((b) => b.key === 'pinnacle')).toBeDefined();
  });
});

describe('odds API refresh on The Odds API (fake server)', () => {
  let t: TestApp;
  let fake: FakeOddsApi;
  let clock: number;
  let alice: { authorization: string };
  let bob: { authorization: string };

  beforeEach(async () => {
    clock = T0;
    fake = await startFakeOddsApi();
    t = await createTestApp({
      env: {
        ODDS_PROVIDER: 'theoddsapi',
        ODDS_API_KEY: fake.apiKey,
        ODDS_API_BASE_URL: fake.url,
        ODDS_SPORTS: 'basketball_nba,soccer_epl',
        ODDS_REFRESH_MIN_INTERVAL: '10',
      },
      deps: { now: () => clock },
    });
    ({ headers: alice } = await createUser(t.app));
    ({ headers: bob } = await createUser(t.app));
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  const get = (url: string, h: Record<string, string>) => t.app.inject({ method: 'GET', url, headers: h });

  it('reads never call the provider; refresh=true does, and invalidates the sport’s views', async () => {
    await t.app.ctx.odds.fetchSport('basketball_nba');
    expect(fake.count('/odds')).toBe(1);
    const a = await get('/api/odds?sport=basketball_nba', alice);
    expect(a.json()).toHaveLength(2);
    expect((await get('/api/odds?sport=basketball_nba', alice)).headers['x-cache']).toBe('HIT');
    await get('/api/odds?sport=basketball_nba&markets=h2h', alice);
    expect(fake.count('/odds')).toBe(1);

    clock += 30_000;
    const r = await get('/api/odds?sport=basketball_nba&refresh=true', alice);
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-cache']).toBe('MISS');
    expect(r.headers['x-data-age']).toBe('0');
    expect(fake.count('/odds')).toBe(2);
    const q = fake.requests.find((x) => x.path.endsWith('/odds'))!.query;
    expect(q).toMatchObject({ regions: 'us,eu', markets: 'h2h,spreads,totals' });
    // Other views cached before the refresh were dropped; the refreshed one is cached.
    const other = await get('/api/odds?sport=basketball_nba&markets=h2h', alice);
    expect(other.headers['x-cache']).toBe('MISS');
    expect(other.headers['x-data-age']).toBe('0');
    expect((await get('/api/odds?sport=basketball_nba', alice)).headers['x-cache']).toBe('HIT');
  });

  it('limits refresh to once per ODDS_REFRESH_MIN_INTERVAL per user, with Retry-After', async () => {
    expect((await get('/api/odds?sport=basketball_nba&refresh=true', alice)).statusCode).toBe(200);
    clock += 4_000;
    const again = await get('/api/odds?sport=basketball_nba&refresh=1', alice);
    expect(again.statusCode).toBe(429);
    expect(again.json().error.code).toBe('refresh_too_soon');
    expect(again.headers['retry-after']).toBe('6');
    expect(fake.count('/odds')).toBe(1);
    expect((await get('/api/odds?sport=basketball_nba&refresh=true', bob)).statusCode).toBe(200);
    expect(fake.count('/odds')).toBe(2);
    clock += 6_000;
    expect((await get('/api/odds?sport=soccer_epl&refresh=true', alice)).statusCode).toBe(200);
    expect(fake.count('/odds')).toBe(3);
  });

  it('keeps the last good data marked stale when the provider fails, and health says degraded', async () => {
    await t.app.ctx.odds.fetchSport('basketball_nba');
    fake.always = { error: 'INVALID_KEY' };
    clock += 20_000;
    const res = await get('/api/odds?sport=basketball_nba&refresh=true', alice);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveLength(2);
    expect(res.headers['x-data-stale']).toBe('true');
    expect(res.headers['x-data-age']).toBe('20');
    expect(t.app.ctx.odds.snapshot('basketball_nba')).toMatchObject({ stale: true, fetched_at: T0 });
    const status = t.app.ctx.odds.status();
    expect(status).toMatchObject({
      status: 'degraded',
      provider: 'theoddsapi',
      last_error: { code: 'invalid_key' },
    });
    expect(status.detail).toContain('ODDS_API_KEY');
    expect(status.quota?.remaining).toBe(494);
    const health = await t.app.inject({ method: 'GET', url: '/api/monitoring/health' });
    expect(health.json().checks.provider.status).toBe('degraded');
    expect(health.json().checks.cache.status).toBe('ok');
  });
});

describe.skipIf(!testRedisUrl())('odds API views cached in Redis', () => {
  it('MISS then HIT through the shared cache', async () => {
    let clock = T0;
    const t = await createTestApp({ redis: true, deps: { now: () => clock } });
    try {
      const { headers } = await createUser(t.app);
      await t.app.ctx.odds.fetchSport('soccer_epl');
      const url = '/api/odds?sport=soccer_epl&regions=uk&markets=h2h';
      expect((await t.app.inject({ url, headers })).headers['x-cache']).toBe('MISS');
      clock += 3_000;
      const hit = await t.app.inject({ url, headers });
      expect(hit.headers).toMatchObject({ 'x-cache': 'HIT', 'x-data-age': '3' });
      expect(hit.json()[0].bookmakers[0].markets[0].outcomes).toHaveLength(3);
      expect((await t.app.ctx.cache.stats()).backend).toBe('redis');
    } finally {
      await t.close();
    }
  });
});
