import { describe, expect, it } from 'vitest';
import { type HitObservation, hitId, outcomeKey } from './hit';
import { HitBook } from './hit-book';

const T0 = Date.parse('2030-01-01T12:00:00Z');
const COMMENCE = '2030-01-01T18:00:00Z';

function clock() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

function obs(over: Partial<HitObservation> = {}): HitObservation {
  const base = {
    event_id: 'e1',
    sport: 'basketball_nba',
    home_team: 'Boston Celtics',
    away_team: 'Miami Heat',
    commence_time: COMMENCE,
    market: 'h2h',
    outcome: 'Miami Heat',
    point: null,
    book: 'draftkings',
    price: 2.2,
    fair_probability: 0.5,
    fair_odds: 2,
    ev: 0.1,
    kelly: 0.0833,
    suspect: false,
    source: 'engine' as const,
    ...over,
  };
  return { id: hitId(base.event_id, base.market, base.outcome, base.point, base.book), ...base };
}

describe('HitBook lifecycle', () => {
  it('reports a new hit with first/last seen, ev_percent and the "Away @ Home" event', () => {
    const c = clock();
    const book = new HitBook({ now: c.now });
    const changes = book.applyEngine([obs()]);
    expect(changes.new).toHaveLength(1);
    const h = changes.new[0].hit;
    expect(h).toMatchObject({
      id: 'e1|h2h|Miami Heat||draftkings',
      event: 'Miami Heat @ Boston Celtics',
      status: 'active',
      ev_percent: 10,
      best_ev: 0.1,
      first_seen_at: new Date(T0).toISOString(),
      last_seen_at: new Date(T0).toISOString(),
      closed_at: null,
      clv: null,
    });
    expect(book.active()).toHaveLength(1);
  });

  it('marks a hit updated when its price or EV changes, keeps first_seen_at and the best EV', () => {
    const c = clock();
    const book = new HitBook({ now: c.now });
    book.applyEngine([obs()]);
    c.advance(5_000);
    const same = book.applyEngine([obs()]);
    expect(same.updated).toHaveLength(0);
    expect(book.get(obs().id)?.hit.last_seen_at).toBe(new Date(T0 + 5_000).toISOString());

    c.advance(5_000);
    const up = book.applyEngine([obs({ price: 2.3, ev: 0.15 })]);
    expect(up.updated).toHaveLength(1);
    c.advance(5_000);
    book.applyEngine([obs({ price: 2.1, ev: 0.05 })]);
    const h = book.get(obs().id)!.hit;
    expect(h.price).toBe(2.1);
    expect(h.best_ev).toBe(0.15);
    expect(h.first_seen_at).toBe(new Date(T0).toISOString());
  });

  it('never stores a negative-EV hit, whatever min_ev was (engine and bot paths)', () => {
    const c = clock();
    const book = new HitBook({ now: c.now });
    expect(book.applyEngine([obs({ ev: -0.19, price: 1.62 })]).new).toHaveLength(0);
    expect(book.applyEngine([obs({ ev: Number.NaN })]).new).toHaveLength(0);
    expect(book.applyBot([obs({ ev: -0.05, source: 'bot', book: 'fanduel' })]).new).toHaveLength(0);
    expect(book.size).toBe(0);
    // An active hit whose EV falls below zero closes instead of being updated to ev < 0.
    book.applyEngine([obs()]);
    const drop = book.applyEngine([obs({ ev: -0.01, price: 1.98 })]);
    expect(drop.updated).toHaveLength(0);
    expect(drop.closed.map((r) => r.hit.ev)).toEqual([0.1]);
    book.applyBot([obs({ source: 'bot', book: 'fanduel' })]);
    const botDrop = book.applyBot([obs({ ev: -0.02, source: 'bot', book: 'fanduel' })]);
    expect(botDrop.closed).toHaveLength(1);
    expect(botDrop.closed[0].hit.ev).toBeGreaterThanOrEqual(0);
  });

  it('closes a hit that is gone, then reopens the same id when it comes back', () => {
    const c = clock();
    const book = new HitBook({ now: c.now });
    book.applyEngine([obs()]);
    c.advance(5_000);
    const v = book.version;
    const gone = book.applyEngine([]);
    expect(gone.closed.map((r) => r.hit.id)).toEqual([obs().id]);
    expect(book.version).toBeGreaterThan(v);
    expect(book.get(obs().id)?.hit).toMatchObject({
      status: 'closed',
      closed_at: new Date(T0 + 5_000).toISOString(),
    });
    expect(book.active()).toHaveLength(0);

    c.advance(5_000);
    const back = book.applyEngine([obs({ ev: 0.12, price: 2.24 })]);
    expect(back.reopened).toHaveLength(1);
    expect(back.new).toHaveLength(0);
    expect(book.get(obs().id)?.hit).toMatchObject({
      status: 'active',
      closed_at: null,
      first_seen_at: new Date(T0).toISOString(),
      best_ev: 0.12,
    });
  });

  it('closes only the scoped events on a partial (ingest) pricing', () => {
    const book = new HitBook({ now: clock().now });
    book.applyEngine([obs(), obs({ event_id: 'e2' })]);
    const changes = book.applyEngine([], { eventIds: new Set(['e2']) });
    expect(changes.closed.map((r) => r.hit.event_id)).toEqual(['e2']);
    expect(book.active().map((h) => h.event_id)).toEqual(['e1']);
  });

  it('sets the closing fair odds and CLV of every hit of an event when it starts', () => {
    const c = clock();
    const book = new HitBook({ now: c.now });
    book.applyEngine([obs(), obs({ book: 'fanduel', price: 2.15, ev: 0.075 })]);
    c.advance(5_000);
    book.applyEngine([obs()]); // the fanduel hit closes before the start
    c.set(Date.parse(COMMENCE));
    const closing = new Map([[outcomeKey('h2h', 'Miami Heat', null), 2.05]]);
    const changes = book.closeEvent('e1', closing);
    expect(changes.closed).toHaveLength(1);
    expect(changes.clv).toHaveLength(2);
    const dk = book.get(obs().id)!.hit;
    expect(dk.status).toBe('closed');
    expect(dk.closing_fair_odds).toBe(2.05);
    expect(dk.clv).toBeCloseTo(2.2 / 2.05 - 1, 12);
    const fd = book.get(obs({ book: 'fanduel' }).id)!.hit;
    expect(fd.clv).toBeCloseTo(2.15 / 2.05 - 1, 12);
  });

  it('keeps bot hits until their TTL passes, engine scans never close them', () => {
    const c = clock();
    const book = new HitBook({ now: c.now });
    book.applyBot([obs({ source: 'bot', expires_at: T0 + 120_000 })]);
    expect(book.applyEngine([]).closed).toHaveLength(0);
    c.advance(119_000);
    expect(book.expire().closed).toHaveLength(0);
    c.advance(1_000);
    expect(book.expire().closed).toHaveLength(1);
  });

  it('mirrors another instance’s messages without re-publishing them', () => {
    const book = new HitBook({ now: clock().now });
    const other = new HitBook({ now: clock().now });
    const hit = other.applyEngine([obs()]).new[0].hit;
    book.applyRemote('ev.hit.new', hit);
    expect(book.active()).toHaveLength(1);
    book.applyRemote('ev.hit.closed', { ...hit, status: 'closed', closed_at: new Date(T0).toISOString() });
    expect(book.active()).toHaveLength(0);
    // A mirrored hit is the other instance's to expire.
    expect(book.expire().closed).toHaveLength(0);
  });
});
