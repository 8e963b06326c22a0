/**
 * Kelly criterion (Kelly 1956): the stake share maximizing expected log wealth on a bet paying
 * decimal o with win probability p is f* = (p·o − 1)/(o − 1) = EV/(o − 1); never negative
 * (no bet). Fractional Kelly scales it; `cap` bounds the share.
 */
import { assertProbability } from './ev.js';
import { assertDecimal } from './formats.js';

export interface KellyOptions {
  /** Multiplier on full Kelly (0.25 = quarter Kelly). Default 1. */
  fraction?: number;
  /** Maximum share of bankroll. */
  cap?: number;
}

/** Full Kelly without validation — used by the hot paths whose inputs are already checked. */
export function kellyRaw(p: number, price: number): number {
  const f = (p * price - 1) / (price - 1);
  return Math.max(f, 0);
}

export function kelly(p: number, decimalPrice: number, options: KellyOptions = {}): number {
  assertProbability(p);
  assertDecimal(decimalPrice, 'price');
  const fraction = options.fraction ?? 1;
  if (!Number.isFinite(fraction) || fraction < 0) {
    throw new RangeError(`kelly fraction must be a finite number ≥ 0, got ${String(options.fraction)}`);
  }
  if (options.cap !== undefined && !(options.cap >= 0)) {
    throw new RangeError(`kelly cap must be ≥ 0, got ${String(options.cap)}`);
  }
  const f = kellyRaw(p, decimalPrice) * fraction;
  return options.cap !== undefined ? Math.min(f, options.cap) : f;
}
