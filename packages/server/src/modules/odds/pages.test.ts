import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';

const T0 = Date.parse('2030-06-01T12:00:00Z');

/** Pinnacle (sharp) and DraftKings (soft) on one NBA moneyline; pinnacle's prices given. */
function event(id: string, sharp: [number, number], at = T0 - 10_000, startsIn = 3_600_000) {
  const stamp = new Date(at).toISOString();
  const market = (a: number, b: number) => [
    {
      key: 'h2h',
      last_update: stamp,
      outcomes: [
        { name: 'Boston Celtics', price: a },
        { name: 'Miami Heat', price: b },
      ],
    },
  ];
  return {
    id,
    sport_key: 'basketball_nba',
    sport_title: 'NBA',
    commence_time: new Date(T0 + startsIn).toISOString(),
    home_team: 'Boston Celtics',
    away_team: 'Miami Heat',
    bookmakers: [
      { key: 'pinnacle', title: 'Pinnacle', last_update: stamp, markets: market(...sharp) },
      { key: 'draftkings', title: 'DraftKings', last_update: stamp, markets: market(2.2, 1.7) },
    ],
  };
}

describe.each(databaseKinds())('odds views for the web pages on %s', (kind) => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof createUser>>;
  let ingest: string;
  let now = T0;
  const get = (url: string, headers: Record<string, string> = user.headers) =>
    t.app.inject({ method: 'GET', url, headers });
  const post = (payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/ingest/odds',
      payload: payload as object,
      headers: bearer(ingest),
    });

  beforeAll(async () => {
    t = await createTestApp({
      kind,
      env: { ODDS_SPORTS: 'basketball_nba,icehockey_nhl' },
      deps: { now: () => now },
    });
    user = await createUser(t.app);
    ingest = await createServiceToken(t.app, ['ingest']);
    expect(
      (
        await post({
          events: [event('evt-a', [1.95, 1.95]), event('evt-b', [1.8, 2.1], T0 - 10_000, 7_200_000)],
        })
      ).statusCode,
    ).toBe(200);
  });
  afterAll(() => t.close());

  it('puts the fair line beside each market, in the requested format', async () => {
    const res = await get('/api/odds?sport=basketball_nba');
    expect(res.statusCode).toBe(200);
    const a = res.json().find((e: { id: string }) => e.id === 'evt-a');
    expect(a.fair).toHaveLength(1);
    expect(a.fair[0].key).toBe('h2h');
    const boston = a.fair[0].outcomes.find((o: { name: string }) => o.name === 'Boston Celtics');
    expect(boston.point).toBeNull();
    expect(boston.probability).toBeCloseTo(0.5, 9);
    expect(boston.price).toBeCloseTo(2, 9);
    // The hit the engine found on DraftKings uses the same fair price.
    const hit = t.app.ctx.hits.book.active().find((h) => h.id === 'evt-a|h2h|Boston Celtics||draftkings');
    expect(hit?.fair_odds).toBeCloseTo(boston.price, 9);

    const us = (await get('/api/odds?sport=basketball_nba&odds_format=american&event_id=evt-a')).json();
    expect(us[0].fair[0].outcomes[0].price).toBe(100); // American as a whole number, like the books' prices
  });

  it('filters one event by event_id (an unknown id answers [])', async () => {
    const one = (await get('/api/odds?sport=basketball_nba&event_id=evt-b')).json();
    expect(one.map((e: { id: string }) => e.id)).toEqual(['evt-b']);
    expect(one[0].bookmakers.map((b: { key: string }) => b.key).sort()).toEqual(['draftkings', 'pinnacle']);
    expect((await get('/api/odds?sport=basketball_nba&event_id=nope')).json()).toEqual([]);
    // Cached views are per event: the unfiltered view still has both.
    expect((await get('/api/odds?sport=basketball_nba')).json()).toHaveLength(2);
  });

  it('rejects a bad event_id naming the field', async () => {
    for (const bad of ['a%7Cb', '', 'x'.repeat(201)]) {
      const res = await get(`/api/odds?sport=basketball_nba&event_id=${bad}`);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json().error.details)).toContain('event_id');
    }
  });

  it('answers a fair series in /api/odds/history after each change of the market', async () => {
    now = T0 + 60_000;
    const moved = event('evt-a', [1.7, 2.25], T0 + 50_000);
    expect((await post({ events: [moved] })).statusCode).toBe(200);
    const res = await get('/api/odds/history?event_id=evt-a&market=h2h&outcome=Boston%20Celtics');
    expect(res.statusCode).toBe(200);
    const { points, fair } = res.json();
    expect(
      points.filter((p: { book: string }) => p.book === 'pinnacle').map((p: { price: number }) => p.price),
    ).toEqual([1.95, 1.7]);
    expect(fair).toHaveLength(2);
    expect(fair[0].price).toBeCloseTo(2, 9);
    expect(fair[1].probability).toBeGreaterThan(0.55);
    expect(fair[1].price).toBeCloseTo(1 / fair[1].probability, 9);
    expect(Date.parse(fair[1].at)).toBeGreaterThan(Date.parse(fair[0].at));
    // A line nobody recorded has no points and no fair series.
    const none = (await get('/api/odds/history?event_id=evt-zz&market=h2h&outcome=X')).json();
    expect(none).toEqual({ points: [], fair: [] });
  });

  it('lists upcoming events publicly, without prices', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/public/upcoming' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(['evt-a', 'evt-b']);
    expect(Object.keys(body.events[0]).sort()).toEqual(
      ['away_team', 'commence_time', 'home_team', 'id', 'sport_key', 'sport_title'].sort(),
    );
    expect(res.body).not.toContain('price');
    expect(res.body).not.toContain('pinnacle');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/public/upcoming?limit=1' })).json().events,
    ).toHaveLength(1);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/public/upcoming?sport=icehockey_nhl' })).json().events,
    ).toEqual([]);
  });

  it('drops started events from the public list', async () => {
    now = T0 + 3_700_000;
    const body = (await t.app.inject({ method: 'GET', url: '/api/public/upcoming' })).json();
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(['evt-b']);
    now = T0 + 60_000;
  });

  it('rejects bad public queries naming the field', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['sport=NBA!', 'sport'],
      ['extra=1', 'extra'],
    ]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/public/upcoming?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(JSON.stringify(res.json().error.details), q).toContain(field);
    }
  });
});
