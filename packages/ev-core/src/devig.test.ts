import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVIG_METHODS, devig, margin } from './devig.js';
import { DevigError, OddsError } from './errors.js';
import { normalCdf, normalQuantile } from './normal.js';
import { solveBracketed } from './solve.js';
import type { DevigMethod } from './types.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('devig: hand-worked examples', () => {
  it('1.90 / 1.90: every method gives 0.5 / 0.5', () => {
    // r = 1/1.9 = 0.526316 each, S = 1.052632, margin = 5.263 %. Symmetric → 0.5 / 0.5.
    for (const m of DEVIG_METHODS) {
      const r = devig([1.9, 1.9], m);
      expect(r.probabilities[0]).toBeCloseTo(0.5, 12);
      expect(r.probabilities[1]).toBeCloseTo(0.5, 12);
      expect(r.fairOdds[0]).toBeCloseTo(2, 11);
      expect(r.margin).toBeCloseTo(2 / 1.9 - 1, 15);
      expect(r.method).toBe(m);
    }
  });

  it('1.90 / 1.90: solved parameters match closed forms', () => {
    const r = 1 / 1.9;
    // power: r^k = 0.5 → k = ln 0.5 / ln r = 1.0799143
    expect(devig([1.9, 1.9], 'power').params.k).toBeCloseTo(Math.log(0.5) / Math.log(r), 10);
    // shin: with q = r²/S = 1/3.8, 0.5 = 2q/(z + √(z² + 4(1−z)q)) ⇔ 1 + z = 4q → z = 4/3.8 − 1 = 1/19
    expect(devig([1.9, 1.9], 'shin').params.z).toBeCloseTo(1 / 19, 10);
    // odds_ratio: 0.5 = r/(r + c(1−r)) → c = r/(1−r) = 1/0.9
    expect(devig([1.9, 1.9], 'odds_ratio').params.c).toBeCloseTo(1 / 0.9, 10);
    // probit: Φ(Φ⁻¹(r) − c) = 0.5 → c = Φ⁻¹(r) = Φ⁻¹(0.526316) ≈ 0.066012
    expect(devig([1.9, 1.9], 'probit').params.c).toBeCloseTo(normalQuantile(r), 10);
    expect(devig([1.9, 1.9], 'multiplicative').params).toEqual({});
    expect(devig([1.9, 1.9], 'additive').params).toEqual({});
  });

  it('1.80 / 2.10 worked by hand', () => {
    // r = (5/9, 10/21) = (0.555556, 0.476190); S = 35/63 + 30/63 = 65/63; margin = 2/63 = 3.1746 %.
    const odds = [1.8, 2.1];
    expect(margin(odds)).toBeCloseTo(2 / 63, 14);
    // multiplicative: (5/9)/(65/63) = 35/65 = 7/13 = 0.538462; 6/13 = 0.461538
    expect(devig(odds, 'multiplicative').probabilities).toEqual([
      expect.closeTo(7 / 13, 14),
      expect.closeTo(6 / 13, 14),
    ]);
    // additive: 35/63 − (2/63)/2 = 34/63 = 0.539683; 30/63 − 1/63 = 29/63 = 0.460317
    const add = devig(odds, 'additive').probabilities;
    expect(add[0]).toBeCloseTo(34 / 63, 14);
    expect(add[1]).toBeCloseTo(29 / 63, 14);
    // shin: for two outcomes Shin's model reduces to the additive one (Σp=1 with n=2 forces
    // p1 − p2 = r1 − r2), so z solves to the value that reproduces 34/63.
    const sh = devig(odds, 'shin');
    expect(sh.probabilities[0]).toBeCloseTo(34 / 63, 11);
    const z = sh.params.z!;
    const S = 65 / 63;
    const shinP = (r: number) => (Math.sqrt(z * z + (4 * (1 - z) * r * r) / S) - z) / (2 * (1 - z));
    expect(shinP(5 / 9) + shinP(10 / 21)).toBeCloseTo(1, 12); // the paper's form, unrationalized
    expect(z).toBeCloseTo(0.0317522234, 8);
    // power: k solves (5/9)^k + (10/21)^k = 1 → k ≈ 1.0474391; p1 = (5/9)^k ≈ 0.540278
    const pw = devig(odds, 'power');
    const k = pw.params.k!;
    expect((5 / 9) ** k + (10 / 21) ** k).toBeCloseTo(1, 12);
    expect(k).toBeCloseTo(1.0474391, 6);
    expect(pw.probabilities[0]).toBeCloseTo(0.5402784, 6);
    // odds ratio: odds(r_i) = c·odds(p_i) for both outcomes
    const orr = devig(odds, 'odds_ratio');
    const c = orr.params.c!;
    orr.probabilities.forEach((p, i) => {
      const r = [5 / 9, 10 / 21][i];
      expect(r / (1 - r)).toBeCloseTo((c * p) / (1 - p), 10); // to the solver tolerance
    });
    // probit: Φ⁻¹(r_i) − Φ⁻¹(p_i) = c for both
    const pb = devig(odds, 'probit');
    pb.probabilities.forEach((p, i) => {
      expect(normalQuantile([5 / 9, 10 / 21][i]) - normalQuantile(p)).toBeCloseTo(pb.params.c!, 9);
    });
    // favourite–long-shot ordering of the favourite's probability: mult < power/additive family
    expect(devig(odds, 'multiplicative').probabilities[0]).toBeLessThan(pw.probabilities[0]);
  });

  it('3-way soccer market: each method satisfies its defining equation', () => {
    const odds = [2.5, 3.4, 2.9];
    const r = odds.map((o) => 1 / o);
    const S = sum(r);
    const pw = devig(odds, 'power');
    pw.probabilities.forEach((p, i) => {
      expect(p).toBeCloseTo(r[i] ** pw.params.k!, 12);
    });
    const sh = devig(odds, 'shin');
    const z = sh.params.z!;
    sh.probabilities.forEach((p, i) => {
      expect(p).toBeCloseTo((Math.sqrt(z * z + (4 * (1 - z) * r[i] ** 2) / S) - z) / (2 * (1 - z)), 12);
    });
    const pb = devig(odds, 'probit');
    pb.probabilities.forEach((p, i) => {
      expect(p).toBeCloseTo(normalCdf(normalQuantile(r[i]) - pb.params.c!), 12);
    });
    const ad = devig(odds, 'additive');
    ad.probabilities.forEach((p, i) => {
      expect(p).toBeCloseTo(r[i] - (S - 1) / 3, 14);
    });
  });
});

describe('devig: additive on long shots', () => {
  it('throws DevigError when a probability would be ≤ 0', () => {
    // r = (0.952, 0.1, 0.005), S = 1.057, margin share 0.019 > 0.005 → p3 < 0
    expect(() => devig([1.05, 10, 200], 'additive')).toThrow(DevigError);
    expect(() => devig([1.05, 10, 200], 'additive')).toThrow(/below its margin share/);
  });
  it('worst_case leaves additive out for that market', () => {
    const r = devig([1.05, 10, 200], 'worst_case');
    expect(r.params.methods).toEqual(['multiplicative', 'power', 'shin']);
    expect(sum(r.probabilities)).toBeCloseTo(1, 12);
  });
});

describe('devig: worst_case', () => {
  it('stays inside every method envelope, sums to 1, names the lowest', () => {
    const odds = [1.3, 4.5, 11];
    const methods: DevigMethod[] = ['multiplicative', 'additive', 'power', 'shin'];
    const all = methods.map((m) => devig(odds, m).probabilities);
    const wc = devig(odds, 'worst_case');
    expect(sum(wc.probabilities)).toBeCloseTo(1, 14);
    wc.probabilities.forEach((p, i) => {
      const col = all.map((a) => a[i]);
      expect(p).toBeGreaterThanOrEqual(Math.min(...col) - 1e-15);
      expect(p).toBeLessThanOrEqual(Math.max(...col) + 1e-15);
      const lowest = wc.params.lowest![i];
      expect(all[methods.indexOf(lowest)][i]).toBe(Math.min(...col));
    });
    // p_i = min_i + t(max_i − min_i) with one common t
    const t = wc.params.blend!;
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(1);
    wc.probabilities.forEach((p, i) => {
      const col = all.map((a) => a[i]);
      expect(p).toBeCloseTo(Math.min(...col) + t * (Math.max(...col) - Math.min(...col)), 12);
    });
  });

  it('uses options.methods and validates them', () => {
    const r = devig([1.8, 2.1], 'worst_case', { methods: ['multiplicative', 'power'] });
    expect(r.params.methods).toEqual(['multiplicative', 'power']);
    expect(() => devig([1.8, 2.1], 'worst_case', { methods: [] })).toThrow(DevigError);
    expect(() => devig([1.8, 2.1], 'worst_case', { methods: ['worst_case'] })).toThrow(/its own methods/);
    expect(() => devig([1.05, 10, 200], 'worst_case', { methods: ['additive'] })).toThrow(
      /none of the methods/,
    );
  });
});

describe('devig: negative margin (overround < 1)', () => {
  it('every method still returns a distribution; parameters sit on the other side', () => {
    const odds = [2.2, 1.95]; // S = 0.4545 + 0.5128 = 0.9674
    for (const m of DEVIG_METHODS) {
      const r = devig(odds, m);
      expect(sum(r.probabilities)).toBeCloseTo(1, 12);
      expect(r.margin).toBeLessThan(0);
    }
    expect(devig(odds, 'power').params.k!).toBeLessThan(1);
    expect(devig(odds, 'odds_ratio').params.c!).toBeLessThan(1);
    expect(devig(odds, 'probit').params.c!).toBeLessThan(0);
    // shin: z would be negative (meaningless) → z = 0 and the proportional probabilities
    const sh = devig(odds, 'shin');
    expect(sh.params.z).toBe(0);
    expect(sh.probabilities[0]).toBeCloseTo(devig(odds, 'multiplicative').probabilities[0], 15);
    // additive adds the missing mass equally
    expect(devig(odds, 'additive').probabilities[0]).toBeCloseTo(
      1 / 2.2 + (1 - (1 / 2.2 + 1 / 1.95)) / 2,
      14,
    );
  });
});

describe('devig: bad input', () => {
  it('outcome count', () => {
    expect(() => devig([2], 'multiplicative')).toThrow(DevigError);
    expect(() => devig([2], 'multiplicative')).toThrow('devig needs between 2 and 30 outcomes, got 1');
    expect(() => devig(new Array(31).fill(40), 'multiplicative')).toThrow(/got 31/);
    expect(() => devig(undefined as never, 'multiplicative')).toThrow(/no array/);
  });
  it('invalid odds', () => {
    expect(() => devig([2, 1], 'multiplicative')).toThrow(OddsError);
    expect(() => devig([2, Number.NaN], 'power')).toThrow(
      'outcome 1: decimal odds must be a finite number greater than 1, got NaN',
    );
    expect(() => devig([2, Number.POSITIVE_INFINITY], 'shin')).toThrow(OddsError);
    expect(() => devig([2, '2' as never], 'shin')).toThrow(OddsError);
  });
  it('unknown method', () => {
    expect(() => devig([2, 2], 'magic' as never)).toThrow(/unknown devig method "magic"/);
  });
  it('solver failures surface as DevigError', () => {
    expect(() => solveBracketed((x) => x + 1, 0, 1, 'test')).toThrow(/could not bracket/);
    // a step function has no root the sum can resolve to 1e-12
    expect(() => solveBracketed((x) => (x < 0.3 ? 1 : -1), 0, 1, 'test')).toThrow(/did not converge/);
  });
});

// ---- properties -------------------------------------------------------------------------

const probsArb = fc
  .array(fc.double({ min: 0.02, max: 1, noNaN: true }), { minLength: 2, maxLength: 8 })
  .map((w) => {
    const s = sum(w);
    return w.map((x) => x / s);
  })
  .filter((p) => p.every((x) => x > 0.005 && x < 0.99));
const marketArb = fc
  .tuple(probsArb, fc.double({ min: -0.03, max: 0.12, noNaN: true }))
  .map(([p, m]) => p.map((x) => 1 / (x * (1 + m))))
  .filter((o) => o.every((x) => x > 1.0001));
const methodArb = fc.constantFrom(...DEVIG_METHODS);

function tryDevig(odds: number[], m: DevigMethod) {
  try {
    return devig(odds, m);
  } catch (e) {
    // additive is allowed to refuse a long shot; nothing else is
    if (m === 'additive' && e instanceof DevigError) return null;
    throw e;
  }
}

describe('devig: properties', () => {
  it('probabilities sum to 1 and lie in (0, 1); fair odds are their reciprocals', () => {
    fc.assert(
      fc.property(marketArb, methodArb, (odds, m) => {
        const r = tryDevig(odds, m);
        if (!r) return;
        expect(Math.abs(sum(r.probabilities) - 1)).toBeLessThan(1e-9);
        for (const [i, p] of r.probabilities.entries()) {
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThan(1);
          expect(r.fairOdds[i]).toBeCloseTo(1 / p, 9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a zero-margin market comes back unchanged from every method', () => {
    fc.assert(
      fc.property(probsArb, methodArb, (p, m) => {
        const odds = p.map((x) => 1 / x);
        const r = devig(odds, m);
        r.probabilities.forEach((x, i) => {
          expect(Math.abs(x - p[i])).toBeLessThan(1e-9);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('outcome order does not matter (permutation equivariance)', () => {
    fc.assert(
      fc.property(
        marketArb.chain((o) =>
          fc.tuple(
            fc.constant(o),
            fc.shuffledSubarray(
              o.map((_, i) => i),
              { minLength: o.length },
            ),
          ),
        ),
        methodArb,
        ([odds, perm], m) => {
          const a = tryDevig(odds, m);
          const b = tryDevig(
            perm.map((i) => odds[i]),
            m,
          );
          if (!a || !b) {
            expect(a).toBe(b);
            return;
          }
          perm.forEach((i, j) => {
            expect(Math.abs(b.probabilities[j] - a.probabilities[i])).toBeLessThan(1e-9);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
