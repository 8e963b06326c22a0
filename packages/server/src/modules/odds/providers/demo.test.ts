import { describe, expect, it } from 'vitest';
import { BOOKS_BY_KEY } from './books';
import { DEMO_TICK_MS, DemoOddsProvider, priceWithMargin } from './demo';
import type { OddsEvent } from './types';

const T0 = Date.UTC(2030, 0, 6, 12);
const US_EU = { regions: ['us', 'eu'], markets: ['h2h', 'spreads', 'totals'] };
const SPORTS = ['americanfootball_nfl', 'basketball_nba', 'baseball_mlb', 'icehockey_nhl', 'soccer_epl'];

function sim(seed = 42, eventsPerSport = 12) {
  const clock = { t: T0 };
  const provider = new DemoOddsProvider({ seed, now: () => clock.t, eventsPerSport });
  return { clock, provider };
}

const overround = (prices: number[]) => prices.reduce((s, p) => s + 1 / p, 0) - 1;

/** EV of every soft price against Pinnacle's fair line (power devig, like the engine's default). */
function softEvs(events: OddsEvent[]): number[] {
  const out: number[] = [];
  for (const ev of events) {
    const pin = ev.bookmakers.find((b) => b.key === 'pinnacle');
    if (!pin) continue;
    for (const m of pin.markets) {
      const fair = devigPower(m.outcomes.map((o) => o.price));
      for (const b of ev.bookmakers) {
        if (BOOKS_BY_KEY.get(b.key)?.kind !== 'soft') continue;
        const bm = b.markets.find((x) => x.key === m.key);
        bm?.outcomes.forEach((o, i) => {
          out.push(fair[i] * o.price - 1);
        });
      }
    }
  }
  return out;
}

function devigPower(prices: number[]): number[] {
  const q = prices.map((p) => 1 / p);
  let lo = 1;
  let hi = 3;
  for (let i = 0; i < 60; i++) {
    const k = (lo + hi) / 2;
    if (q.reduce((s, x) => s + x ** k, 0) > 1) lo = k;
    else hi = k;
  }
  return q.map((x) => x ** lo);
}

describe('DemoOddsProvider', () => {
  it('lists NFL, NBA, MLB, NHL and EPL in the v4 sports shape', async () => {
    const sports = await sim().provider.listSports();
    expect(sports.map((s) => s.key).sort()).toEqual([...SPORTS].sort());
    expect(sports[0]).toMatchObject({ group: expect.any(String), title: expect.any(String), active: true });
  });

  it('is deterministic for a seed and a clock, and differs with another seed', async () => {
    const a = sim(7);
    const b = sim(7);
    const c = sim(8);
    for (let i = 0; i < 5; i++) {
      for (const s of [a, b, c]) s.clock.t += 3 * DEMO_TICK_MS;
      const [ea, eb, ec] = await Promise.all(
        [a, b, c].map((s) => s.provider.fetchOdds('basketball_nba', US_EU)),
      );
      expect(ea.events).toEqual(eb.events);
      expect(ec.events).not.toEqual(ea.events);
    }
  });

  it('returns v4 events with 8–12 books per region, only for the configured regions', async () => {
    const { provider } = sim();
    for (const region of ['us', 'eu', 'uk', 'au']) {
      const { events } = await provider.fetchOdds('basketball_nba', { regions: [region], markets: ['h2h'] });
      expect(events).toHaveLength(12);
      const keys = events[0].bookmakers.map((b) => b.key);
      expect(keys.length).toBeGreaterThanOrEqual(8);
      expect(keys.length).toBeLessThanOrEqual(12);
      for (const k of keys) expect(BOOKS_BY_KEY.get(k)!.regions).toContain(region);
    }
    const us = (await provider.fetchOdds('basketball_nba', { regions: ['us'], markets: ['h2h'] })).events[0];
    expect(us.bookmakers.map((b) => b.key)).toContain('circasports');
    expect(us.bookmakers.map((b) => b.key)).not.toContain('pinnacle');
    const ev = (await provider.fetchOdds('basketball_nba', US_EU)).events[0];
    expect(ev).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      sport_key: 'basketball_nba',
      sport_title: 'NBA',
    });
    expect(ev.commence_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const pin = ev.bookmakers.find((b) => b.key === 'pinnacle')!;
    expect(pin.markets.map((m) => m.key)).toEqual(['h2h', 'spreads', 'totals']);
    expect(Date.parse(pin.last_update)).toBeLessThanOrEqual(T0);
    for (const m of pin.markets) expect(m.last_update).toBeDefined();
  });

  it('quotes realistic lines: x.5 spreads, totals near each sport’s norm, prices with 2 decimals', async () => {
    const { provider } = sim();
    const expectations: Record<string, { spread: (p: number) => boolean; total: [number, number] }> = {
      basketball_nba: { spread: (p) => Math.abs(p % 1) === 0.5, total: [205, 240] },
      americanfootball_nfl: { spread: (p) => Math.abs(p % 1) === 0.5, total: [36, 54] },
      baseball_mlb: { spread: (p) => Math.abs(p) === 1.5, total: [7, 10] },
      icehockey_nhl: { spread: (p) => Math.abs(p) === 1.5, total: [5, 7] },
      soccer_epl: { spread: (p) => Math.abs(p % 1) === 0.5, total: [2.5, 3.5] },
    };
    for (const [sport, x] of Object.entries(expectations)) {
      const { events } = await provider.fetchOdds(sport, US_EU);
      for (const ev of events) {
        const dk = ev.bookmakers.find((b) => b.key === 'draftkings')!;
        const spreads = dk.markets.find((m) => m.key === 'spreads')!;
        expect(spreads.outcomes.map((o) => o.name)).toEqual([ev.home_team, ev.away_team]);
        expect(spreads.outcomes[0].point).toBe(-spreads.outcomes[1].point!);
        expect(x.spread(spreads.outcomes[0].point!)).toBe(true);
        const totals = dk.markets.find((m) => m.key === 'totals')!;
        expect(totals.outcomes.map((o) => o.name)).toEqual(['Over', 'Under']);
        expect(totals.outcomes[0].point).toBeGreaterThanOrEqual(x.total[0]);
        expect(totals.outcomes[0].point).toBeLessThanOrEqual(x.total[1]);
        expect(totals.outcomes[0].point! % 0.5).toBe(0);
        for (const m of dk.markets)
          for (const o of m.outcomes) expect(Math.round(o.price * 100) / 100).toBe(o.price);
      }
    }
  });

  it('prices soccer h2h 3-way with a Draw', async () => {
    const { events } = await sim().provider.fetchOdds('soccer_epl', US_EU);
    for (const ev of events) {
      const h2h = ev.bookmakers.find((b) => b.key === 'pinnacle')!.markets.find((m) => m.key === 'h2h')!;
      expect(h2h.outcomes.map((o) => o.name)).toEqual([ev.home_team, ev.away_team, 'Draw']);
      expect(h2h.outcomes[2].price).toBeGreaterThan(2.8);
      expect(h2h.outcomes[2].price).toBeLessThan(9);
    }
  });

  it('keeps sharp books at 2–3 % margin, soft books at 4–8 %, exchanges tighter with lay prices', async () => {
    const { provider } = sim();
    const margins: Record<'sharp' | 'soft' | 'exchange', number[]> = { sharp: [], soft: [], exchange: [] };
    for (const sport of SPORTS) {
      const { events } = await provider.fetchOdds(sport, {
        regions: ['us', 'eu', 'uk'],
        markets: ['h2h', 'spreads', 'totals'],
      });
      for (const ev of events) {
        for (const b of ev.bookmakers) {
          const kind = BOOKS_BY_KEY.get(b.key)!.kind;
          for (const m of b.markets) {
            if (m.key === 'h2h_lay') {
              const back = b.markets.find((x) => x.key === 'h2h')!;
              m.outcomes.forEach((o, i) => {
                expect(o.price).toBeGreaterThan(back.outcomes[i].price);
              });
              continue;
            }
            margins[kind].push(overround(m.outcomes.map((o) => o.price)));
          }
        }
      }
    }
    // Rounding prices to 2 decimals moves a market's overround by well under half a point.
    const within = (xs: number[], lo: number, hi: number) =>
      xs.every((x) => x > lo - 0.006 && x < hi + 0.006);
    expect(within(margins.sharp, 0.02, 0.03)).toBe(true);
    expect(within(margins.soft, 0.04, 0.08)).toBe(true);
    expect(within(margins.exchange, 0.005, 0.015)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(margins.sharp)).toBeLessThan(mean(margins.soft));
  });

  it('lets +EV soft prices appear and close within a minute as truth drifts and books lag', async () => {
    const { clock, provider } = sim(42);
    const seen = new Map<string, { first: number; last: number }>();
    for (let i = 0; i < 240; i++) {
      clock.t += DEMO_TICK_MS;
      for (const sport of SPORTS) {
        const { events } = await provider.fetchOdds(sport, US_EU);
        for (const ev of events) {
          const pin = ev.bookmakers.find((b) => b.key === 'pinnacle')!;
          for (const m of pin.markets) {
            const fair = devigPower(m.outcomes.map((o) => o.price));
            for (const b of ev.bookmakers) {
              if (BOOKS_BY_KEY.get(b.key)!.kind !== 'soft') continue;
              b.markets
                .find((x) => x.key === m.key)
                ?.outcomes.forEach((o, k) => {
                  if (fair[k] * o.price - 1 <= 0.01) return;
                  const id = `${ev.id}|${m.key}|${k}|${b.key}`;
                  const s = seen.get(id);
                  if (s && s.last === i - 1) s.last = i;
                  else seen.set(id, { first: i, last: i });
                });
            }
          }
        }
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    const lifetimes = [...seen.values()].filter((s) => s.last < 239).map((s) => (s.last - s.first + 1) * 5);
    const longest = Math.max(...lifetimes);
    // A soft book re-prices at least every 60 s; a hit can survive one update only by luck.
    expect(lifetimes.filter((l) => l <= 60).length / lifetimes.length).toBeGreaterThan(0.9);
    expect(longest).toBeLessThan(600);
  });

  it('has no +EV soft price at a fresh start beyond a few percent of quotes', async () => {
    const { provider } = sim();
    const evs = (await Promise.all(SPORTS.map((s) => provider.fetchOdds(s, US_EU)))).flatMap((r) =>
      softEvs(r.events),
    );
    expect(evs.filter((e) => e > 0.01).length / evs.length).toBeLessThan(0.05);
  });

  it('drops events when they start, replaces them, and reports results', async () => {
    const { clock, provider } = sim(3);
    const first = (await provider.fetchOdds('basketball_nba', US_EU)).events;
    const opener = first[0];
    expect(Date.parse(opener.commence_time)).toBeGreaterThan(T0);
    expect(Date.parse(opener.commence_time) - T0).toBeLessThan(2 * 3600_000);
    clock.t = Date.parse(opener.commence_time) + 1000;
    const after = (await provider.fetchOdds('basketball_nba', US_EU)).events;
    expect(after.map((e) => e.id)).not.toContain(opener.id);
    expect(after).toHaveLength(12);
    for (const e of after) expect(Date.parse(e.commence_time)).toBeGreaterThan(clock.t);

    let scores = await provider.fetchScores('basketball_nba', { daysFrom: 1 });
    const live = scores.find((s) => s.id === opener.id)!;
    expect(live.completed).toBe(false);

    clock.t += 4 * 3600_000;
    scores = await provider.fetchScores('basketball_nba', { daysFrom: 1 });
    const done = scores.find((s) => s.id === opener.id)!;
    expect(done.completed).toBe(true);
    const [home, away] = done.scores!.map((s) => Number(s.score));
    expect(home).not.toBe(away);
    expect(home + away).toBeGreaterThan(170);
    expect(scores.filter((s) => !s.completed && s.scores === null)).toHaveLength(12);
  });

  it('jumps ahead cheaply after a long pause and keeps the board full', async () => {
    const { clock, provider } = sim();
    await provider.fetchOdds('soccer_epl', US_EU);
    clock.t += 10 * 86_400_000;
    const { events } = await provider.fetchOdds('soccer_epl', US_EU);
    expect(events).toHaveLength(12);
    for (const e of events) expect(Date.parse(e.commence_time)).toBeGreaterThan(clock.t);
    const pin = events[0].bookmakers.find((b) => b.key === 'pinnacle')!;
    expect(clock.t - Date.parse(pin.last_update)).toBeLessThan(60_000);
  });

  it('refuses a sport it does not simulate, naming the setting', async () => {
    await expect(sim().provider.fetchOdds('curling_world', US_EU)).rejects.toMatchObject({
      code: 'unknown_sport',
      extra: { setting: 'odds_sports' },
    });
  });

  it('applies a margin with the power model so that Σ 1/price = 1 + margin', () => {
    const prices = priceWithMargin([0.7, 0.3], 0.05);
    expect(overround(prices)).toBeCloseTo(0.05, 2);
    expect(prices[1]).toBeLessThan(1 / 0.3);
  });
});
