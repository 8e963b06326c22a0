import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOddsApi, startFakeOddsApi } from '../../../../test/fake-odds-api';
import { type TheOddsApiOptions, TheOddsApiProvider } from './theoddsapi';
import { ProviderError } from './types';

const opts = { regions: ['us', 'eu'], markets: ['h2h', 'spreads', 'totals'] };

describe('TheOddsApiProvider against a fake The Odds API', () => {
  let fake: FakeOddsApi;
  let clock: number;
  let sleeps: number[];
  const logs: { level: string; msg: string }[] = [];
  const log = {
    info: (_o: object, msg: string) => logs.push({ level: 'info', msg }),
    warn: (_o: object, msg: string) => logs.push({ level: 'warn', msg }),
    error: (_o: object, msg: string) => logs.push({ level: 'error', msg }),
  };

  const provider = (over: Partial<TheOddsApiOptions> = {}) =>
    new TheOddsApiProvider({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      minRemaining: 50,
      now: () => clock,
      log,
      retries: 3,
      retryBaseMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...over,
    });

  const failure = async (p: Promise<unknown>): Promise<ProviderError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  };

  beforeEach(async () => {
    fake = await startFakeOddsApi();
    clock = Date.UTC(2030, 1, 28, 20);
    sleeps = [];
    logs.length = 0;
  });
  afterEach(async () => {
    await fake.close();
  });

  it('fetches v4 events with decimal odds and ISO dates, and reads the quota headers', async () => {
    const p = provider();
    const { events, quota } = await p.fetchOdds('basketball_nba', opts);
    expect(events.map((e) => e.id)).toEqual([
      '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    ]);
    const q = fake.requests[0].query;
    expect(q).toMatchObject({
      apiKey: fake.apiKey,
      regions: 'us,eu',
      markets: 'h2h,spreads,totals',
      oddsFormat: 'decimal',
      dateFormat: 'iso',
    });
    // markets × regions = 6 credits
    expect(quota).toEqual({ remaining: 494, used: 6, last: 6 });
    expect(p.status()).toMatchObject({ status: 'ok', quota: { remaining: 494 } });
  });

  it('keeps extra outcome fields and fills a missing market last_update from the bookmaker', async () => {
    const { events } = await provider().fetchOdds('basketball_nba', opts);
    const dk = events[0].bookmakers.find((b) => b.key === 'draftkings')!;
    expect(dk.markets[0].last_update).toBe(dk.last_update);
    expect(dk.markets[0].outcomes[0]).toMatchObject({ link: 'https://sportsbook.example/dk/1', sid: 'dk-1' });
    expect(dk.markets[1].outcomes[0].description).toBe('Full game');
    expect(events[0].bookmakers.find((b) => b.key === 'betfair_ex_eu')!.markets.map((m) => m.key)).toEqual([
      'h2h',
      'h2h_lay',
    ]);
  });

  it('sends bookmakers instead of regions when given', async () => {
    await provider().fetchOdds('basketball_nba', { ...opts, bookmakers: ['pinnacle', 'draftkings'] });
    expect(fake.requests[0].query.bookmakers).toBe('pinnacle,draftkings');
    expect(fake.requests[0].query.regions).toBeUndefined();
  });

  it('drops malformed events with a warning instead of failing the sport', async () => {
    fake.extraEvents.push({ id: 'x', sport_key: 'basketball_nba' }, { ...{ id: 'y' }, bookmakers: 'nope' });
    const { events } = await provider().fetchOdds('basketball_nba', opts);
    expect(events).toHaveLength(2);
    expect(logs.some((l) => l.level === 'warn' && /malformed/.test(l.msg))).toBe(true);
  });

  it('lists sports (free) tolerating extra fields, and fetches scores with daysFrom', async () => {
    const p = provider();
    const sports = await p.listSports();
    expect(sports.map((s) => s.key)).toContain('soccer_epl');
    const scores = await p.fetchScores('basketball_nba', { daysFrom: 3 });
    expect(scores.find((s) => s.completed)?.scores).toEqual([
      { name: 'Miami Heat', score: '104' },
      { name: 'Orlando Magic', score: '99' },
    ]);
    expect(fake.requests.at(-1)!.query.daysFrom).toBe('3');
  });

  for (const code of ['MISSING_KEY', 'INVALID_KEY', 'DEACTIVATED_KEY'] as const) {
    it(`stops polling on ${code}: status degraded, later calls refuse without a request`, async () => {
      fake.queue({ error: code });
      const p = provider();
      const err = await failure(p.fetchOdds('basketball_nba', opts));
      expect(err.code).toBe(code.toLowerCase());
      expect(err.message).toMatch(/ODDS_API_KEY/);
      expect(p.status()).toMatchObject({ status: 'degraded' });
      expect(p.status().detail).toContain(code);
      const before = fake.requests.length;
      expect((await failure(p.fetchOdds('basketball_nba', opts))).code).toBe(code.toLowerCase());
      expect((await failure(p.listSports())).code).toBe(code.toLowerCase());
      expect(fake.requests.length).toBe(before);
    });
  }

  it('a wrong key is INVALID_KEY from the server itself', async () => {
    const p = provider({ apiKey: 'wrong' });
    expect((await failure(p.fetchOdds('basketball_nba', opts))).code).toBe('invalid_key');
  });

  it('pauses on OUT_OF_USAGE_CREDITS and tries again after the pause', async () => {
    fake.queue({ error: 'OUT_OF_USAGE_CREDITS' });
    const p = provider({ creditsPauseMs: 600_000 });
    expect((await failure(p.fetchOdds('basketball_nba', opts))).code).toBe('out_of_credits');
    const before = fake.requests.length;
    clock += 300_000;
    expect((await failure(p.fetchOdds('basketball_nba', opts))).code).toBe('out_of_credits');
    expect(fake.requests.length).toBe(before);
    expect(p.status()).toMatchObject({ status: 'degraded' });
    clock += 300_001;
    const { events } = await p.fetchOdds('basketball_nba', opts);
    expect(events).toHaveLength(2);
    expect(p.status().status).toBe('ok');
  });

  it('backs off exponentially and retries on 429 EXCEEDED_FREQ_LIMIT and 5xx', async () => {
    fake.queue(
      { error: 'EXCEEDED_FREQ_LIMIT' },
      { status: 502, raw: '<html>bad gateway</html>' },
      { status: 500, raw: '' },
    );
    const { events } = await provider().fetchOdds('basketball_nba', opts);
    expect(events).toHaveLength(2);
    expect(sleeps).toEqual([10, 20, 40]);
    expect(fake.count('/odds')).toBe(4);
  });

  it('gives up after the bounded retries with a typed error', async () => {
    fake.always = { status: 503, raw: 'unavailable' };
    const err = await failure(provider().fetchOdds('basketball_nba', opts));
    expect(err.code).toBe('upstream_error');
    expect(fake.count('/odds')).toBe(4);
    fake.always = { error: 'EXCEEDED_FREQ_LIMIT' };
    expect((await failure(provider({ retries: 1 }).fetchOdds('basketball_nba', opts))).code).toBe(
      'rate_limited',
    );
  });

  it('names the bad setting on 422s and unknown sports', async () => {
    const p = provider();
    const market = await failure(
      p.fetchOdds('basketball_nba', { regions: ['us'], markets: ['player_points'] }),
    );
    expect(market).toMatchObject({
      code: 'invalid_setting',
      extra: { setting: 'odds_markets', errorCode: 'INVALID_MARKET' },
    });
    expect(market.message).toContain('odds_markets');
    const region = await failure(p.fetchOdds('basketball_nba', { regions: [], markets: ['h2h'] }));
    expect(region).toMatchObject({ extra: { setting: 'odds_regions', errorCode: 'MISSING_REGION' } });
    const sport = await failure(p.fetchOdds('curling_world', opts));
    expect(sport).toMatchObject({ code: 'unknown_sport', extra: { setting: 'odds_sports' } });
    // A settings error is not a key error: polling goes on.
    await p.fetchOdds('basketball_nba', opts);
  });

  it('times out a slow answer and retries it', async () => {
    fake.queue({ delayMs: 400 });
    const { events } = await provider({ timeoutMs: 100 }).fetchOdds('basketball_nba', opts);
    expect(events).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('reports malformed JSON as bad_response', async () => {
    fake.queue({ malformedJson: true });
    expect((await failure(provider().fetchOdds('basketball_nba', opts))).code).toBe('bad_response');
  });

  it('stops polling below ODDS_API_MIN_REMAINING, logs it once, and resumes when credits return', async () => {
    fake.quota.remaining = 54;
    const p = provider({ quotaProbeMs: 60_000 });
    await p.fetchOdds('basketball_nba', opts); // 54 − 6 = 48 < 50
    const before = fake.count('/odds');
    expect((await failure(p.fetchOdds('basketball_nba', opts))).code).toBe('quota_low');
    expect((await failure(p.fetchOdds('basketball_nba', opts))).code).toBe('quota_low');
    expect(fake.count('/odds')).toBe(before);
    expect(logs.filter((l) => /credits low/.test(l.msg))).toHaveLength(1);
    expect(p.status()).toMatchObject({ status: 'degraded', quota: { remaining: 48 } });
    // Credits come back (new month); the next probe of the free endpoint notices.
    fake.quota.remaining = 20_000;
    clock += 60_000;
    await p.fetchOdds('basketball_nba', opts);
    expect(fake.count('/odds')).toBe(before + 1);
  });

  it('reports a refused connection as a network error after retries', async () => {
    const url = fake.url;
    await fake.close();
    fake = await startFakeOddsApi();
    const err = await failure(
      provider({ baseUrl: url.replace(/:\d+$/, ':1'), retries: 1 }).fetchOdds('basketball_nba', opts),
    );
    expect(err.code).toBe('network');
  });
});
