import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { toPlainHit } from './explain.js';
import { book, event, h2h, NOW } from './fixtures.test-helpers.js';
import { findHits } from './hits.js';
import type { Bookmaker, DevigMethod, FindHitsOptions, Hit, OddsEvent, Outcome } from './types.js';

// ---- generators ---------------------------------------------------------------------------

const BOOKS = ['pin', 'circa', 'dk', 'fd', 'mgm', 'exch'];
const priceArb = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.double({ min: 1.05, max: 8, noNaN: true }).map((x) => Math.round(x * 100) / 100),
  },
  { weight: 1, arbitrary: fc.constantFrom(1, Number.NaN, 0.5) },
);
const ageArb = fc.integer({ min: 0, max: 200 });

function outcomesArb(market: string): fc.Arbitrary<Outcome[]> {
  if (market === 'h2h') {
    return fc
      .tuple(priceArb, priceArb, priceArb, fc.integer({ min: 0, max: 5 }))
      .map(([a, b, c, k]) => (k === 0 ? h2h(a, b) : k === 1 ? [{ name: 'Home', price: a }] : h2h(a, b, c)));
  }
  if (market === 'spreads') {
    return fc
      .tuple(priceArb, priceArb, fc.constantFrom(-3.5, -4.5, 0, 2.5), fc.boolean())
      .map(([a, b, x, mismatch]) => [
        { name: 'Home', price: a, point: x },
        { name: 'Away', price: b, point: mismatch ? 0 - x + 1 : 0 - x },
      ]);
  }
  return fc.tuple(priceArb, priceArb, fc.constantFrom(210.5, 215.5)).map(([a, b, x]) => [
    { name: 'Over', price: a, point: x },
    { name: 'Under', price: b, point: x },
  ]);
}

const bookArb = (key: string): fc.Arbitrary<Bookmaker> =>
  fc
    .record({
      h2h: fc.option(outcomesArb('h2h'), { nil: undefined }),
      spreads: fc.option(outcomesArb('spreads'), { nil: undefined }),
      totals: fc.option(outcomesArb('totals'), { nil: undefined }),
      h2h_lay: fc.option(outcomesArb('h2h'), { nil: undefined }),
      age: ageArb,
      marketAge: fc.option(ageArb, { nil: undefined }),
    })
    .map((r) => {
      const markets: Record<string, Outcome[]> = {};
      for (const k of ['h2h', 'spreads', 'totals', 'h2h_lay'] as const) if (r[k]) markets[k] = r[k];
      return book(key, markets, r.age, r.marketAge !== undefined ? { h2h: r.marketAge } : {});
    });

const eventArb = (id: string): fc.Arbitrary<OddsEvent> =>
  fc
    .tuple(
      fc.subarray(BOOKS, { minLength: 1 }),
      fc.integer({ min: -2, max: 48 }),
      fc.constantFrom('Home', 'Away'),
    )
    .chain(([keys, hours]) =>
      fc
        .tuple(...keys.map(bookArb))
        .map((bms) => event(id, bms, { commence_time: new Date(NOW + hours * 3600_000).toISOString() })),
    );

const eventsArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => eventArb(`e${i}`))));

const optionsArb: fc.Arbitrary<Omit<FindHitsOptions, 'now'>> = fc.record(
  {
    sharpBooks: fc.constantFrom(['pin'], ['pin', 'circa'], ['circa']),
    minSharpBooks: fc.constantFrom(1, 1, 2),
    sharpMaxAgeSeconds: fc.option(fc.constantFrom(30, 120), { nil: undefined }),
    softMaxAgeSeconds: fc.option(fc.constantFrom(30, 120), { nil: undefined }),
    method: fc.constantFrom<DevigMethod>(
      'multiplicative',
      'multiplicative',
      'power',
      'shin',
      'additive',
      'worst_case',
      'probit',
    ),
    minEv: fc.constantFrom(-0.2, 0, 0.02),
    suspectEv: fc.option(fc.constant(0.1), { nil: undefined }),
    minOdds: fc.option(fc.constant(1.5), { nil: undefined }),
    maxOdds: fc.option(fc.constant(5), { nil: undefined }),
    books: fc.option(fc.constantFrom(['dk', 'exch'], ['fd']), { nil: undefined }),
    markets: fc.option(fc.constantFrom(['h2h'], ['spreads', 'totals']), { nil: undefined }),
    commission: fc.option(fc.constant({ exch: 0.03 }), { nil: undefined }),
  },
  { requiredKeys: ['sharpBooks', 'method', 'minEv'] },
);

/** Deep, explain included (`explain` is a prototype getter: materialized on both sides). */
function expectSameHits(a: Hit[], b: Hit[]) {
  expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
  expect(a.map(toPlainHit)).toEqual(b.map(toPlainHit));
}

// ---- tests --------------------------------------------------------------------------------

describe('engine', () => {
  it('priceAll equals findHits on generated snapshots (explain included)', () => {
    fc.assert(
      fc.property(eventsArb, optionsArb, fc.integer({ min: -60, max: 60 }), (events, options, dt) => {
        const now = NOW + dt * 1000;
        const engine = createEngine(options);
        engine.replaceAll(events);
        expectSameHits(engine.priceAll(now), findHits(events, { ...options, now }));
        // and again (scratch reuse), and per event
        expectSameHits(engine.priceAll(now), findHits(events, { ...options, now }));
        for (const ev of events)
          expectSameHits(engine.priceEvent(ev.id, now), findHits([ev], { ...options, now }));
      }),
      { numRuns: 300 },
    );
  });

  it('stays equal to findHits(events()) through upserts, book updates, removals and option changes', () => {
    const opArb = fc.oneof(
      eventsArb.map((evs) => ({ kind: 'upsert' as const, evs })),
      fc
        .tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom(...BOOKS))
        .chain(([i, key]) => bookArb(key).map((bm) => ({ kind: 'book' as const, id: `e${i}`, bm }))),
      fc.integer({ min: 0, max: 5 }).map((i) => ({ kind: 'remove' as const, id: `e${i}` })),
      optionsArb.map((o) => ({ kind: 'options' as const, o })),
    );
    fc.assert(
      fc.property(eventsArb, optionsArb, fc.array(opArb, { maxLength: 12 }), (events, options, ops) => {
        const engine = createEngine(options);
        let opts = options;
        engine.upsert(events);
        for (const op of ops) {
          if (op.kind === 'upsert') engine.upsert(op.evs);
          else if (op.kind === 'book') engine.updateBook(op.id, op.bm);
          else if (op.kind === 'remove') engine.remove([op.id]);
          else {
            opts = op.o;
            engine.setOptions(op.o);
          }
          expectSameHits(engine.priceAll(NOW), findHits(engine.events(), { ...opts, now: NOW }));
        }
        expect(engine.size()).toBe(engine.events().length);
      }),
      { numRuns: 150 },
    );
  });

  it('stays equal to findHits when books re-quote the same outcomes (updateBook or upsert)', () => {
    // The common update: a book moves its prices and nothing else — including to an invalid or
    // out-of-range price, and with a new update time on the book or one market.
    const moveArb = fc.record({
      e: fc.nat(),
      b: fc.nat(),
      // Mostly a nudge of the price the book had; sometimes any price (invalid ones included).
      prices: fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(0.96, 0.98, 0.99, 1.01, 1.02, 1.05).map((f) => ({ f })) },
          { weight: 1, arbitrary: priceArb.map((p) => ({ p })) },
        ),
        { minLength: 8, maxLength: 8 },
      ),
      age: ageArb,
      marketAge: fc.option(ageArb, { nil: undefined }),
      viaUpsert: fc.boolean(),
    });
    fc.assert(
      fc.property(
        eventsArb,
        optionsArb,
        fc.array(moveArb, { minLength: 1, maxLength: 10 }),
        (events, options, moves) => {
          const engine = createEngine(options);
          engine.replaceAll(events);
          engine.priceAll(NOW);
          for (const mv of moves) {
            const ev = engine.events()[mv.e % engine.size()];
            const old = ev.bookmakers[mv.b % ev.bookmakers.length];
            let n = 0;
            const moved: Bookmaker = {
              ...old,
              last_update: new Date(NOW - mv.age * 1000).toISOString(),
              markets: old.markets.map((m, i) => ({
                ...m,
                ...(i === 0 && mv.marketAge !== undefined
                  ? { last_update: new Date(NOW - mv.marketAge * 1000).toISOString() }
                  : {}),
                outcomes: m.outcomes.map((o) => {
                  const x = mv.prices[n++ % mv.prices.length];
                  return { ...o, price: 'p' in x ? x.p : Math.round(o.price * x.f * 100) / 100 };
                }),
              })),
            };
            const earlier = engine.priceEvent(ev.id, NOW); // explain not read yet (lazy)
            const expected = JSON.stringify(findHits([ev], { ...options, now: NOW }));
            engine.updateBook(ev.id, moved);
            const now = engine.event(ev.id)!;
            expectSameHits(engine.priceEvent(ev.id, NOW), findHits([now], { ...options, now: NOW }));
            expectSameHits(engine.priceAll(NOW), findHits(engine.events(), { ...options, now: NOW }));
            // The hits made before the move did not change (their explain is first read now).
            expect(JSON.stringify(earlier)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('re-prices an exchange net of commission, and a book listed twice, after a price move', () => {
    const opts = {
      sharpBooks: ['pin'],
      method: 'multiplicative' as const,
      minEv: 0,
      commission: { exch: 0.05 },
    };
    const engine = createEngine(opts);
    engine.replaceAll([
      event('e1', [
        book('pin', { h2h: h2h(1.9, 1.9) }),
        book('exch', { h2h: h2h(2.1, 1.8) }),
        book('dk', { h2h: h2h(1.8, 1.8) }),
        book('dk', { h2h: h2h(2.3, 1.7) }),
      ]),
    ]);
    engine.priceAll(NOW);
    const check = () => {
      expectSameHits(engine.priceEvent('e1', NOW), findHits(engine.events(), { ...opts, now: NOW }));
      expectSameHits(engine.priceAll(NOW), findHits(engine.events(), { ...opts, now: NOW }));
    };
    engine.updateBook('e1', book('exch', { h2h: h2h(2.2, 1.8) }, 3));
    check();
    expect(engine.priceEvent('e1', NOW).find((h) => h.book === 'exch')?.ev).toBeCloseTo(
      0.5 * (1 + 1.2 * 0.95) - 1,
      12,
    );
    // The first dk is replaced; the second keeps its (+EV) prices.
    engine.updateBook('e1', book('dk', { h2h: h2h(1.85, 1.75) }, 2));
    check();
    expect(
      engine
        .priceEvent('e1', NOW)
        .filter((h) => h.book === 'dk')
        .map((h) => h.price),
    ).toEqual([2.3]);
  });

  it('repacks its arena after many shape-changing updates without changing results', () => {
    const evs = Array.from({ length: 20 }, (_, i) =>
      event(`e${i}`, [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })]),
    );
    const opts = { sharpBooks: ['pin'], method: 'multiplicative' as const, minEv: 0 };
    const engine = createEngine(opts);
    engine.replaceAll(evs);
    engine.priceAll(NOW);
    for (let round = 0; round < 30; round++) {
      const id = `e${round % 20}`;
      const markets: Record<string, Outcome[]> =
        round % 2 ? { h2h: h2h(2.1 + round / 100, 1.8) } : { h2h: h2h(2.3, 1.7), totals: [] };
      engine.updateBook(id, book(round % 3 ? 'dk' : 'fd', markets));
      expectSameHits(engine.priceAll(NOW), findHits(engine.events(), { ...opts, now: NOW }));
    }
  });

  it('upsert merges book by book and reports changed events', () => {
    const engine = createEngine({ sharpBooks: ['pin'], method: 'multiplicative', minEv: 0.01 });
    const e1 = event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(1.8, 1.8) })]);
    expect(engine.upsert([e1])).toEqual(['e1']);
    expect(engine.upsert([e1])).toEqual([]); // identical → nothing changed
    expect(engine.priceAll(NOW)).toEqual([]);
    // only dk in the payload: dk replaced, pin kept
    expect(engine.upsert([event('e1', [book('dk', { h2h: h2h(2.2, 1.7) })])])).toEqual(['e1']);
    expect(engine.event('e1')!.bookmakers.map((b) => b.key)).toEqual(['pin', 'dk']);
    expect(engine.priceAll(NOW).map((h) => h.id)).toEqual(['e1|h2h|Home||dk']);
    // a new book is appended, a new event added
    expect(engine.upsert([event('e1', [book('fd', { h2h: h2h(2.3, 1.6) })]), event('e2', [])])).toEqual([
      'e1',
      'e2',
    ]);
    expect(engine.size()).toBe(2);
    expect(engine.priceEvent('e1', NOW).map((h) => h.book)).toEqual(['dk', 'fd']);
    expect(engine.priceEvent('nope', NOW)).toEqual([]);
    engine.remove(['e1']);
    expect(engine.size()).toBe(1);
    expect(engine.priceAll(NOW)).toEqual([]);
  });

  it('updateBook moves one book; earlier hits and events() snapshots do not change', () => {
    const engine = createEngine({ sharpBooks: ['pin'], method: 'multiplicative', minEv: 0.01 });
    engine.replaceAll([
      event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })]),
    ]);
    const before = engine.priceAll(NOW);
    const snapshot = engine.events();
    engine.updateBook('e1', book('dk', { h2h: h2h(1.7, 2.4) }));
    engine.updateBook('missing', book('dk', {})); // ignored
    const after = engine.priceEvent('e1', NOW);
    expect(after.map((h) => h.outcome)).toEqual(['Away']);
    expect(before[0].outcome).toBe('Home');
    expect(before[0].explain.price).toBe(2.2); // built after the update, from the old block
    expect(snapshot[0].bookmakers[1].markets[0].outcomes[0].price).toBe(2.2);
    expect(engine.events()[0].bookmakers[1].markets[0].outcomes[0].price).toBe(1.7);
  });

  it('the input is copied: mutating it later changes nothing', () => {
    const e1 = event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })]);
    const engine = createEngine({ sharpBooks: ['pin'], method: 'multiplicative', minEv: 0.01 });
    engine.replaceAll([e1]);
    e1.bookmakers[1].markets[0].outcomes[0].price = 1.01;
    expect(engine.priceAll(NOW)).toHaveLength(1);
  });

  it('hits serialize with their explain; explain is a lazy prototype getter', () => {
    const engine = createEngine({ sharpBooks: ['pin'], method: 'shin', minEv: 0.01 });
    engine.replaceAll([
      event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })]),
    ]);
    const [hit] = engine.priceAll(NOW);
    const json = JSON.parse(JSON.stringify(hit));
    expect(json.explain.method).toBe('shin');
    expect(json.explain.sharp_quotes[0].params.z).toBeCloseTo(1 / 19, 10);
    expect(json.explain).toEqual(hit.explain);
    expect(hit.explain).toBe(hit.explain); // built once
    // Not an own property: spread does not copy it (documented); toPlainHit / JSON do.
    expect(Object.keys(hit)).not.toContain('explain');
    expect('explain' in { ...hit }).toBe(false);
    expect(toPlainHit(hit)).toEqual({ ...hit, explain: hit.explain });
    expect(Object.keys(toPlainHit(hit))).toEqual([...Object.keys(hit), 'explain']);
  });

  it('setOptions re-prices on the next call', () => {
    const engine = createEngine({ sharpBooks: ['pin'], method: 'multiplicative', minEv: 0.01 });
    engine.replaceAll([
      event('e1', [book('pin', { h2h: h2h(1.9, 1.9) }), book('dk', { h2h: h2h(2.2, 1.7) })]),
    ]);
    expect(engine.priceAll(NOW)).toHaveLength(1);
    engine.setOptions({ sharpBooks: ['pin'], method: 'multiplicative', minEv: 0.2 });
    expect(engine.priceAll(NOW)).toHaveLength(0);
    engine.setOptions({ sharpBooks: ['dk'], method: 'multiplicative', minEv: 0.01 });
    expect(engine.priceAll(NOW).map((h) => h.book)).toEqual(['pin']);
    expect(() => engine.setOptions({ sharpBooks: ['pin'], method: 'bad' as never, minEv: 0 })).toThrow();
  });
});
