import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFresh, parseIso, toMillis } from './time.js';

describe('time', () => {
  it('parseIso agrees with Date.parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800000, max: 253402300799000 }), (t) => {
        const s = new Date(t).toISOString();
        expect(parseIso(s)).toBe(Date.parse(s));
      }),
    );
    for (const s of [
      '2023-02-29T00:00:00Z',
      '2025-01-01T12:00:00.123456Z',
      '2025-01-01T12:00:00+01:00',
      'x',
      '2025-1-01T00:00:00Z',
    ]) {
      expect(parseIso(s)).toEqual(Date.parse(s));
    }
  });

  it('toMillis accepts strings, numbers and Dates', () => {
    expect(toMillis(5)).toBe(5);
    expect(toMillis(new Date(7))).toBe(7);
    expect(toMillis(undefined)).toBeNaN();
  });

  it('unknown age is stale only when a limit is set', () => {
    expect(isFresh(Number.NaN, undefined)).toBe(true);
    expect(isFresh(Number.NaN, 60)).toBe(false);
    expect(isFresh(60, 60)).toBe(true);
    expect(isFresh(60.001, 60)).toBe(false);
  });
});
