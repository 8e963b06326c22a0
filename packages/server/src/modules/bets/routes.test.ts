import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';

type Headers = { authorization: string };

const HAND = {
  sport: 'basketball_nba',
  event: 'Away @ Home',
  market: 'h2h',
  outcome: 'Home',
  book: 'fanduel',
  price: 2.1,
  stake: 10,
};

describe.each(databaseKinds())('bets API on %s', (kind) => {
  let t: TestApp;
  let alice: Headers;
  let bob: Headers;
  let hitId: string;
  const commence = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const req = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    headers: Headers,
    payload?: object,
  ) => t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp({ kind });
    alice = (await createUser(t.app)).headers;
    bob = (await createUser(t.app)).headers;
    const ingest = await createServiceToken(t.app, ['ingest']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/ingest/hits',
      headers: bearer(ingest),
      payload: {
        ttl_seconds: 3600,
        hits: [
          {
            event_id: 'evt1',
            sport: 'soccer_epl',
            home_team: 'Arsenal',
            away_team: 'Chelsea',
            commence_time: commence,
            market: 'totals',
            outcome: 'Over',
            point: 2.5,
            book: 'betmgm',
            price: 2.2,
            fair_probability: 0.5,
          },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    hitId = t.app.ctx.hits.book.active()[0]!.id;
  });
  afterAll(() => t.close());

  it('logs a hand bet on an unknown event: price converted to decimal, no CLV to come', async () => {
    const res = await req('POST', '/api/bets', alice, { ...HAND, price: '+150', odds_format: 'american' });
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b).toMatchObject({
      ...HAND,
      price: 2.5,
      event_id: null,
      fair_odds_at_placement: null,
      fair_source: null,
      closing_fair_odds: null,
      clv: null,
      clv_expected: false,
      status: 'open',
      result: null,
      payout: null,
      profit: null,
    });
    expect(typeof b.id).toBe('number');
    const unknown = await req('POST', '/api/bets', alice, { ...HAND, event_id: 'no-such-event' });
    expect(unknown.json()).toMatchObject({ event_id: 'no-such-event', clv_expected: false });
  });

  it('fills a bet from a hit, the user’s own price and stake winning', async () => {
    const fromHit = (await req('POST', '/api/bets', alice, { hit_id: hitId, stake: 5 })).json();
    expect(fromHit).toMatchObject({
      hit_id: hitId,
      event_id: 'evt1',
      sport: 'soccer_epl',
      event: 'Chelsea @ Arsenal',
      market: 'totals',
      outcome: 'Over',
      point: 2.5,
      book: 'betmgm',
      price: 2.2,
      stake: 5,
      fair_odds_at_placement: 2,
      fair_source: 'hit',
      clv_expected: true,
    });
    expect(fromHit.ev).toBeCloseTo(0.1, 12);
    const own = (
      await req('POST', '/api/bets', alice, { hit_id: hitId, price: 2.3, stake: 7, book: 'draftkings' })
    ).json();
    expect(own).toMatchObject({ price: 2.3, stake: 7, book: 'draftkings', fair_odds_at_placement: 2 });
    // A hand bet on the same line now gets the fair line at logging, marked as such…
    const hand = (
      await req('POST', '/api/bets', alice, {
        ...HAND,
        event_id: 'evt1',
        market: 'totals',
        outcome: 'Over',
        point: 2.5,
      })
    ).json();
    expect(hand).toMatchObject({
      fair_odds_at_placement: 2,
      fair_source: 'line_at_logging',
      clv_expected: true,
    });
    // …but never for a past placed_at.
    const past = (
      await req('POST', '/api/bets', alice, {
        ...HAND,
        event_id: 'evt1',
        market: 'totals',
        outcome: 'Over',
        point: 2.5,
        placed_at: new Date(Date.now() - 86_400_000).toISOString(),
      })
    ).json();
    expect(past).toMatchObject({ fair_odds_at_placement: null, fair_source: null });
  });

  it('answers 400 naming the field for bad input', async () => {
    const field = async (payload: object) => {
      const res = await req('POST', '/api/bets', alice, payload);
      expect(res.statusCode).toBe(400);
      return res.json().error.details[0].field;
    };
    expect(await field({ ...HAND, price: 1 })).toBe('price');
    expect(await field({ ...HAND, price: 0.5 })).toBe('price');
    expect(await field({ ...HAND, price: '-100x', odds_format: 'american' })).toBe('price');
    expect(await field({ ...HAND, price: '1/0', odds_format: 'fractional' })).toBe('price');
    expect(await field({ ...HAND, stake: -1 })).toBe('stake');
    expect(await field({ ...HAND, stake: Number.MAX_VALUE })).toBe('stake');
    expect(await field({ ...HAND, sport: undefined })).toBe('sport');
    expect(await field({ ...HAND, price: undefined })).toBe('price');
    expect(await field({ ...HAND, sport: 'Bad Sport' })).toBe('sport');
    expect(await field({ ...HAND, outcome: 'a\u0000b' })).toBe('outcome');
    expect(await field({ ...HAND, placed_at: 'yesterday' })).toBe('placed_at');
    expect(await field({ ...HAND, placed_at: new Date(Date.now() + 86_400_000).toISOString() })).toBe(
      'placed_at',
    );
    expect(await field({ ...HAND, hit_id: 'nope|h2h|x||b' })).toBe('hit_id');
    expect(await field({ ...HAND, event_id: 'a|b' })).toBe('event_id');
    expect(await field({ ...HAND, extra: 1 })).toBe('extra');
    expect((await req('POST', '/api/bets', {} as Headers, HAND)).statusCode).toBe(401);
  });

  it('settles with the payout, refuses a second settle unless it is an audited correction', async () => {
    const b = (await req('POST', '/api/bets', alice, { ...HAND, price: 2.5, stake: 10 })).json();
    const won = await req('PATCH', `/api/bets/${b.id}`, alice, { result: 'won' });
    expect(won.statusCode).toBe(200);
    expect(won.json()).toMatchObject({ status: 'settled', result: 'won', payout: 25, profit: 15 });
    expect(won.json().settled_at).not.toBeNull();
    const again = await req('PATCH', `/api/bets/${b.id}`, alice, { result: 'lost' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'bet_settled', details: [{ field: 'result' }] });
    const bad = await req('PATCH', `/api/bets/${b.id}`, alice, { result: 'maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('result');
    const fixed = await req('PATCH', `/api/bets/${b.id}`, alice, { result: 'half-lost', correction: true });
    expect(fixed.json()).toMatchObject({ result: 'half-lost', payout: 5, profit: -5 });
    const audit = await t.app.ctx.audit.list({ type: 'BET_CORRECTED', limit: 10 });
    expect(audit.some((a) => (a.details as { bet_id: number }).bet_id === b.id)).toBe(true);
    // An edit of the stake recomputes the payout.
    const restake = await req('PATCH', `/api/bets/${b.id}`, alice, { stake: 20 });
    expect(restake.json()).toMatchObject({ stake: 20, payout: 10, profit: -10 });
    const price = await req('PATCH', `/api/bets/${b.id}`, alice, { price: 1 });
    expect(price.statusCode).toBe(400);
    expect(price.json().error.details[0].field).toBe('price');
  });

  it('keeps every user to their own bets, including guessed ids', async () => {
    const mine = (await req('POST', '/api/bets', alice, HAND)).json();
    for (const id of [mine.id, mine.id + 1, mine.id - 1, 1, 999999]) {
      expect((await req('GET', `/api/bets/${id}`, bob)).statusCode).toBe(404);
      expect((await req('PATCH', `/api/bets/${id}`, bob, { result: 'won' })).statusCode).toBe(404);
      expect((await req('DELETE', `/api/bets/${id}`, bob)).statusCode).toBe(404);
    }
    expect((await req('GET', `/api/bets/${mine.id}`, alice)).json()).toMatchObject({
      id: mine.id,
      result: null,
    });
    expect((await req('GET', '/api/bets', bob)).json().bets).toEqual([]);
    expect((await req('GET', '/api/bets/summary', bob)).json().count).toBe(0);
    expect((await req('GET', '/api/bets/export', bob)).body.split('\r\n').filter(Boolean)).toHaveLength(1);
    for (const id of ['0x1', '1e3', 'abc', '-1']) {
      const res = await req('GET', `/api/bets/${id}`, alice);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].field).toBe('params.id');
    }
    expect((await req('DELETE', `/api/bets/${mine.id}`, alice)).statusCode).toBe(204);
    expect((await req('GET', `/api/bets/${mine.id}`, alice)).statusCode).toBe(404);
  });

  it('lists with filters and cursor paging', async () => {
    const u = (await createUser(t.app)).headers;
    for (let i = 0; i < 5; i++) {
      await req('POST', '/api/bets', u, {
        ...HAND,
        book: i % 2 ? 'betmgm' : 'fanduel',
        sport: i < 3 ? 'soccer_epl' : 'basketball_nba',
      });
    }
    const first = (await req('GET', '/api/bets?limit=2', u)).json();
    expect(first.bets).toHaveLength(2);
    const second = (await req('GET', `/api/bets?limit=2&cursor=${first.next_cursor}`, u)).json();
    const third = (await req('GET', `/api/bets?limit=2&cursor=${second.next_cursor}`, u)).json();
    expect(third.bets).toHaveLength(1);
    expect(third.next_cursor).toBeNull();
    const ids = [...first.bets, ...second.bets, ...third.bets].map((b: { id: number }) => b.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await req('GET', '/api/bets?book=betmgm', u)).json().bets).toHaveLength(2);
    expect((await req('GET', '/api/bets?sport=soccer_epl&book=fanduel', u)).json().bets).toHaveLength(2);
    await req('PATCH', `/api/bets/${ids[0]}`, u, { result: 'lost' });
    expect(
      (await req('GET', '/api/bets?status=settled', u)).json().bets.map((b: { id: number }) => b.id),
    ).toEqual([ids[0]]);
    expect((await req('GET', '/api/bets?status=open', u)).json().bets).toHaveLength(4);
    expect((await req('GET', '/api/bets?result=lost', u)).json().bets).toHaveLength(1);
    for (const q of [
      'limit=0',
      'limit=abc',
      'cursor=x',
      'result=maybe',
      'status=gone',
      'book=A%20B',
      'other=1',
    ]) {
      const res = await req('GET', `/api/bets?${q}`, u);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.details[0].field, q).toMatch(new RegExp(`^querystring\\.${q.split('=')[0]}`));
    }
  });

  it('sums a user’s bets by book, sport, market and month in their time zone', async () => {
    const u = (await createUser(t.app)).headers;
    await req('PUT', '/api/me/settings', u, { timezone: 'America/New_York' });
    // 2026-01-01T03:00Z is still December 2025 in New York.
    const a = (
      await req('POST', '/api/bets', u, { ...HAND, price: 2, stake: 10, placed_at: '2026-01-01T03:00:00Z' })
    ).json();
    const b = (
      await req('POST', '/api/bets', u, {
        ...HAND,
        book: 'betmgm',
        market: 'spreads',
        price: 3,
        stake: 5,
        placed_at: '2026-01-15T12:00:00Z',
      })
    ).json();
    await req('POST', '/api/bets', u, { ...HAND, stake: 100, placed_at: '2026-01-16T12:00:00Z' });
    await req('PATCH', `/api/bets/${a.id}`, u, { result: 'won' });
    await req('PATCH', `/api/bets/${b.id}`, u, { result: 'lost' });
    const res = await req('GET', '/api/bets/summary', u);
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ count: 3, settled: 2, staked: 15, profit: 5, mean_ev: null, mean_clv: null });
    expect(s.roi).toBeCloseTo(5 / 15, 12);
    expect(s.by_book.fanduel).toEqual({ count: 2, staked: 10, profit: 10, roi: 1 });
    expect(s.by_book.betmgm).toEqual({ count: 1, staked: 5, profit: -5, roi: -1 });
    expect(s.by_market.spreads.count).toBe(1);
    expect(s.by_sport.basketball_nba.count).toBe(3);
    expect(s.by_month['2025-12']).toEqual({ count: 1, staked: 10, profit: 10, roi: 1 });
    expect(s.by_month['2026-01']).toMatchObject({ count: 2, staked: 5, profit: -5 });
  });

  it('exports CSV with a header and guards against formula injection', async () => {
    const u = (await createUser(t.app)).headers;
    await req('POST', '/api/bets', u, { ...HAND, outcome: '=HYPERLINK("x")', notes: 'hi, "there"' });
    const res = await req('GET', '/api/bets/export', u);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="evision-bets-/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toMatch(/^id,placed_at,sport,event,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines[1]).toContain('"hi, ""there"""');
  });
});
