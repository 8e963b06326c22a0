import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';

const NOW = Date.parse('2030-03-01T12:00:00Z');
const SPORTS = ['basketball_nba', 'icehockey_nhl', 'soccer_epl'];
const EDGES = [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2];
/** The histogram counts expected for these EVs, computed independently of the server. */
const binsOf = (evs: number[]) =>
  Array.from(
    { length: EDGES.length + 1 },
    (_, i) =>
      evs.filter((ev) => (i === 0 || ev >= EDGES[i - 1]) && (i === EDGES.length || ev < EDGES[i])).length,
  );
const BOOKS = ['draftkings', 'fanduel', 'betmgm', 'bovada', 'betrivers', 'williamhill_us'];

/** 120 bot hits across sports, books and markets, a few suspect, one with a formula-like team. */
function botHits() {
  const hits = [];
  for (let i = 0; i < 120; i++) {
    const price = 1.5 + (i % 17) * 0.1;
    const ev = 0.005 + ((i * 7) % 30) / 100; // 0.005 … 0.295
    hits.push({
      event_id: `ev${i % 20}`,
      sport: SPORTS[i % 3],
      home_team: i % 20 === 0 ? '=HYPERLINK("x")' : `Home ${i % 20}`,
      away_team: i % 20 === 1 ? 'Quote "Q" Team, FC' : `Away ${i % 20}`,
      commence_time: new Date(NOW + ((i % 20) + 1) * 30 * 60_000).toISOString(),
      market: i % 2 ? 'h2h' : 'totals',
      outcome: i % 2 ? `Away ${i % 20}` : 'Over',
      point: i % 2 ? null : 200.5 + (i % 4),
      book: BOOKS[Math.floor(i / 20)], // (event, book) is unique per hit
      price,
      fair_probability: (1 + ev) / price,
    });
  }
  return hits;
}

describe.each(databaseKinds())('EV API on %s', (kind) => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof createUser>>;
  let ingest: string;
  let now = NOW;
  const get = (url: string, headers = user.headers) => t.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    t = await createTestApp({ kind, deps: { now: () => now } });
    user = await createUser(t.app);
    ingest = await createServiceToken(t.app, ['ingest']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/ingest/hits',
      headers: bearer(ingest),
      payload: { hits: botHits(), ttl_seconds: 600 },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('needs a user or a feed token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/ev/hits' })).statusCode).toBe(401);
    expect((await get('/api/ev/hits', bearer(ingest))).statusCode).toBe(403);
    const feed = await createServiceToken(t.app, ['feed']);
    expect((await get('/api/ev/hits', bearer(feed))).statusCode).toBe(200);
  });

  it('lists active, non-suspect hits by EV descending by default', async () => {
    const res = await get('/api/ev/hits?limit=500');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json();
    expect(body.hits.length).toBeGreaterThan(50);
    expect(body.next_cursor).toBeNull();
    expect(typeof body.last_updated).toBe('string');
    for (const h of body.hits) {
      expect(h.suspect).toBe(false);
      expect(h.status).toBe('active');
      expect(h.source).toBe('bot');
    }
    const evs = body.hits.map((h: { ev: number }) => h.ev);
    expect(evs).toEqual([...evs].sort((a, b) => b - a));
    expect(Object.keys(body.hits[0]).sort()).toEqual(
      [
        'id',
        'event_id',
        'event',
        'home_team',
        'away_team',
        'sport',
        'commence_time',
        'market',
        'outcome',
        'point',
        'book',
        'price',
        'fair_odds',
        'fair_probability',
        'ev',
        'ev_percent',
        'kelly',
        'suspect',
        'source',
        'status',
        'first_seen_at',
        'last_seen_at',
        'closed_at',
        'best_ev',
        'closing_fair_odds',
        'clv',
      ].sort(),
    );
  });

  it('filters by sport, book, market, EV, odds, start time and team', async () => {
    const all = (await get('/api/ev/hits?limit=500&include_suspect=true')).json().hits;
    expect(all).toHaveLength(120);
    const check = async (query: string, pred: (h: Record<string, never>) => boolean) => {
      const hits = (await get(`/api/ev/hits?limit=500&include_suspect=true&${query}`)).json().hits;
      expect(hits.length).toBe(all.filter(pred).length);
      expect(hits.length).toBeGreaterThan(0);
    };
    await check('sport=icehockey_nhl,soccer_epl', (h) => h.sport !== 'basketball_nba');
    await check('book=fanduel', (h) => h.book === 'fanduel');
    await check('market=totals', (h) => h.market === 'totals');
    await check('min_ev=0.1&max_ev=0.2', (h) => h.ev >= 0.1 && h.ev <= 0.2);
    await check('min_odds=2&max_odds=2.5', (h) => h.price >= 2 && h.price <= 2.5);
    await check('starts_within=90', (h) => Date.parse(h.commence_time) <= NOW + 90 * 60_000);
    await check('q=away%201', (h) => (h.away_team as string).toLowerCase().includes('away 1'));
    const suspects = (await get('/api/ev/hits?limit=500')).json().hits;
    expect(suspects.length).toBe(all.filter((h: { suspect: boolean }) => !h.suspect).length);
  });

  it('walks every hit exactly once with the cursor, for each sort', async () => {
    for (const sort of ['-ev', 'ev', 'commence_time', '-first_seen_at', 'price', '-price']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/ev/hits?include_suspect=true&limit=7&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`;
        const body: { hits: { id: string }[]; next_cursor: string | null } = (await get(url)).json();
        seen.push(...body.hits.map((h: { id: string }) => h.id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toHaveLength(120);
      expect(new Set(seen).size).toBe(120);
    }
  });

  it('answers 400 naming the field for invalid filters', async () => {
    for (const [query, field] of [
      ['min_ev=abc', 'min_ev'],
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['sort=name', 'sort'],
      ['status=maybe', 'status'],
      ['min_odds=0.5', 'min_odds'],
      ['include_suspect=perhaps', 'include_suspect'],
      ['cursor=not-a-cursor', 'cursor'],
      ['bogus=1', 'bogus'],
    ]) {
      const res = await get(`/api/ev/hits?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // A cursor of another sort order is not accepted either.
    const c = (await get('/api/ev/hits?limit=1')).json().next_cursor;
    expect((await get(`/api/ev/hits?limit=1&sort=price&cursor=${c}`)).statusCode).toBe(400);
  });

  it('adds display odds on request', async () => {
    const h = (await get('/api/ev/hits?limit=1&odds_format=american')).json().hits[0];
    expect(typeof h.price_display).toBe('string');
    expect(h.price_display).toMatch(/^[+-]\d+$/);
    const f = (await get('/api/ev/hits?limit=1&odds_format=fractional')).json().hits[0];
    expect(f.price_display).toMatch(/^\d+\/\d+$/);
  });

  it('summarizes exactly what the same filters list', async () => {
    for (const q of ['', 'sport=basketball_nba', 'book=bovada,betmgm&min_ev=0.05', 'include_suspect=true']) {
      const list = (await get(`/api/ev/hits?limit=500&${q}`)).json().hits;
      const s = (await get(`/api/ev/summary?${q}`)).json();
      expect(s.total_hits).toBe(list.length);
      expect(s.top_ev).toBe(Math.max(...list.map((h: { ev: number }) => h.ev)));
      const bySport: Record<string, number> = {};
      for (const h of list) bySport[h.sport] = (bySport[h.sport] ?? 0) + 1;
      expect(s.by_sport).toEqual(bySport);
      expect(Object.values(s.by_book as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(list.length);
      expect(s.ev_histogram.map((b: { count: number }) => b.count)).toEqual(
        binsOf(list.map((h: { ev: number }) => h.ev)),
      );
      expect(s.ev_histogram[0]).toMatchObject({ from: null, to: 0 });
      expect(s.ev_histogram.at(-1)).toMatchObject({ from: 0.2, to: null });
    }
  });

  it('opens one hit with its explain (URL-encoded id) and 404s an unknown one', async () => {
    const h = (await get('/api/ev/hits?limit=1')).json().hits[0];
    const res = await get(`/api/ev/hits/${encodeURIComponent(h.id)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: h.id, ev: h.ev });
    expect(res.json().explain).toBeTruthy();
    const missing = await get(`/api/ev/hits/${encodeURIComponent('nope|h2h|X||book')}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('hit_not_found');
  });

  it('closes bot hits after their TTL and lists them in history from the database', async () => {
    now += 601_000;
    await t.app.ctx.scanner.expireNow();
    expect((await get('/api/ev/hits')).json().hits).toHaveLength(0);
    const closed = (await get('/api/ev/hits?status=closed&limit=500&include_suspect=true')).json();
    expect(closed.hits).toHaveLength(120);
    const history = (await get('/api/ev/history?limit=50&include_suspect=true')).json();
    expect(history.hits).toHaveLength(50);
    expect(history.next_cursor).toBeTruthy();
    const seen = new Set(history.hits.map((h: { id: string }) => h.id));
    let cursor = history.next_cursor;
    while (cursor) {
      const page = (await get(`/api/ev/history?limit=50&include_suspect=true&cursor=${cursor}`)).json();
      for (const h of page.hits) seen.add(h.id);
      cursor = page.next_cursor;
    }
    expect(seen.size).toBe(120);
    const s = (await get('/api/ev/summary?status=closed&include_suspect=true')).json();
    expect(s.total_hits).toBe(120);
    // The database path bins like the in-memory one (width_bucket over the same edges).
    expect(s.ev_histogram.map((b: { count: number }) => b.count)).toEqual(
      binsOf(closed.hits.map((h: { ev: number }) => h.ev)),
    );
    expect(s.ev_histogram).toHaveLength(EDGES.length + 1);
    const detail = await get(`/api/ev/hits/${encodeURIComponent(closed.hits[0].id)}`);
    expect(detail.json().status).toBe('closed');
  });

  it('exports CSV with a BOM, CRLF, RFC 4180 quoting and formula cells escaped', async () => {
    const res = await get('/api/ev/export?format=csv&status=all&include_suspect=true');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    const text = res.rawPayload.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0].startsWith('id,event_id,event,home_team')).toBe(true);
    expect(lines).toHaveLength(121);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain('"Quote ""Q"" Team, FC"');
    expect(text).not.toMatch(/,=HYPERLINK/);
  });

  it('exports a JSON array', async () => {
    const res = await get('/api/ev/export?format=json&status=closed&sport=soccer_epl&include_suspect=true');
    expect(res.statusCode).toBe(200);
    const rows = res.json();
    expect(Array.isArray(rows)).toBe(true);
    expect(rows).toHaveLength(40);
    expect(rows.every((h: { sport: string }) => h.sport === 'soccer_epl')).toBe(true);
    expect((await get('/api/ev/export?format=xml')).statusCode).toBe(400);
  });

  it('export-hits support: ctx.hits.export streams the same CSV', async () => {
    const stream = await t.app.ctx.hits.export({
      format: 'csv',
      filters: { status: 'all', include_suspect: 'true' },
    });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c));
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.slice(1).split('\r\n').filter(Boolean)).toHaveLength(121);
  });
});
