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

  it('parseIso agrees with Date.parse on the provider form, fractions and damaged strings', () => {
    const instant = fc.integer({ min: -62135596800000, max: 253402300799000 });
    fc.assert(
      fc.property(instant, (t) => {
        const iso = new Date(t).toISOString();
        const s = `${iso.slice(0, 19)}Z`; // "YYYY-MM-DDTHH:MM:SSZ", as The Odds API sends
        expect(parseIso(s)).toBe(Date.parse(s));
      }),
    );
    // One character replaced (digit, separator or letter): invalid dates, other forms.
    const chars = '0123456789-:TZ.+ x';
    fc.assert(
      fc.property(instant, fc.boolean(), fc.nat(), fc.constantFrom(...chars), (t, short, at, c) => {
        const iso = new Date(t).toISOString();
        const base = short ? `${iso.slice(0, 19)}Z` : iso;
        const i = at % base.length;
        const s = base.slice(0, i) + c + base.slice(i + 1);
        expect(Object.is(parseIso(s), Date.parse(s))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    for (const s of [
      '2025-02-30T00:00:00Z',
      '2024-02-29T23:59:59Z',
      '2025-04-31T00:00:00Z',
      '2025-01-01T24:00:00Z',
    ]) {
      expect(Object.is(parseIso(s), Date.parse(s))).toBe(true);
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
