import { describe, expect, it } from 'vitest';
import { consensus, poolLogit } from './consensus.js';
import { devig } from './devig.js';
import { DevigError, OddsError } from './errors.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const logit = (p: number) => Math.log(p / (1 - p));

describe('consensus', () => {
  it('one book: its devigged probabilities unchanged', () => {
    const r = consensus([{ book: 'pin', decimalOdds: [1.8, 2.1] }], { method: 'multiplicative', now: NOW })!;
    expect(r.probabilities).toEqual(devig([1.8, 2.1], 'multiplicative').probabilities);
    expect(r.books.map((b) => b.book)).toEqual(['pin']);
    expect(r.books[0].ageSeconds).toBeNull();
  });

  it('pools several books as a weighted log-odds mean, renormalized', () => {
    const a = devig([1.8, 2.1], 'multiplicative').probabilities;
    const b = devig([1.9, 1.95], 'multiplicative').probabilities;
    const r = consensus(
      [
        { book: 'a', decimalOdds: [1.8, 2.1], weight: 2 },
        { book: 'b', decimalOdds: [1.9, 1.95] },
      ],
      { method: 'multiplicative', now: NOW },
    )!;
    // σ((2·logit(a_i) + 1·logit(b_i)) / 3), then divided by the sum
    const raw = [0, 1].map((i) => 1 / (1 + Math.exp(-(2 * logit(a[i]) + logit(b[i])) / 3)));
    const s = raw[0] + raw[1];
    expect(r.probabilities[0]).toBeCloseTo(raw[0] / s, 15);
    expect(r.probabilities[0] + r.probabilities[1]).toBeCloseTo(1, 15);
    expect(r.probabilities[0]).toBeGreaterThan(Math.min(a[0], b[0]));
    expect(r.probabilities[0]).toBeLessThan(Math.max(a[0], b[0]));
    expect(poolLogit([a, b], [2, 1], 2)).toEqual(r.probabilities);
  });

  it('drops stale quotes and unknown ages when maxAgeSeconds is set; null below minBooks', () => {
    const quotes = [
      { book: 'fresh', decimalOdds: [1.8, 2.1], lastUpdate: ago(10) },
      { book: 'stale', decimalOdds: [1.9, 1.9], lastUpdate: NOW - 120_000 },
      { book: 'unknown', decimalOdds: [1.9, 1.9] },
    ];
    const r = consensus(quotes, { method: 'multiplicative', maxAgeSeconds: 60, now: new Date(NOW) })!;
    expect(r.books.map((b) => b.book)).toEqual(['fresh']);
    expect(r.books[0].ageSeconds).toBe(10);
    expect(r.dropped).toEqual([
      { book: 'stale', reason: 'stale' },
      { book: 'unknown', reason: 'stale' },
    ]);
    expect(
      consensus(quotes, { method: 'multiplicative', maxAgeSeconds: 60, minBooks: 2, now: NOW }),
    ).toBeNull();
    expect(consensus([], { method: 'multiplicative', now: NOW })).toBeNull();
  });

  it('a book the method cannot devig is dropped, invalid odds throw', () => {
    const r = consensus(
      [
        { book: 'longshot', decimalOdds: [1.05, 10, 200] },
        { book: 'ok', decimalOdds: [1.5, 4, 8] },
      ],
      { method: 'additive', now: NOW },
    )!;
    expect(r.books.map((b) => b.book)).toEqual(['ok']);
    expect(r.dropped).toEqual([{ book: 'longshot', reason: 'devig_failed' }]);
    expect(() => consensus([{ book: 'x', decimalOdds: [1, 2] }], { method: 'power', now: NOW })).toThrow(
      OddsError,
    );
  });

  it('validates its input', () => {
    expect(() =>
      consensus(
        [
          { book: 'a', decimalOdds: [2, 2] },
          { book: 'b', decimalOdds: [3, 3, 3] },
        ],
        { method: 'shin', now: NOW },
      ),
    ).toThrow(DevigError);
    expect(() =>
      consensus([{ book: 'a', decimalOdds: [2, 2], weight: 0 }], { method: 'shin', now: NOW }),
    ).toThrow(RangeError);
    expect(() => consensus([], { method: 'shin', minBooks: 0, now: NOW })).toThrow(RangeError);
    expect(() => consensus([], { method: 'shin', now: Number.NaN })).toThrow(RangeError);
  });
});
