import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../auth';
import { createTestApp, databaseKinds, type TestApp } from '../helpers';

// Issue 11, defect 3: NUL characters and lone surrogates never reach the database: every
// string the contract accepts is a SafeString, so they answer 400 naming the field. (A URL
// cannot carry a lone surrogate: invalid UTF-8 in it decodes to U+FFFD.)
describe.each(databaseKinds())('safe strings on %s', (kind) => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof createUser>>;
  let ingest: string;
  const fields = (res: { json(): { error: { details?: { field: string }[] } } }) =>
    (res.json().error.details ?? []).map((d) => d.field);

  beforeAll(async () => {
    t = await createTestApp({ kind });
    user = await createUser(t.app);
    ingest = await createServiceToken(t.app, ['ingest']);
  });
  afterAll(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });

  it.each([
    ['/api/ev/hits/%00', 'id'],
    ['/api/ev/hits/e1%7Ch2h%7Ca%00b%7C%7Cdk', 'id'],
    ['/api/odds/history?event_id=%00&market=h2h&outcome=x', 'event_id'],
    ['/api/odds/history?event_id=e1&market=%00&outcome=x', 'market'],
    ['/api/odds/history?event_id=e1&market=h2h&outcome=%00', 'outcome'],
    ['/api/odds/history?event_id=e1&market=h2h&outcome=x&book=%00', 'book'],
    ['/api/ev/history?sport=%00', 'sport'],
    ['/api/ev/history?market=%00', 'market'],
    ['/api/ev/history?book=%00', 'book'],
    ['/api/ev/history?q=%00', 'q'],
  ])('GET %s → 400 naming %s', async (url, field) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_error');
    expect(fields(res)).toContain(field);
  });

  it('PUT /api/me/settings refuses a lone surrogate or a NUL in default_filters', async () => {
    for (const default_filters of [{ q: '\ud800' }, { '\u0000': 1 }, { q: ['a\u0000'] }]) {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/me/settings',
        headers: user.headers,
        payload: { default_filters },
      });
      expect(res.statusCode).toBe(400);
      expect(fields(res).join()).toContain('default_filters');
    }
    const ok = await t.app.inject({ method: 'GET', url: '/api/me/settings', headers: user.headers });
    expect(ok.statusCode).toBe(200);
  });

  const hit = (over: Record<string, unknown> = {}) => ({
    event_id: 'safe1',
    sport: 'basketball_nba',
    home_team: 'Home',
    away_team: 'Away',
    commence_time: new Date(Date.now() + 3_600_000).toISOString(),
    market: 'h2h',
    outcome: 'Home',
    point: null,
    book: 'draftkings',
    price: 2.2,
    fair_probability: 0.5,
    ...over,
  });

  it('ingest hits with NUL or a lone surrogate → 400 naming the field, nothing published', async () => {
    for (const [field, value] of [
      ['home_team', 'Ho\u0000me'],
      ['outcome', '\udc00'],
      ['event_id', 'e\u0000'],
      ['book', 'dk\u0000'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/ingest/hits',
        headers: bearer(ingest),
        payload: { hits: [hit({ [field]: value })] },
      });
      expect(res.statusCode, field).toBe(400);
      expect(fields(res).join(), field).toContain(field);
    }
    const list = await get('/api/ev/hits?status=all&include_suspect=true');
    expect(list.json().hits).toEqual([]);
  });

  it('ingest odds with NUL → 400 naming the field', async () => {
    const event = {
      id: 'oddsnul',
      sport_key: 'basketball_nba',
      commence_time: new Date(Date.now() + 3_600_000).toISOString(),
      home_team: 'Home\u0000',
      away_team: 'Away',
      bookmakers: [],
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/ingest/odds',
      headers: bearer(ingest),
      payload: { events: [event] },
    });
    expect(res.statusCode).toBe(400);
    expect(fields(res).join()).toContain('home_team');
  });
});
