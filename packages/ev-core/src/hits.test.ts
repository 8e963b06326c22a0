import { describe, expect, it } from 'vitest';
import { book, event, h2h, NOW } from './fixtures.test-helpers.js';
import { findHits } from './hits.js';
import { hitId } from './lines.js';
import type { FindHitsOptions, OddsEvent } from './types.js';

const base: FindHitsOptions = { sharpBooks: ['pin'], method: 'multiplicative', minEv: 0.01, now: NOW };
const ids = (events: OddsEvent[], o: Partial<FindHitsOptions> = {}) =>
  findHits(events, { ...base, ...o }).map((h) => h.id);

describe('findHits', () => {
  it('prices a soft book against the devigged sharp line', () => {
    // pin 1.9/1.9 → fair 0.5/0.5. dk Home 2.2 → ev = 0.5 × 2.2 − 1 = 0.10; Away 1.7 → −0.15.
    const hits = findHits(
      [event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })])],
      base,
    );
    expect(hits).toHaveLength(1);
    const h = hits[0];
    expect(h).toMatchObject({
      id: 'e1|h2h|Home||dk',
      event_id: 'e1',
      sport: 'basketball_nba',
      sport_title: 'NBA',
      market: 'h2h',
      outcome: 'Home',
      point: null,
      book: 'dk',
      price: 2.2,
      suspect: false,
    });
    expect(h.fair_probability).toBeCloseTo(0.5, 15);
    expect(h.fair_odds).toBeCloseTo(2, 15);
    expect(h.ev).toBeCloseTo(0.1, 14);
    expect(h.kelly).toBeCloseTo(0.1 / 1.2, 14); // (0.5 × 2.2 − 1)/(2.2 − 1)
    expect(h.id).toBe(hitId('e1', 'h2h', 'Home', null, 'dk'));
  });

  it('explain carries every input and intermediate', () => {
    const [h] = findHits(
      [event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }, 20), book('exch', { h2h: h2h(2.3, 1.7) }, 5)])],
      { ...base, commission: { exch: 0.05 }, sharpMaxAgeSeconds: 60, softMaxAgeSeconds: 30 },
    );
    const x = h.explain;
    expect(x.method).toBe('multiplicative');
    expect(x.pooling).toBe('single');
    expect(x.sharp_quotes).toEqual([
      {
        book: 'pin',
        prices: [1.9, 1.9],
        age_seconds: 20,
        weight: 1,
        probabilities: [0.5, 0.5],
        margin: expect.closeTo(2 / 1.9 - 1, 14),
        params: {},
      },
    ]);
    expect(x.line).toEqual([
      { name: 'Home', point: null },
      { name: 'Away', point: null },
    ]);
    expect(x.fair_probabilities).toEqual([0.5, 0.5]);
    expect(x.market_width).toBe(0);
    // effective price = 1 + (2.3 − 1)(1 − 0.05) = 2.235; ev = 0.5 × 2.235 − 1 = 0.1175
    expect(x.commission_rate).toBe(0.05);
    expect(x.effective_price).toBeCloseTo(2.235, 14);
    expect(h.ev).toBeCloseTo(0.1175, 14);
    expect(h.price).toBe(2.3);
    expect(x.ev_formula).toBe(`0.5 × ${x.effective_price} − 1 = ${h.ev}`);
    expect(x.kelly_formula).toContain(`= ${h.kelly}`);
    expect(x.soft_age_seconds).toBe(5);
    expect(x.guards.map((g) => g.name)).toEqual([
      'not_started',
      'complete_market',
      'min_sharp_books',
      'sharp_fresh',
      'soft_fresh',
      'commission',
      'odds_range',
      'min_ev',
    ]);
    expect(x.guards.find((g) => g.name === 'sharp_fresh')).toEqual({
      name: 'sharp_fresh',
      max_age_seconds: 60,
    });
    expect(JSON.parse(JSON.stringify(h)).explain.ev_formula).toBe(x.ev_formula);
  });

  it('matches spreads by (name, point): a different point is never compared', () => {
    const sharp = book('pin', {
      spreads: [
        { name: 'Home', price: 1.9, point: -3.5 },
        { name: 'Away', price: 1.9, point: 3.5 },
      ],
    });
    const soft = book('dk', {
      spreads: [
        { name: 'Home', price: 2.5, point: -4.5 }, // other line: no sharp line → ignored
        { name: 'Away', price: 2.2, point: 3.5 }, // same line → priced
      ],
    });
    const hits = findHits([event('e1', [sharp, soft])], base);
    expect(hits.map((h) => h.id)).toEqual(['e1|spreads|Away|3.5|dk']);
    expect(hits[0].point).toBe(3.5);
    expect(hits[0].explain.line).toEqual([
      { name: 'Home', point: -3.5 },
      { name: 'Away', point: 3.5 },
    ]);
  });

  it('totals: Over x / Under x form a line; alternate lines stay apart', () => {
    const sharp = book('pin', {
      totals: [
        { name: 'Over', price: 1.9, point: 220.5 },
        { name: 'Under', price: 1.9, point: 220.5 },
        { name: 'Over', price: 1.5, point: 215.5 },
        { name: 'Under', price: 2.6, point: 215.5 },
      ],
    });
    const soft = book('dk', {
      totals: [
        { name: 'Over', price: 2.1, point: 220.5 },
        { name: 'Under', price: 2.1, point: 215.5 }, // fair 1/2.6 / (1/1.5 + 1/2.6) = 0.3659 → ev −0.23
      ],
    });
    expect(ids([event('e1', [sharp, soft])])).toEqual(['e1|totals|Over|220.5|dk']);
  });

  it('skips a stale sharp book, a stale soft price, started events', () => {
    const ev = (sharpAge: number, softAge: number, over = {}) =>
      event(
        'e1',
        [book('pin', { h2h: h2h(1.9, 1.9) }, sharpAge), book('dk', { h2h: h2h(2.2, 1.7) }, softAge)],
        over,
      );
    expect(ids([ev(120, 5)], { sharpMaxAgeSeconds: 60 })).toEqual([]);
    expect(ids([ev(5, 120)], { softMaxAgeSeconds: 60 })).toEqual([]);
    expect(ids([ev(5, 5)], { sharpMaxAgeSeconds: 60, softMaxAgeSeconds: 60 })).toHaveLength(1);
    expect(ids([ev(5, 5, { commence_time: new Date(NOW).toISOString() })])).toEqual([]);
    expect(ids([ev(5, 5, { commence_time: new Date(NOW - 1).toISOString() })])).toEqual([]);
  });

  it('market.last_update wins over bookmaker.last_update', () => {
    const e = event('e1', [
      book('pin', { h2h: h2h(1.9, 1.9) }, 5, { h2h: 500 }),
      book('dk', { h2h: h2h(2.2, 1.7) }),
    ]);
    expect(ids([e], { sharpMaxAgeSeconds: 60 })).toEqual([]);
  });

  it('skips an incomplete sharp market (3-way market quoted with 2 outcomes)', () => {
    const e = event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(3.2, 3.6, 3.4) })]);
    expect(ids([e])).toEqual([]);
  });

  it('a line is the union over all books: order from the first book, incomplete via any book', () => {
    // A soft book before the sharp one fixes the outcome order (outcome_index, explain line).
    const away = h2h(1.9, 1.9).reverse();
    const e1 = event('e1', [
      book('dk', { h2h: away }),
      book('pin', { h2h: h2h(2.0, 2.0) }),
      book('fd', { h2h: h2h(2.2, 1.7) }),
    ]);
    const hits = findHits([e1], base);
    expect(hits.map((h) => `${h.book} ${h.outcome}`)).toEqual(['fd Home']);
    expect(hits[0].explain.line.map((o) => o.name)).toEqual(['Away', 'Home']);
    expect(hits[0].explain.outcome_index).toBe(1);
    // A book that is not priced (books filter) after the sharp one still adds a Draw: no fair line.
    const e2 = event('e2', [
      book('pin', { h2h: h2h(2.0, 2.0) }),
      book('fd', { h2h: h2h(2.2, 1.7) }),
      book('bb', { h2h: h2h(3, 3, 3) }),
    ]);
    expect(ids([e2], { books: ['fd'] })).toEqual([]);
    expect(ids([e1, e2], { books: ['fd'] })).toEqual([hitId('e1', 'h2h', 'Home', null, 'fd')]);
  });

  it('3-way soccer with Draw', () => {
    // pin 2.5/3.0/3.2 → r = .4/.3333/.3125, S = 1.04583; fair Draw = .3125/1.04583 = .29880
    // dk Draw 3.6 → ev = .29880 × 3.6 − 1 = 0.0757
    const e = event(
      'e1',
      [book('pin', { h2h: h2h(2.5, 3.0, 3.2) }), book('dk', { h2h: h2h(2.3, 2.9, 3.6) })],
      {
        sport_key: 'soccer_epl',
      },
    );
    const hits = findHits([e], base);
    expect(hits.map((h) => h.outcome)).toEqual(['Draw']);
    expect(hits[0].fair_probability).toBeCloseTo(0.3125 / (0.4 + 1 / 3 + 0.3125), 12);
    expect(hits[0].ev).toBeCloseTo((0.3125 / (0.4 + 1 / 3 + 0.3125)) * 3.6 - 1, 12);
  });

  it('ignores lay markets and never prices sharp books', () => {
    const e = event('e1', [
      book('pin', { h2h: h2h(1.9, 1.9) }),
      book('pin2', { h2h: h2h(2.5, 1.6) }),
      book('betfair', { h2h: h2h(1.7, 1.7), h2h_lay: h2h(3, 3) }), // lay prices would be +EV if priced
    ]);
    expect(ids([e], { sharpBooks: ['pin', 'pin2'] })).toEqual([]);
    // a lay market at the sharp book does not make a line either
    const e2 = event('e2', [book('pin', { h2h_lay: h2h(1.9, 1.9) }), book('dk', { h2h_lay: h2h(2.5, 2.5) })]);
    expect(ids([e2])).toEqual([]);
  });

  it('applies commission to exchanges', () => {
    const e = event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('exch', { h2h: h2h(2.03, 1.9) })]);
    // without commission ev = 0.015; with 5 %: 1 + 1.03 × 0.95 = 1.9785 → ev = −0.01075
    expect(ids([e])).toEqual(['e1|h2h|Home||exch']);
    expect(ids([e], { commission: { exch: 0.05 } })).toEqual([]);
  });

  it('flags suspect hits', () => {
    const e = event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 3.0) })]);
    const hits = findHits([e], { ...base, suspectEv: 0.2 });
    expect(hits.map((h) => [h.outcome, h.suspect])).toEqual([
      ['Home', false], // ev 0.10
      ['Away', true], // ev 0.50
    ]);
  });

  it('filters by books, markets and odds range', () => {
    const e = event('e1', [
      book('pin', {
        h2h: h2h(1.9, 1.9),
        totals: [
          { name: 'Over', price: 1.9, point: 200 },
          { name: 'Under', price: 1.9, point: 200 },
        ],
      }),
      book('dk', {
        h2h: h2h(2.2, 1.7),
        totals: [
          { name: 'Over', price: 2.2, point: 200 },
          { name: 'Under', price: 1.7, point: 200 },
        ],
      }),
      book('fd', { h2h: h2h(2.1, 2.4) }),
    ]);
    expect(ids([e])).toEqual([
      'e1|h2h|Home||dk',
      'e1|totals|Over|200|dk',
      'e1|h2h|Home||fd',
      'e1|h2h|Away||fd',
    ]);
    expect(ids([e], { books: ['fd'] })).toEqual(['e1|h2h|Home||fd', 'e1|h2h|Away||fd']);
    expect(ids([e], { markets: ['totals'] })).toEqual(['e1|totals|Over|200|dk']);
    expect(ids([e], { minOdds: 2.15 })).toEqual([
      'e1|h2h|Home||dk',
      'e1|totals|Over|200|dk',
      'e1|h2h|Away||fd',
    ]);
    expect(ids([e], { maxOdds: 2.15 })).toEqual(['e1|h2h|Home||fd']);
    expect(ids([e], { minEv: 0.15 })).toEqual(['e1|h2h|Away||fd']); // 0.5 × 2.4 − 1 = 0.2
  });

  it('pools several sharp books and honours minSharpBooks', () => {
    const e = event('e1', [
      book('pin', { h2h: h2h(1.8, 2.1) }),
      book('circa', { h2h: h2h(1.9, 1.95) }),
      book('dk', { h2h: h2h(2.3, 2.3) }),
    ]);
    const o = { sharpBooks: ['pin', 'circa'], minSharpBooks: 2 };
    const hits = findHits([e], { ...base, ...o });
    expect(hits).toHaveLength(2);
    const x = hits[0].explain;
    expect(x.pooling).toBe('logit_mean');
    expect(x.sharp_quotes.map((q) => q.book)).toEqual(['pin', 'circa']);
    // market width = |pin's fair Home − circa's fair Home| = 7/13 − (1/1.9)/(1/1.9 + 1/1.95)
    const circaHome = 1 / 1.9 / (1 / 1.9 + 1 / 1.95);
    expect(x.market_width).toBeCloseTo(7 / 13 - circaHome, 14);
    expect(hits[0].fair_probability).toBeGreaterThan(circaHome);
    expect(hits[0].fair_probability).toBeLessThan(7 / 13);
    // only one fresh sharp book: not enough
    const stale = event('e1', [
      book('pin', { h2h: h2h(1.8, 2.1) }),
      book('circa', { h2h: h2h(1.9, 1.95) }, 600),
      book('dk', { h2h: h2h(2.3, 2.3) }),
    ]);
    expect(ids([stale], { ...o, sharpMaxAgeSeconds: 60 })).toEqual([]);
    expect(ids([stale], { ...o, minSharpBooks: 1, sharpMaxAgeSeconds: 60 })).toHaveLength(2);
    expect(ids([e], { sharpBooks: ['pin'], minSharpBooks: 2 })).toEqual([]);
  });

  it('any devig method works end to end (worst_case included)', () => {
    const e = event('e1', [book('pin', { h2h: h2h(1.5, 4.2, 4.6) }), book('dk', { h2h: h2h(1.45, 5, 5.2) })]);
    for (const method of ['power', 'shin', 'odds_ratio', 'probit', 'worst_case', 'additive'] as const) {
      const hits = findHits([e], { ...base, method, minEv: -1 });
      expect(hits).toHaveLength(3);
      expect(hits[0].explain.sharp_quotes[0].params).toBeDefined();
    }
    expect(findHits([e], { ...base, method: 'worst_case', minEv: -1 })[0].explain.methods).toEqual([
      'multiplicative',
      'additive',
      'power',
      'shin',
    ]);
  });

  it('ignores repeated outcomes and invalid prices', () => {
    const e = event('e1', [
      book('pin', { h2h: h2h(1.9, 1.9) }),
      book('dk', { h2h: [...h2h(2.2, 1.7), { name: 'Home', price: 3 }] }),
      book('fd', { h2h: h2h(Number.NaN, 0.5) }),
    ]);
    const hits = findHits([e], base);
    expect(hits.map((h) => [h.id, h.price])).toEqual([['e1|h2h|Home||dk', 2.2]]);
    const badSharp = event('e2', [book('pin', { h2h: h2h(1.9, 1) }), book('dk', { h2h: h2h(2.2, 1.7) })]);
    expect(ids([badSharp])).toEqual([]);
  });

  it('reads malformed books no further than the rules do (the prefetch never throws first)', () => {
    const broken = (key: string) => ({ ...book(key, {}), markets: [null, { key: 'h2h', outcomes: [null] }] });
    const good = event('ok', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })]);
    // No sharp book: the rules stop at the books' keys.
    const noSharp = event('e1', [book('dk', { h2h: h2h(2.2, 1.7) }), broken('fd')] as never);
    // The sharp line is incomplete (no fair line): the books after it are never read.
    const noFair = event('e2', [book('pin', { h2h: [{ name: 'Home', price: 1.9 }] }), broken('fd')] as never);
    // Already started: nothing of it is read.
    const started = event('e3', [broken('pin')] as never, { commence_time: new Date(NOW - 1).toISOString() });
    expect(ids([noSharp, noFair, started, good])).toEqual(['ok|h2h|Home||dk']);
  });

  it('judges each event on its own start time when a call repeats commence_time strings', () => {
    const at = (id: string, ms: number) =>
      event(id, [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })], {
        commence_time: new Date(ms).toISOString(), // a new string each time, equal text
      });
    const calls = [
      at('a', NOW + 60_000),
      at('b', NOW - 60_000),
      at('c', NOW + 60_000),
      at('d', NOW - 60_000),
    ];
    expect(ids(calls)).toEqual(['a|h2h|Home||dk', 'c|h2h|Home||dk']);
    expect(ids(calls, { now: NOW - 120_000 })).toHaveLength(4);
  });

  it('keeps every explain right whatever size the previous call was (its columns grow or start large)', () => {
    // Event i: a sharp line and 2 + (i % 5) soft books, each +EV on Home (and some on Away).
    const many = Array.from({ length: 300 }, (_, i) =>
      event(`e${i}`, [
        book('pin', { h2h: h2h(1.9 + (i % 7) / 100, 1.9) }, 5 + (i % 11)),
        ...Array.from({ length: 2 + (i % 5) }, (_, b) =>
          book(`soft${b}`, { h2h: h2h(2.1 + b / 50, b % 2 ? 2.05 : 1.7) }, 1 + b),
        ),
      ]),
    );
    const alone = (e: OddsEvent) => JSON.stringify(findHits([e], base));
    const expected = many.map(alone).join('|');
    // A call with no hits (so the next one starts from tiny columns), then the large one.
    expect(findHits([event('none', [book('pin', { h2h: h2h(1.9, 1.9) })])], base)).toEqual([]);
    const grown = findHits(many, base);
    expect(grown.length).toBeGreaterThan(900);
    // Another large call (columns sized from the first), then a small one (sized for 1 event).
    const sized = findHits(many, base);
    const byEvent = (hits: typeof grown) =>
      many.map((e) => JSON.stringify(hits.filter((h) => h.event_id === e.id))).join('|');
    expect(byEvent(grown)).toBe(expected);
    expect(byEvent(sized)).toBe(expected);
    expect(many.map(alone).join('|')).toBe(expected);
  });

  it('validates options', () => {
    expect(() => findHits([], { ...base, method: 'nope' as never })).toThrow(/unknown devig method/);
    expect(() => findHits([], { ...base, minSharpBooks: 0 })).toThrow(RangeError);
    expect(() => findHits([], { ...base, commission: { x: 1 } })).toThrow(RangeError);
    expect(() => findHits([], { ...base, now: Number.NaN })).toThrow(RangeError);
  });
});
