/**
 * Margin removal ("devig"): turn one book's decimal odds o_1..o_n on a complete market into
 * fair probabilities p_1..p_n (Σp = 1). With r_i = 1/o_i the implied probabilities and
 * S = Σr_i the booksum, margin = S − 1.
 *
 * Methods (all reduce to p = r when S = 1):
 *  - multiplicative  p_i = r_i / S (proportional / "basic" normalization).
 *  - additive        p_i = r_i − (S − 1)/n: the margin is an equal absolute amount per outcome.
 *  - power           p_i = r_i^k with Σ r_i^k = 1 (Vovk & Zhdanov 2009; Clarke, Kovalchik &
 *                    Ingram 2017). k > 1 when S > 1.
 *  - shin            Shin (1992, 1993) insider model, closed form of Jullien & Salanié (1994) as
 *                    written by Štrumbelj (2014):
 *                    p_i = (√(z² + 4(1−z)·r_i²/S) − z) / (2(1−z)), solve z ∈ [0,1) for Σp = 1.
 *  - odds_ratio      Cheung (2015): odds(p_i)·c = odds(r_i), i.e. p_i = r_i / (c + r_i − c·r_i).
 *  - probit          shift in normal quantiles: p_i = Φ(Φ⁻¹(r_i) − c).
 *  - worst_case      per outcome the lowest probability among several methods, then made to
 *                    sum to 1 inside the methods' envelope (see worstCase below).
 *
 * Negative margin (S < 1, e.g. best prices collected across books): every method still
 * returns a distribution. multiplicative/additive/power/odds_ratio/probit simply solve with the
 * parameter on the other side of its neutral value (k < 1, c < 1, c < 0). Shin's z would have
 * to be negative, which has no meaning (a negative share of insiders), so shin returns z = 0
 * and the proportional probabilities — the z → 0 limit of its formula after normalization.
 */
import { DevigError, OddsError } from './errors.js';
import { normalCdf, normalQuantile } from './normal.js';
import { expandUp, solveBracketed } from './solve.js';
import type { DevigMethod, DevigOptions, DevigParams, DevigResult } from './types.js';

export const DEVIG_METHODS: readonly DevigMethod[] = [
  'multiplicative',
  'additive',
  'power',
  'shin',
  'odds_ratio',
  'probit',
  'worst_case',
];

export const DEFAULT_WORST_CASE_METHODS: readonly DevigMethod[] = [
  'multiplicative',
  'additive',
  'power',
  'shin',
];

export const MIN_OUTCOMES = 2;
export const MAX_OUTCOMES = 30;

function implied(odds: ArrayLike<number>): number[] {
  const n = odds?.length;
  if (typeof n !== 'number' || n < MIN_OUTCOMES || n > MAX_OUTCOMES) {
    throw new DevigError(
      `devig needs between ${MIN_OUTCOMES} and ${MAX_OUTCOMES} outcomes, got ${typeof n === 'number' ? n : 'no array'}`,
    );
  }
  const r = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const o = odds[i];
    if (typeof o !== 'number' || !Number.isFinite(o) || o <= 1) {
      throw new OddsError(
        `outcome ${i}: decimal odds must be a finite number greater than 1, got ${String(o)}`,
      );
    }
    r[i] = 1 / o;
  }
  return r;
}

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/** Normalizes to Σ = 1 (absorbing the ≤ 1e-12 solver residue) and checks every p ∈ (0,1). */
function finish(p: number[], method: DevigMethod, margin: number, params: DevigParams): DevigResult {
  const s = sum(p);
  for (let i = 0; i < p.length; i++) {
    p[i] /= s;
    if (!(p[i] > 0 && p[i] < 1)) {
      throw new DevigError(`${method}: outcome ${i} got probability ${p[i]} outside (0, 1)`);
    }
  }
  return { probabilities: p, fairOdds: p.map((x) => 1 / x), margin, method, params };
}

function multiplicative(r: number[], S: number): DevigResult {
  // Kept free of extra normalization: the engine's inlined fast path performs exactly these
  // floating-point operations (1/o, left-to-right sum, r/S) so both give bit-identical results.
  const p = new Array<number>(r.length);
  for (let i = 0; i < r.length; i++) p[i] = r[i] / S;
  return {
    probabilities: p,
    fairOdds: p.map((x) => 1 / x),
    margin: S - 1,
    method: 'multiplicative',
    params: {},
  };
}

/**
 * Additive: p_i = r_i − (S−1)/n. On a long shot whose implied probability is below the margin
 * share (S−1)/n this gives p_i ≤ 0. We do not clamp or fall back silently — a clamped value
 * would be a made-up probability — we throw DevigError so the caller can choose another method
 * (findHits/consensus drop that quote; worst_case leaves additive out for that market).
 */
function additive(r: number[], S: number): DevigResult {
  const n = r.length;
  const share = (S - 1) / n;
  const p = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    p[i] = r[i] - share;
    if (!(p[i] > 0)) {
      throw new DevigError(
        `additive: outcome ${i} (odds ${1 / r[i]}) has implied probability ${r[i]} below its margin share ${share}; use another method`,
      );
    }
  }
  return finish(p, 'additive', S - 1, {});
}

function power(r: number[], S: number): DevigResult {
  // f(k) = Σ r_i^k − 1 is strictly decreasing (0 < r_i < 1), f(0) = n − 1 > 0, f(∞) = −1.
  const f = (k: number) => {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i] ** k;
    return s - 1;
  };
  const hi = S > 1 ? expandUp(f, 2, 'power') : 1;
  const k = solveBracketed(f, 0, hi, 'power');
  return finish(
    r.map((x) => x ** k),
    'power',
    S - 1,
    { k },
  );
}

/**
 * Shin probability of one outcome, rationalized to avoid cancellation as z → 1:
 * (√(z² + 4(1−z)q) − z)/(2(1−z)) = 2q / (z + √(z² + 4(1−z)q)), with q = r²/S.
 */
function shinP(q: number, z: number): number {
  return (2 * q) / (z + Math.sqrt(z * z + 4 * (1 - z) * q));
}

function shin(r: number[], S: number): DevigResult {
  if (S <= 1) {
    // No overround: z would be ≤ 0 (see header). z = 0 → p ∝ r.
    const p = r.map((x) => x / S);
    return finish(p, 'shin', S - 1, { z: 0 });
  }
  const q = r.map((x) => (x * x) / S);
  // f(0) = √S − 1 > 0; f(1) = Σr²/S − 1 < 0 since Σr² < S·max(r) < S. Decreasing in z.
  const f = (z: number) => {
    let s = 0;
    for (let i = 0; i < q.length; i++) s += shinP(q[i], z);
    return s - 1;
  };
  const z = solveBracketed(f, 0, 1, 'shin');
  return finish(
    q.map((x) => shinP(x, z)),
    'shin',
    S - 1,
    { z },
  );
}

function oddsRatio(r: number[], S: number): DevigResult {
  // p_i(c) = r_i/(c + r_i − c·r_i) = r_i/(r_i + c(1 − r_i)) decreases in c; c = 1 → p = r.
  const pc = (x: number, c: number) => x / (x + c * (1 - x));
  const f = (c: number) => {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += pc(r[i], c);
    return s - 1;
  };
  const hi = S > 1 ? expandUp(f, 2, 'odds_ratio') : 1;
  const c = solveBracketed(f, 0, hi, 'odds_ratio');
  return finish(
    r.map((x) => pc(x, c)),
    'odds_ratio',
    S - 1,
    { c },
  );
}

function probit(r: number[], S: number): DevigResult {
  const x = r.map(normalQuantile);
  // f(c) = Σ Φ(x_i − c) − 1 decreases in c; c = 0 gives S − 1.
  const f = (c: number) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += normalCdf(x[i] - c);
    return s - 1;
  };
  let lo = 0;
  let hi = 0;
  if (S > 1) hi = expandUp(f, 1, 'probit');
  else {
    lo = -1;
    for (let i = 0; f(lo) < 0; i++) {
      if (i > 60) throw new DevigError('probit: could not bracket the parameter');
      lo *= 2;
    }
  }
  const c = solveBracketed(f, lo, hi, 'probit');
  return finish(
    x.map((xi) => normalCdf(xi - c)),
    'probit',
    S - 1,
    { c },
  );
}

/**
 * worst_case: for each outcome take min_i, the lowest probability any of `methods` gives it
 * (the most pessimistic fair probability, so EV is never overstated by the choice of method).
 * Σ min_i ≤ 1, so a leftover L = 1 − Σ min_i must go somewhere for the result to be a
 * distribution. Rule: every outcome moves the same share t of the way from its minimum to its
 * maximum max_i across the methods, p_i = min_i + t·(max_i − min_i), with t = L / Σ(max_i − min_i).
 * Since Σ min ≤ 1 ≤ Σ max, t ∈ [0, 1]: each p_i stays inside the methods' own envelope (never
 * more optimistic than the most optimistic method), outcomes on which all methods agree keep
 * that value, and the mass goes where the methods disagree. params.lowest names the method of
 * each minimum, params.blend is t. A method that cannot price the market (additive on a long
 * shot) is left out and params.methods lists those used.
 */
function worstCase(odds: ArrayLike<number>, S: number, options?: DevigOptions): DevigResult {
  const methods = options?.methods ?? DEFAULT_WORST_CASE_METHODS;
  if (!Array.isArray(methods) || methods.length === 0) {
    throw new DevigError('worst_case: options.methods must be a non-empty array of devig methods');
  }
  const results: DevigResult[] = [];
  const used: DevigMethod[] = [];
  for (const m of methods) {
    if (m === 'worst_case') throw new DevigError('worst_case: cannot include worst_case in its own methods');
    try {
      results.push(devig(odds, m));
      used.push(m);
    } catch (e) {
      if (!(e instanceof DevigError) || !DEVIG_METHODS.includes(m)) throw e;
    }
  }
  if (results.length === 0) throw new DevigError('worst_case: none of the methods could price this market');
  const n = odds.length;
  const min = new Array<number>(n);
  const max = new Array<number>(n);
  const lowest = new Array<DevigMethod>(n);
  for (let i = 0; i < n; i++) {
    min[i] = results[0].probabilities[i];
    max[i] = min[i];
    lowest[i] = used[0];
    for (let j = 1; j < results.length; j++) {
      const v = results[j].probabilities[i];
      if (v < min[i]) {
        min[i] = v;
        lowest[i] = used[j];
      }
      if (v > max[i]) max[i] = v;
    }
  }
  const leftover = 1 - sum(min);
  let width = 0;
  for (let i = 0; i < n; i++) width += max[i] - min[i];
  const t = width > 0 ? Math.min(1, Math.max(0, leftover / width)) : 0;
  const p = min.map((m, i) => m + t * (max[i] - m));
  return finish(p, 'worst_case', S - 1, { methods: used, lowest, blend: t });
}

/**
 * Removes the margin from one book's decimal odds on a complete market (2..30 outcomes).
 * Throws OddsError for an invalid price and DevigError for anything else that cannot be devigged.
 */
export function devig(
  decimalOdds: ArrayLike<number>,
  method: DevigMethod,
  options?: DevigOptions,
): DevigResult {
  const r = implied(decimalOdds);
  const S = sum(r);
  switch (method) {
    case 'multiplicative':
      return multiplicative(r, S);
    case 'additive':
      return additive(r, S);
    case 'power':
      return power(r, S);
    case 'shin':
      return shin(r, S);
    case 'odds_ratio':
      return oddsRatio(r, S);
    case 'probit':
      return probit(r, S);
    case 'worst_case':
      return worstCase(decimalOdds, S, options);
    default:
      throw new DevigError(
        `unknown devig method ${JSON.stringify(method)}; use one of ${DEVIG_METHODS.join(', ')}`,
      );
  }
}

/** Σ 1/o − 1 of a book's decimal odds. */
export function margin(decimalOdds: ArrayLike<number>): number {
  return sum(implied(decimalOdds)) - 1;
}
