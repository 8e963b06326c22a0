import { describe, expect, it } from 'vitest';
import { brierScore, logLoss, wilsonInterval } from './quality-math.js';

describe('wilsonInterval', () => {
  it('matches the textbook value for 8 of 10', () => {
    const { low, high } = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
  });
  it('stays inside [0, 1] at the edges and is wide for small samples', () => {
    expect(wilsonInterval(0, 5).low).toBe(0);
    expect(wilsonInterval(5, 5).high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    const small = wilsonInterval(1, 2);
    const large = wilsonInterval(500, 1000);
    expect(small.high - small.low).toBeGreaterThan(large.high - large.low);
  });
  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2.5)).toThrow(RangeError);
  });
});

describe('logLoss and brierScore', () => {
  it('score a coin-flip forecast', () => {
    const f = [
      { p: 0.5, won: true },
      { p: 0.5, won: false },
    ];
    expect(logLoss(f)).toBeCloseTo(Math.log(2), 12);
    expect(brierScore(f)).toBeCloseTo(0.25, 12);
  });
  it('score a mixed forecast', () => {
    const f = [
      { p: 0.8, won: true },
      { p: 0.3, won: true },
    ];
    expect(logLoss(f)).toBeCloseTo(-(Math.log(0.8) + Math.log(0.3)) / 2, 12);
    expect(brierScore(f)).toBeCloseTo((0.04 + 0.49) / 2, 12);
  });
  it('keep a certain miss finite and return NaN with no forecasts', () => {
    expect(Number.isFinite(logLoss([{ p: 1, won: false }]))).toBe(true);
    expect(logLoss([])).toBeNaN();
    expect(brierScore([])).toBeNaN();
  });
});
