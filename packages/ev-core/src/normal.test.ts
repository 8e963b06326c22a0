import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile } from './normal.js';

describe('normal distribution', () => {
  it('matches reference values', () => {
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 14);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 14);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874040841, 12);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(2)).toBeNaN();
  });

  it('Φ(Φ⁻¹(p)) = p', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-14 + p * 1e-12);
      }),
    );
  });
});
