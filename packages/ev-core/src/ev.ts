/** Expected value of a bet: EV = p × o − 1 per unit staked (p fair probability, o decimal price). */
import { assertDecimal } from './formats.js';

export function assertProbability(p: unknown, what = 'probability'): number {
  if (typeof p !== 'number' || !(p > 0 && p < 1)) {
    throw new RangeError(`${what} must be a number in (0, 1), got ${String(p)}`);
  }
  return p;
}

/** p × price − 1, a fraction of the stake (0.05 = +5 %). */
export function expectedValue(p: number, decimalPrice: number): number {
  assertProbability(p);
  assertDecimal(decimalPrice, 'price');
  return p * decimalPrice - 1;
}

/** Effective decimal price on an exchange that takes `rate` of net winnings: 1 + (o − 1)(1 − rate). */
export function effectivePrice(decimalPrice: number, rate: number): number {
  return rate === 0 ? decimalPrice : 1 + (decimalPrice - 1) * (1 - rate);
}
