import { describe, expect, it } from 'vitest';
import { HitFilterSet } from './filters';
import { DecimalId, EventId, FiniteNumber, isSafeText, Key, SafeString } from './primitives';

describe('contract primitives', () => {
  it('SafeString refuses NUL, lone surrogates and overlong text, and keeps paired surrogates', () => {
    const s = SafeString(10);
    expect(s.safeParse('ok').success).toBe(true);
    expect(s.safeParse('😀').success).toBe(true); // a surrogate pair
    expect(s.safeParse('a\u0000b').success).toBe(false);
    expect(s.safeParse('\ud800').success).toBe(false);
    expect(s.safeParse('x\udc00').success).toBe(false);
    expect(s.safeParse('\udc00\ud800').success).toBe(false); // reversed pair
    expect(s.safeParse('x'.repeat(11)).success).toBe(false);
    expect(isSafeText('\ud83d\ude00')).toBe(true);
  });

  it('DecimalId accepts only decimal integers', () => {
    expect(DecimalId.parse('42')).toBe(42);
    for (const bad of ['0x2', '1e3', ' 42', '042', '0', '-1', '1.0', '99999999999999999', ''])
      expect(DecimalId.safeParse(bad).success, bad).toBe(false);
  });

  it('Key and EventId refuse object-key tricks and the hit-id separator', () => {
    expect(Key.safeParse('basketball_nba').success).toBe(true);
    expect(Key.safeParse('__proto__').success).toBe(true); // matches the pattern; counts use Maps
    expect(Key.safeParse('toString').success).toBe(false);
    expect(Key.safeParse('').success).toBe(false);
    expect(EventId.safeParse('a|b').success).toBe(false);
    expect(EventId.safeParse('abc123').success).toBe(true);
  });

  it('FiniteNumber bounds the magnitude', () => {
    expect(FiniteNumber(100).safeParse(100).success).toBe(true);
    expect(FiniteNumber(100).safeParse(1e308).success).toBe(false);
    expect(FiniteNumber().safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });

  it('HitFilterSet is strict and in API units', () => {
    expect(HitFilterSet.parse({ sport: ['basketball_nba'], min_ev: 0.02 })).toEqual({
      sport: ['basketball_nba'],
      min_ev: 0.02,
    });
    expect(HitFilterSet.safeParse({ min_odds: 1 }).success).toBe(false);
    expect(HitFilterSet.safeParse({ unknown: 1 }).success).toBe(false);
    expect(HitFilterSet.safeParse({ q: 'a\u0000' }).success).toBe(false);
    expect(HitFilterSet.safeParse({ sport: [{ a: 1 }] }).success).toBe(false);
  });
});
