import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OddsError } from './errors.js';
import { effectivePrice, expectedValue } from './ev.js';
import { kelly } from './kelly.js';

describe('expectedValue', () => {
  it('is p × price − 1', () => {
    expect(expectedValue(0.5, 2.2)).toBeCloseTo(0.1, 15); // 0.5 × 2.2 − 1
    expect(expectedValue(0.25, 3.5)).toBeCloseTo(-0.125, 15);
  });
  it('validates', () => {
    expect(() => expectedValue(0, 2)).toThrow(RangeError);
    expect(() => expectedValue(1, 2)).toThrow(RangeError);
    expect(() => expectedValue(Number.NaN, 2)).toThrow('probability must be a number in (0, 1), got NaN');
    expect(() => expectedValue(0.5, 1)).toThrow(OddsError);
  });
  it('a higher price never gives a lower EV', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 1.001, max: 500, noNaN: true }),
        fc.double({ min: 1.001, max: 500, noNaN: true }),
        (p, a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          expect(expectedValue(p, hi)).toBeGreaterThanOrEqual(expectedValue(p, lo));
          expect(kelly(p, hi)).toBeGreaterThanOrEqual(kelly(p, lo) - 1e-15);
        },
      ),
    );
  });
  it('effective price after commission', () => {
    expect(effectivePrice(3, 0.05)).toBeCloseTo(2.9, 15); // 1 + 2 × 0.95
    expect(effectivePrice(3, 0)).toBe(3);
  });
});

describe('kelly', () => {
  it('is (p·o − 1)/(o − 1), floored at 0, scaled and capped', () => {
    expect(kelly(0.5, 2.2)).toBeCloseTo(0.1 / 1.2, 15);
    expect(kelly(0.4, 2)).toBe(0);
    expect(kelly(0.5, 2.2, { fraction: 0.25 })).toBeCloseTo(0.025 / 1.2, 15);
    expect(kelly(0.6, 3, { cap: 0.05 })).toBe(0.05);
  });
  it('validates', () => {
    expect(() => kelly(1.2, 2)).toThrow(RangeError);
    expect(() => kelly(0.5, 0.5)).toThrow(OddsError);
    expect(() => kelly(0.5, 2, { fraction: -1 })).toThrow(/fraction/);
    expect(() => kelly(0.5, 2, { cap: -1 })).toThrow(/cap/);
  });
});
