import { describe, expect, it } from 'vitest';
import { arbitrage, dutch, findArbitrage } from './arbitrage.js';
import { OddsError } from './errors.js';
import { book, event, h2h, NOW } from './fixtures.test-helpers.js';

describe('dutch', () => {
  it('equalizes the return', () => {
    // 1/2.1 + 1/2.1 = 0.952381 → return 100/0.952381 = 105, stakes 50/50, profit 5
    const { stakes, profit } = dutch([2.1, 2.1], 100);
    expect(stakes[0]).toBeCloseTo(50, 12);
    expect(profit).toBeCloseTo(5, 12);
    const d = dutch([2.5, 3.4, 3.6], 200);
    const returns = d.stakes.map((s, i) => s * [2.5, 3.4, 3.6][i]);
    expect(returns[0]).toBeCloseTo(returns[1], 10);
    expect(returns[1]).toBeCloseTo(returns[2], 10);
    expect(d.stakes.reduce((a, b) => a + b)).toBeCloseTo(200, 10);
  });
  it('validates', () => {
    expect(() => dutch([2, 1], 10)).toThrow(OddsError);
    expect(() => dutch([2, 2], 0)).toThrow(RangeError);
  });
  it('needs two or more selections (a single price is a bet, not a dutch)', () => {
    expect(() => dutch([1.5], 100)).toThrow(/two or more selections/);
    expect(() => dutch([], 100)).toThrow(/two or more selections/);
  });
});

describe('findArbitrage', () => {
  it('finds the best price per outcome across books', () => {
    const e = event('e1', [
      book('a', { h2h: h2h(2.15, 1.8) }),
      book('b', { h2h: h2h(1.8, 2.05) }),
      book('c', { h2h: h2h(2.0, 1.9), h2h_lay: h2h(5, 5) }),
    ]);
    const [arb, ...rest] = findArbitrage([e], { totalStake: 100, now: NOW });
    expect(rest).toEqual([]);
    // 1/2.15 + 1/2.05 = 0.465116 + 0.487805 = 0.952921 → margin 0.047079
    expect(arb.margin).toBeCloseTo(1 - (1 / 2.15 + 1 / 2.05), 14);
    expect(arb.legs.map((l) => [l.outcome, l.book, l.price])).toEqual([
      ['Home', 'a', 2.15],
      ['Away', 'b', 2.05],
    ]);
    expect(arb.profit).toBeCloseTo(100 / (1 / 2.15 + 1 / 2.05) - 100, 12);
    expect(arb.point).toBeNull();
    expect(findArbitrage([e], { totalStake: 100, minMargin: 0.05, now: NOW })).toEqual([]);
    // a and c: 1/2.15 + 1/1.9 = 0.9914 → a thinner arb; a alone: 1/2.15 + 1/1.8 > 1
    expect(findArbitrage([e], { totalStake: 100, books: ['a', 'c'], now: NOW })[0].margin).toBeCloseTo(
      1 - (1 / 2.15 + 1 / 1.9),
      14,
    );
    expect(findArbitrage([e], { totalStake: 100, books: ['a'], now: NOW })).toEqual([]);
  });

  it('only combines outcomes of the same line, needs every outcome, skips started/stale', () => {
    const e = event('e1', [
      book('a', {
        spreads: [
          { name: 'Home', price: 2.2, point: -3.5 },
          { name: 'Away', price: 1.7, point: 3.5 },
        ],
      }),
      book('b', {
        spreads: [
          { name: 'Home', price: 1.7, point: -4.5 },
          { name: 'Away', price: 2.2, point: 4.5 },
        ],
      }),
      book(
        'c',
        {
          spreads: [
            { name: 'Home', price: 1.7, point: -3.5 },
            { name: 'Away', price: 2.1, point: 3.5 },
          ],
        },
        500,
      ),
    ]);
    // line −3.5: best Home 2.2 (a), Away 2.1 (c) → arb, unless c is stale
    expect(findArbitrage([e], { totalStake: 10, now: NOW }).map((a) => [a.market, a.point])).toEqual([
      ['spreads', -3.5],
    ]);
    expect(findArbitrage([e], { totalStake: 10, maxAgeSeconds: 60, now: NOW })).toEqual([]);
    // 3-way: 1/3 + 1/3 + 1/3.5 = 0.952 → arb; without b nobody prices the Draw → not covered
    const soccer = event('e2', [book('a', { h2h: h2h(3, 3) }), book('b', { h2h: h2h(3, 3, 3.5) })]);
    expect(findArbitrage([soccer], { totalStake: 10, now: NOW })[0].legs.map((l) => l.outcome)).toEqual([
      'Home',
      'Away',
      'Draw',
    ]);
    expect(findArbitrage([soccer], { totalStake: 10, books: ['a'], now: NOW })).toEqual([]);
    const started = event('e3', [book('a', { h2h: h2h(2.2, 2.2) })], {
      commence_time: new Date(NOW).toISOString(),
    });
    expect(findArbitrage([started], { totalStake: 10, now: NOW })).toEqual([]);
  });
});

describe('arbitrage net of exchange commission', () => {
  it('checks one set of best prices, with a commission rate per price', () => {
    const plain = arbitrage([2.1, 1.95], 100);
    expect(plain.is_arbitrage).toBe(true);
    expect(plain.margin).toBeCloseTo(1 - (1 / 2.1 + 1 / 1.95), 14);
    // 5 % on the 2.1 leg's winnings: net 1 + 1.1·0.95 = 2.045 → 1/2.045 + 1/1.95 > 1
    const net = arbitrage([2.1, 1.95], 100, [0.05, 0]);
    expect(net.is_arbitrage).toBe(false);
    expect(net.margin).toBeCloseTo(1 - (1 / 2.045 + 1 / 1.95), 14);
    expect(net.profit).toBeLessThan(0);
    expect(net.stakes.reduce((a, b) => a + b)).toBeCloseTo(100, 10);
    expect(() => arbitrage([2.1], 100)).toThrow(/two or more/);
    expect(() => arbitrage([2.1, 2.1], 100, [0.05])).toThrow(/one rate per price/);
    expect(() => arbitrage([2.1, 2.1], 100, [1, 0])).toThrow(/commission 0/);
    expect(() => arbitrage([2.1, 2.1], 100, [-0.1, 0])).toThrow(RangeError);
  });

  it('findArbitrage compares and stakes prices net of a book’s commission (no false Betfair arbs)', () => {
    const e = event('e1', [
      book('betfair_ex_uk', { h2h: h2h(2.1, 1.8) }),
      book('b', { h2h: h2h(1.8, 1.95) }),
    ]);
    expect(findArbitrage([e], { totalStake: 100, now: NOW })).toHaveLength(1);
    expect(findArbitrage([e], { totalStake: 100, commission: { betfair_ex_uk: 0.05 }, now: NOW })).toEqual(
      [],
    );
    // A 1 % rate still leaves an arb, priced net of it.
    const [arb] = findArbitrage([e], { totalStake: 100, commission: { betfair_ex_uk: 0.01 }, now: NOW });
    expect(arb.legs[0]).toMatchObject({ book: 'betfair_ex_uk', price: 2.1, net_price: 1 + 1.1 * 0.99 });
    expect(arb.margin).toBeCloseTo(1 - (1 / (1 + 1.1 * 0.99) + 1 / 1.95), 14);
    const returns = arb.legs.map((l) => l.stake * l.net_price);
    expect(returns[0]).toBeCloseTo(returns[1], 10);
    expect(() => findArbitrage([e], { totalStake: 100, commission: { b: 1 }, now: NOW })).toThrow(RangeError);
  });
});
