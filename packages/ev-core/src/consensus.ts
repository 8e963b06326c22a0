/**
 * Consensus fair line from several sharp books.
 *
 * Each fresh quote is devigged on its own; the books' probabilities are pooled per outcome as a
 * weighted mean in log-odds, p̄_i = σ(Σ_b w_b·logit(p_bi) / Σ_b w_b), then renormalized to sum
 * to 1. Averaging log-odds (a geometric pool of odds) rather than probabilities treats a move
 * from 2 % to 4 % as big as one from 50 % to 67 %, which is how prices behave, and it is the
 * pooling used for forecast aggregation (e.g. Satopää et al. 2014, "Combining multiple
 * probability predictions using a simple logit model"). The renormalization is needed because
 * the logit mean of distributions is not itself a distribution.
 * One book: its devigged probabilities are returned unchanged (no logit round trip).
 */
import { devig } from './devig.js';
import { DevigError } from './errors.js';
import { ageSeconds, isFresh, nowMillis, toMillis } from './time.js';
import type { DevigMethod, DevigParams } from './types.js';

export interface ConsensusQuote {
  book: string;
  decimalOdds: ArrayLike<number>;
  /** Pooling weight (> 0). Default 1. */
  weight?: number;
  /** ISO string, epoch milliseconds or Date. */
  lastUpdate?: string | number | Date;
}

export interface ConsensusOptions {
  method: DevigMethod;
  /** For worst_case. */
  methods?: DevigMethod[];
  /** Fewer usable books → null. Default 1. */
  minBooks?: number;
  /** Quotes older than this at `now` are dropped; with a limit, a quote with no time is dropped. */
  maxAgeSeconds?: number;
  now: Date | number;
}

export interface ConsensusBook {
  book: string;
  weight: number;
  decimalOdds: number[];
  probabilities: number[];
  margin: number;
  params: DevigParams;
  /** Seconds since lastUpdate at `now`; null when no time was given. */
  ageSeconds: number | null;
}

export interface ConsensusResult {
  probabilities: number[];
  /** The books used, in input order, with their own devigged probabilities. */
  books: ConsensusBook[];
  /** Quotes left out and why. */
  dropped: { book: string; reason: 'stale' | 'devig_failed' }[];
}

const logit = (p: number) => Math.log(p / (1 - p));

/** Weighted log-odds mean of several distributions, renormalized. Shared with the engine. */
export function poolLogit(probs: ArrayLike<number>[], weights: ArrayLike<number>, n: number): number[] {
  let wsum = 0;
  for (let b = 0; b < probs.length; b++) wsum += weights[b];
  const out = new Array<number>(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let b = 0; b < probs.length; b++) acc += weights[b] * logit(probs[b][i]);
    const v = 1 / (1 + Math.exp(-acc / wsum));
    out[i] = v;
    s += v;
  }
  for (let i = 0; i < n; i++) out[i] /= s;
  return out;
}

export function consensus(quotes: ConsensusQuote[], options: ConsensusOptions): ConsensusResult | null {
  const { method, methods, maxAgeSeconds } = options;
  const minBooks = options.minBooks ?? 1;
  if (!Number.isInteger(minBooks) || minBooks < 1) {
    throw new RangeError(`minBooks must be a positive integer, got ${String(options.minBooks)}`);
  }
  if (maxAgeSeconds !== undefined && !(maxAgeSeconds >= 0)) {
    throw new RangeError(`maxAgeSeconds must be ≥ 0, got ${String(maxAgeSeconds)}`);
  }
  const now = nowMillis(options.now);
  let n = -1;
  const books: ConsensusBook[] = [];
  const dropped: ConsensusResult['dropped'] = [];
  for (const q of quotes) {
    const len = q.decimalOdds.length;
    if (n === -1) n = len;
    else if (len !== n) {
      throw new DevigError(`consensus: book ${q.book} quotes ${len} outcomes, the first quote ${n}`);
    }
    const weight = q.weight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new RangeError(
        `consensus: weight of ${q.book} must be a finite number > 0, got ${String(q.weight)}`,
      );
    }
    const t = toMillis(q.lastUpdate);
    const age = ageSeconds(now, t);
    if (!isFresh(age, maxAgeSeconds)) {
      dropped.push({ book: q.book, reason: 'stale' });
      continue;
    }
    let r: ReturnType<typeof devig>;
    try {
      r = devig(q.decimalOdds, method, methods ? { methods } : undefined);
    } catch (e) {
      // A book whose prices this method cannot devig (e.g. additive on a long shot) is left out
      // rather than failing the whole consensus; invalid odds still throw.
      if (e instanceof DevigError) {
        dropped.push({ book: q.book, reason: 'devig_failed' });
        continue;
      }
      throw e;
    }
    books.push({
      book: q.book,
      weight,
      decimalOdds: Array.from(q.decimalOdds),
      probabilities: r.probabilities,
      margin: r.margin,
      params: r.params,
      ageSeconds: Number.isNaN(age) ? null : age,
    });
  }
  if (books.length < minBooks || books.length === 0) return null;
  if (books.length === 1) return { probabilities: books[0].probabilities.slice(), books, dropped };
  const probabilities = poolLogit(
    books.map((b) => b.probabilities),
    books.map((b) => b.weight),
    n,
  );
  return { probabilities, books, dropped };
}
