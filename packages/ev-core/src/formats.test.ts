import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OddsError } from './errors.js';
import { fromDecimal, impliedProbability, toDecimal } from './formats.js';

describe('toDecimal', () => {
  it('converts every format', () => {
    expect(toDecimal(2.5, 'decimal')).toBe(2.5);
    expect(toDecimal('2.5', 'decimal')).toBe(2.5);
    expect(toDecimal(150, 'american')).toBe(2.5); // 1 + 150/100
    expect(toDecimal('-110', 'american')).toBeCloseTo(1.909090909, 9); // 1 + 100/110
    expect(toDecimal(100, 'american')).toBe(2);
    expect(toDecimal(-100, 'american')).toBe(2);
    expect(toDecimal('5/2', 'fractional')).toBe(3.5);
    expect(toDecimal('1/4', 'fractional')).toBe(1.25);
    expect(toDecimal('evens', 'fractional')).toBe(2);
    expect(toDecimal(0.4, 'implied')).toBe(2.5);
  });

  it.each([
    [1, 'decimal'],
    [0.5, 'decimal'],
    [Number.NaN, 'decimal'],
    [Number.POSITIVE_INFINITY, 'decimal'],
    ['abc', 'decimal'],
    ['', 'decimal'],
    [99, 'american'],
    [-99.5, 'american'],
    [0, 'american'],
    [Number.NEGATIVE_INFINITY, 'american'],
    ['5:2', 'fractional'],
    ['0/5', 'fractional'],
    ['5/0', 'fractional'],
    ['-5/2', 'fractional'],
    [0, 'implied'],
    [1, 'implied'],
    [1.2, 'implied'],
  ] as const)('rejects %s as %s', (v, f) => {
    expect(() => toDecimal(v as number, f)).toThrow(OddsError);
  });

  it('rejects an unknown format', () => {
    expect(() => toDecimal(2, 'moneyline' as never)).toThrow(/unknown odds format/);
  });

  it('explains what is wrong', () => {
    expect(() => toDecimal(50, 'american')).toThrow('American odds must be ≤ −100 or ≥ +100, got 50');
    expect(() => toDecimal(1, 'decimal')).toThrow(/greater than 1/);
  });
});

describe('fromDecimal', () => {
  it('converts to every format', () => {
    expect(fromDecimal(2.5, 'american')).toBe(150);
    expect(fromDecimal(1.91, 'american')).toBe(-110); // −100/0.91 = −109.89 → −110
    expect(fromDecimal(2, 'american')).toBe(100);
    expect(fromDecimal(3.5, 'fractional')).toBe('5/2');
    expect(fromDecimal(1.25, 'fractional')).toBe('1/4');
    expect(fromDecimal(2, 'fractional')).toBe('1/1');
    expect(fromDecimal(1.909090909, 'fractional')).toBe('10/11');
    expect(fromDecimal(1.001, 'fractional')).toBe('1/100'); // nearest with a positive numerator
    expect(fromDecimal(4, 'implied')).toBe(0.25);
    expect(fromDecimal(2.2, 'decimal')).toBe(2.2);
  });

  it('rejects invalid decimals', () => {
    expect(() => fromDecimal(1, 'american')).toThrow(OddsError);
    expect(() => fromDecimal(Number.NaN, 'fractional')).toThrow(OddsError);
  });

  it('american never lands in (−100, 100) and round-trips to within rounding', () => {
    fc.assert(
      fc.property(fc.double({ min: 1.001, max: 1000, noNaN: true }), (d) => {
        const a = fromDecimal(d, 'american');
        expect(a <= -100 || a >= 100).toBe(true);
        const back = toDecimal(a, 'american');
        expect(Math.abs(back - d) / d).toBeLessThan(0.01);
      }),
    );
  });

  it('fractional is reduced, has denominator ≤ 100 and parses back', () => {
    fc.assert(
      fc.property(fc.double({ min: 1.01, max: 200, noNaN: true }), (d) => {
        const f = fromDecimal(d, 'fractional');
        const [a, b] = f.split('/').map(Number);
        expect(b).toBeLessThanOrEqual(100);
        const gcd = (x: number, y: number): number => (y ? gcd(y, x % y) : x);
        expect(gcd(a, b)).toBe(1);
        expect(Math.abs(toDecimal(f, 'fractional') - d)).toBeLessThanOrEqual(1 / 2 / b + 1e-9 + 0.01);
      }),
    );
  });

  it('implied is the reciprocal', () => {
    expect(impliedProbability(4)).toBe(0.25);
    expect(() => impliedProbability(0.9)).toThrow(OddsError);
  });
});
