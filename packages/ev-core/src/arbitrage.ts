/**
 * Arbitrage ("sure bets"): on one line, take the best price for each outcome across books.
 * If Σ 1/best < 1, staking in proportion to 1/best (dutching) returns the same amount whatever
 * happens, more than the total staked. margin = 1 − Σ 1/best; profit = totalStake·(1/Σ − 1).
 */
import { DevigError } from './errors.js';
import { assertDecimal } from './formats.js';
import { buildLines, findLine, outcomeIndex } from './line-model.js';
import { isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import { normalizeOptions } from './options.js';
import { ageSeconds, isFresh, nowMillis, toMillis } from './time.js';
import type { ArbitrageOpportunity, OddsEvent } from './types.js';

/**
 * Dutching: stakes s_i = T·(1/o_i)/Σ_j(1/o_j) make every outcome return T/Σ(1/o).
 * profit = T/Σ(1/o) − T (negative when the book has a margin).
 */
export function dutch(decimalOdds: number[], totalStake: number): { stakes: number[]; profit: number } {
  if (!Array.isArray(decimalOdds) || decimalOdds.length < 1) {
    throw new DevigError('dutch needs at least one price');
  }
  if (typeof totalStake !== 'number' || !(totalStake > 0) || !Number.isFinite(totalStake)) {
    throw new RangeError(`totalStake must be a finite number > 0, got ${String(totalStake)}`);
  }
  let s = 0;
  for (let i = 0; i < decimalOdds.length; i++) s += 1 / assertDecimal(decimalOdds[i], `price ${i}`);
  const stakes = decimalOdds.map((o) => (totalStake * (1 / o)) / s);
  return { stakes, profit: totalStake / s - totalStake };
}

export interface FindArbitrageOptions {
  totalStake: number;
  /** Report only arbs with margin ≥ this (and always > 0). Default 0. */
  minMargin?: number;
  markets?: string[];
  books?: string[];
  /** Ignore prices older than this (seconds) at `now`. */
  maxAgeSeconds?: number;
  now: Date | number;
}

export function findArbitrage(events: OddsEvent[], options: FindArbitrageOptions): ArbitrageOpportunity[] {
  const nowMs = nowMillis(options.now);
  const minMargin = options.minMargin ?? 0;
  if (typeof options.totalStake !== 'number' || !(options.totalStake > 0)) {
    throw new RangeError(`totalStake must be a number > 0, got ${String(options.totalStake)}`);
  }
  // Reuse the line grouping of findHits (markets filter applied; lay markets ignored).
  const lineOpts = normalizeOptions({
    sharpBooks: [],
    method: 'multiplicative',
    minEv: 0,
    markets: options.markets,
  });
  const books = options.books ? new Set(options.books) : null;
  const out: ArbitrageOpportunity[] = [];
  for (const ev of events) {
    if (!(toMillis(ev.commence_time) > nowMs)) continue;
    const lines = buildLines(ev, lineOpts);
    const best = lines.map((l) => ({
      price: new Array<number>(l.names.length).fill(0),
      book: new Array<string>(l.names.length),
    }));
    for (const bm of ev.bookmakers ?? []) {
      if (books !== null && !books.has(bm.key)) continue;
      for (const mk of bm.markets ?? []) {
        if (isLayMarket(mk.key) || (lineOpts.markets !== null && !lineOpts.markets.has(mk.key))) continue;
        if (!isFresh(ageSeconds(nowMs, toMillis(mk.last_update ?? bm.last_update)), options.maxAgeSeconds))
          continue;
        const spread = isSpreadMarket(mk.key);
        for (const o of mk.outcomes ?? []) {
          const pt = outcomePoint(o);
          if (pt === undefined || typeof o.name !== 'string' || !validPrice(o.price)) continue;
          const li = findLine(lines, mk.key, linePoint(spread, o.name, pt, ev.away_team));
          if (li === -1) continue;
          const line = lines[li];
          const idx = outcomeIndex(line, o.name, pt);
          if (o.price > best[li].price[idx]) {
            best[li].price[idx] = o.price;
            best[li].book[idx] = bm.key;
          }
        }
      }
    }
    for (let li = 0; li < lines.length; li++) {
      const line = lines[li];
      const b = best[li];
      // Every outcome of the line needs a price, or the "arb" is not covered.
      if (line.names.length < 2 || b.price.some((p) => p === 0)) continue;
      let s = 0;
      for (const p of b.price) s += 1 / p;
      const margin = 1 - s;
      if (!(margin > 0) || margin < minMargin) continue;
      const { stakes, profit } = dutch(b.price, options.totalStake);
      out.push({
        event_id: ev.id,
        market: line.market,
        point: line.point,
        legs: line.names.map((name, i) => ({
          outcome: name,
          point: line.points[i],
          book: b.book[i],
          price: b.price[i],
          stake: stakes[i],
        })),
        margin,
        profit,
      });
    }
  }
  return out;
}
