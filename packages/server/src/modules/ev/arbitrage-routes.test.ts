import type { OddsEvent } from '@evision/ev-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, type TestApp } from '../../../test/helpers';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function event(id: string, books: { key: string; home: number; away: number; ageS?: number }[]): OddsEvent {
  return {
    id,
    sport_key: 'basketball_nba',
    sport_title: 'NBA',
    commence_time: iso(NOW + 3_600_000),
    home_team: `Home ${id}`,
    away_team: `Away ${id}`,
    bookmakers: books.map((b) => ({
      key: b.key,
      title: b.key,
      last_update: iso(NOW - (b.ageS ?? 5) * 1000),
      markets: [
        {
          key: 'h2h',
          last_update: iso(NOW - (b.ageS ?? 5) * 1000),
          outcomes: [
            { name: `Home ${id}`, price: b.home },
            { name: `Away ${id}`, price: b.away },
          ],
        },
      ],
    })),
  };
}

describe('GET /api/ev/arbitrage', () => {
  let t: TestApp;
  let headers: { authorization: string };
  const get = (q = '', h: Record<string, string> = headers) =>
    t.app.inject({ method: 'GET', url: `/api/ev/arbitrage${q}`, headers: h });

  beforeAll(async () => {
    t = await createTestApp({ deps: { now: () => NOW } });
    headers = (await createUser(t.app)).headers;
    t.app.ctx.odds.merge([
      // A real arb between two soft books: 1/2.1 + 1/1.95 < 1.
      event('real', [
        { key: 'draftkings', home: 2.1, away: 1.8 },
        { key: 'fanduel', home: 1.8, away: 1.95 },
      ]),
      // Only an arb gross of Betfair's 5 %: net 1 + 1.1·0.95 = 2.045 → 1/2.045 + 1/1.95 > 1.
      event('false', [
        { key: 'betfair_ex_uk', home: 2.1, away: 1.8 },
        { key: 'fanduel', home: 1.8, away: 1.95 },
      ]),
      // A stale leg (older than SOFT_MAX_AGE) does not make an arb.
      event('stale', [
        { key: 'draftkings', home: 2.3, away: 1.8, ageS: 600 },
        { key: 'fanduel', home: 1.8, away: 1.95 },
      ]),
    ]);
  });
  afterAll(() => t.close());

  it('lists arbs of the current snapshot, net of exchange commission and fresh only', async () => {
    expect(t.config.engine.exchange_commission.betfair_ex_uk).toBe(0.05);
    const res = await get('?total_stake=200');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.arbitrages.map((a: { event_id: string }) => a.event_id)).toEqual(['real']);
    const [arb] = body.arbitrages;
    expect(arb).toMatchObject({
      sport: 'basketball_nba',
      event: 'Away real @ Home real',
      market: 'h2h',
      point: null,
    });
    expect(arb.margin).toBeCloseTo(1 - (1 / 2.1 + 1 / 1.95), 12);
    expect(arb.legs.map((l: { book: string }) => l.book)).toEqual(['draftkings', 'fanduel']);
    expect(arb.legs.reduce((s: number, l: { stake: number }) => s + l.stake, 0)).toBeCloseTo(200, 9);
    expect(body.total_stake).toBe(200);
    expect((await get('?min_margin=0.5')).json().arbitrages).toEqual([]);
    expect((await get('?sport=basketball_nba&market=h2h')).json().arbitrages).toHaveLength(1);
  });

  it('is in the feed scope', async () => {
    expect((await get('', {})).statusCode).toBe(401);
    expect((await get('', bearer(await createServiceToken(t.app, ['feed'])))).statusCode).toBe(200);
    expect((await get('', bearer(await createServiceToken(t.app, ['ingest'])))).statusCode).toBe(403);
  });

  it('answers 400 naming the bad parameter, 404 for an untracked sport', async () => {
    for (const [q, field] of [
      ['?total_stake=0', 'total_stake'],
      ['?total_stake=abc', 'total_stake'],
      ['?min_margin=-1', 'min_margin'],
      ['?market=h2h_lay', 'market'],
      ['?sport=NBA', 'sport'],
      ['?nope=1', ''],
    ] as const) {
      const res = await get(q);
      expect(res.statusCode, q).toBe(400);
      if (field) expect(res.json().error.details[0].field, q).toBe(`querystring.${field}`);
    }
    const res = await get('?sport=curling_world');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('sport_not_tracked');
  });
});
