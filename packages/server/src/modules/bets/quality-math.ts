/**
 * Statistics for the hit-quality report and the bet summary: Wilson score
 * intervals for shares, and log loss / Brier score for calibration.
 */

export interface Interval {
  low: number;
  high: number;
}

/** 95 % two-sided normal quantile. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a share `successes / n`. With n = 0 the interval is
 * the whole [0, 1] (nothing is known).
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError('successes must be an integer in [0, n]');
  }
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Probabilities are clipped to [EPS, 1 - EPS] so a confident miss costs a finite loss. */
const EPS = 1e-15;

export interface Forecast {
  /** Forecast probability of the outcome. */
  p: number;
  /** Whether the outcome happened. */
  won: boolean;
}

/** Mean log loss (natural log) of forecasts; NaN with none. */
export function logLoss(forecasts: readonly Forecast[]): number {
  if (forecasts.length === 0) return Number.NaN;
  let sum = 0;
  for (const { p, won } of forecasts) {
    const q = Math.min(1 - EPS, Math.max(EPS, p));
    sum -= won ? Math.log(q) : Math.log(1 - q);
  }
  return sum / forecasts.length;
}

/** Mean Brier score of forecasts; NaN with none. */
export function brierScore(forecasts: readonly Forecast[]): number {
  if (forecasts.length === 0) return Number.NaN;
  let sum = 0;
  for (const { p, won } of forecasts) {
    const d = p - (won ? 1 : 0);
    sum += d * d;
  }
  return sum / forecasts.length;
}
