import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';

const T0 = Date.parse('2030-06-01T12:00:00Z');

function event(id: string, softHome: number | string, format: 'decimal' | 'american' = 'decimal') {
  const at = new Date(T0 - 10_000).toISOString();
  const even = format === 'decimal' ? 1.95 : -105;
  return {
    id,
    sport_key: 'basketball_nba',
    sport_title: 'NBA',
    commence_time: new Date(T0 + 3_600_000).toISOString(),
    home_team: 'Boston Celtics',
    away_team: 'Miami Heat',
    bookmakers: [
      {
        key: 'pinnacle',
        title: 'Pinnacle',
        last_update: at,
        markets: [
          {
            key: 'h2h',
            last_update: at,
            outcomes: [
              { name: 'Boston Celtics', price: even },
              { name: 'Miami Heat', price: even },
            ],
          },
        ],
      },
      {
        key: 'draftkings',
        title: 'DraftKings',
        last_update: at,
        markets: [
          {
            key: 'h2h',
            last_update: at,
            outcomes: [
              { name: 'Boston Celtics', price: softHome },
              { name: 'Miami Heat', price: format === 'decimal' ? 1.7 : -145 },
            ],
          },
        ],
      },
    ],
  };
}

function botHit(over: Record<string, unknown> = {}) {
  return {
    event_id: 'bot-1',
    sport: 'icehockey_nhl',
    home_team: 'Boston Bruins',
    away_team: 'Toronto Maple Leafs',
    commence_time: new Date(T0 + 7_200_000).toISOString(),
    market: 'totals',
    outcome: 'Over',
    point: 6.5,
    book: 'fanduel',
    price: 2.1,
    fair_probability: 0.52,
    ...over,
  };
}

describe.each(databaseKinds())('ingest on %s', (kind) => {
  let t: TestApp;
  let token: string;
  let now = T0;
  const post = (url: string, payload: unknown, headers: Record<string, string> = bearer(token)) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const count = async (table: string) =>
    Number(
      (
        (await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as {
          rows: { n: number }[];
        }
      ).rows[0].n,
    );

  beforeAll(async () => {
    t = await createTestApp({ kind, deps: { now: () => now } });
    token = await createServiceToken(t.app, ['ingest']);
  });
  afterAll(() => t.close());

  it('requires a service token with the ingest scope', async () => {
    const body = { hits: [botHit()] };
    expect((await post('/api/ingest/hits', body, {})).statusCode).toBe(401);
    const user = await createUser(t.app);
    expect((await post('/api/ingest/hits', body, user.headers)).statusCode).toBe(403);
    const feed = await createServiceToken(t.app, ['feed']);
    const res = await post('/api/ingest/odds', { events: [event('x', 2.2)] }, bearer(feed));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('insufficient_scope');
  });

  it('prices ingested odds at once, idempotently', async () => {
    const first = await post('/api/ingest/odds', { events: [event('evt-1', 2.2)] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ events: 1, events_changed: 1, hits_new: 1 });
    const [hit] = t.app.ctx.hits.book.active().filter((h) => h.event_id === 'evt-1');
    expect(hit).toMatchObject({ id: 'evt-1|h2h|Boston Celtics||draftkings', source: 'engine', price: 2.2 });
    expect(hit.ev).toBeCloseTo(0.1, 6);
    const history = await count('line_history');
    const hits = await count('ev_hits');

    const again = await post('/api/ingest/odds', { events: [event('evt-1', 2.2)] });
    expect(again.json()).toMatchObject({ events_changed: 0, hits_new: 0, hits_updated: 0 });
    expect(await count('line_history')).toBe(history);
    expect(await count('ev_hits')).toBe(hits);

    const moved = await post('/api/ingest/odds', { events: [event('evt-1', 2.3)] });
    expect(moved.json()).toMatchObject({ hits_updated: 1 });
    expect(await count('line_history')).toBe(history + 1);
    const gone = await post('/api/ingest/odds', { events: [event('evt-1', 1.9)] });
    expect(gone.json()).toMatchObject({ hits_closed: 1 });
  });

  it('answers the price changes of a line from GET /api/odds/history', async () => {
    const user = await createUser(t.app);
    const q = 'event_id=evt-1&market=h2h&outcome=Boston%20Celtics';
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/odds/history?${q}&book=draftkings`,
      headers: user.headers,
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().points.map((p: { price: number }) => p.price)).toEqual([2.2, 2.3, 1.9]);
    const all = (
      await t.app.inject({ method: 'GET', url: `/api/odds/history?${q}`, headers: user.headers })
    ).json();
    expect(new Set(all.points.map((p: { book: string }) => p.book))).toEqual(
      new Set(['pinnacle', 'draftkings']),
    );
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/odds/history?market=h2h',
      headers: user.headers,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { field: string }) => d.field)).toContain('event_id');
  });

  it('accepts American odds', async () => {
    const res = await post('/api/ingest/odds', {
      odds_format: 'american',
      events: [event('evt-2', '+120', 'american')],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().hits_new).toBe(1);
    expect(t.app.ctx.hits.book.get('evt-2|h2h|Boston Celtics||draftkings')?.hit.price).toBe(2.2);
  });

  it('rejects invalid odds naming the field', async () => {
    const res = await post('/api/ingest/odds', { events: [event('evt-3', 0.5)] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('events.0.bookmakers.1.markets.0.outcomes.0.price');
    const american = await post('/api/ingest/odds', {
      odds_format: 'american',
      events: [event('evt-3', '+50', 'american')],
    });
    expect(american.statusCode).toBe(400);
    expect((await post('/api/ingest/odds', { events: [] })).statusCode).toBe(400);
    expect((await post('/api/ingest/odds', { events: [{ id: 'x' }] })).statusCode).toBe(400);
  });

  it('derives id, ev and kelly of bot hits, idempotently', async () => {
    const first = await post('/api/ingest/hits', { hits: [botHit()], ttl_seconds: 30 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ hits: 1, hits_new: 1 });
    const h = t.app.ctx.hits.book.get('bot-1|totals|Over|6.5|fanduel')!.hit;
    expect(h).toMatchObject({ source: 'bot', status: 'active', fair_odds: 1 / 0.52 });
    expect(h.ev).toBeCloseTo(0.52 * 2.1 - 1, 12);
    expect(h.kelly).toBeCloseTo((0.52 * 2.1 - 1) / 1.1, 12);
    const rows = await count('ev_hits');
    const again = await post('/api/ingest/hits', { hits: [botHit()], ttl_seconds: 30 });
    expect(again.json()).toMatchObject({ hits_new: 0, hits_updated: 0 });
    expect(await count('ev_hits')).toBe(rows);
  });

  it('closes bot hits not re-sent within ttl_seconds', async () => {
    await post('/api/ingest/hits', { hits: [botHit({ event_id: 'bot-2' })], ttl_seconds: 10 });
    now += 5_000;
    await post('/api/ingest/hits', { hits: [botHit({ event_id: 'bot-2' })], ttl_seconds: 10 }); // refreshes the TTL
    now += 8_000;
    await t.app.ctx.scanner.expireNow();
    expect(t.app.ctx.hits.book.get('bot-2|totals|Over|6.5|fanduel')?.hit.status).toBe('active');
    now += 3_000;
    await t.app.ctx.scanner.expireNow();
    expect(t.app.ctx.hits.book.get('bot-2|totals|Over|6.5|fanduel')?.hit.status).toBe('closed');
  });

  it('validates bot hits strictly', async () => {
    for (const [hit, field] of [
      [botHit({ price: 1 }), 'hits.0.price'],
      [botHit({ fair_probability: 1.2 }), 'hits.0.fair_probability'],
      [botHit({ fair_probability: 0 }), 'hits.0.fair_probability'],
      [botHit({ commence_time: 'tomorrow' }), 'hits.0.commence_time'],
      [botHit({ extra: 1 }), 'hits.0.extra'],
    ] as const) {
      const res = await post('/api/ingest/hits', { hits: [hit] });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const many = Array.from({ length: 10_001 }, (_, i) => botHit({ event_id: `m${i}` }));
    expect((await post('/api/ingest/hits', { hits: many })).statusCode).toBe(400);
  });
});
