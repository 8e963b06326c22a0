/**
 * Root finding for the one-parameter devig methods. Each method's Σp(θ) − 1 is continuous and
 * strictly monotone in its parameter θ, so once a sign change is bracketed a root is unique.
 * We use the Illinois variant of regula falsi (Dowell & Jarratt 1971): superlinear on smooth
 * functions, and the bracket always contains the root, so it cannot diverge like plain Newton.
 */
import { DevigError } from './errors.js';

/** Required accuracy of Σp on the solved parameter. */
export const SUM_TOLERANCE = 1e-12;

/**
 * Finds x in [lo, hi] with |f(x)| ≤ tol, given f(lo) and f(hi) of opposite signs.
 * Throws DevigError when the bracket is invalid or the tolerance is not reached.
 */
export function solveBracketed(
  f: (x: number) => number,
  lo: number,
  hi: number,
  what: string,
  tol = SUM_TOLERANCE,
): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (Math.abs(fa) <= tol) return a;
  if (Math.abs(fb) <= tol) return b;
  if (!(fa * fb < 0)) {
    throw new DevigError(`${what}: could not bracket the parameter (f(${a})=${fa}, f(${b})=${fb})`);
  }
  let side = 0;
  for (let i = 0; i < 500; i++) {
    let x = (a * fb - b * fa) / (fb - fa);
    // Fall back to bisection if the secant step leaves the bracket (rounding) or stalls.
    if (!(x > Math.min(a, b) && x < Math.max(a, b))) x = (a + b) / 2;
    const fx = f(x);
    if (!Number.isFinite(fx)) throw new DevigError(`${what}: non-finite value at ${x}`);
    if (Math.abs(fx) <= tol) return x;
    if (fx * fb > 0) {
      b = x;
      fb = fx;
      if (side === -1) fa /= 2; // Illinois: halve the stale end's value so it gets replaced
      side = -1;
    } else {
      a = x;
      fa = fx;
      if (side === 1) fb /= 2;
      side = 1;
    }
    if (a === b || Math.abs(b - a) <= Number.EPSILON * Math.max(1, Math.abs(a))) {
      // The bracket collapsed to adjacent floats without |f| ≤ tol: the function cannot
      // resolve the sum to the required accuracy.
      break;
    }
  }
  throw new DevigError(`${what}: did not converge to |Σp − 1| ≤ ${tol}`);
}

/** Expands `hi` (× 2 each step) until f(hi) < 0 for a decreasing f. */
export function expandUp(f: (x: number) => number, start: number, what: string): number {
  let hi = start;
  for (let i = 0; i < 200; i++) {
    if (f(hi) < 0) return hi;
    hi *= 2;
  }
  throw new DevigError(`${what}: could not bracket the parameter`);
}
