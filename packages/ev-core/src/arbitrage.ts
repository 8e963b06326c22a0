/**
 * Arbitrage ("sure bets"): on one line, take the best price for each outcome across books.
 * If Σ 1/best < 1, staking in proportion to 1/best (dutching) returns the same amount whatever
 * happens, more than the total staked. margin = 1 − Σ 1/best; profit = totalStake·(1/Σ − 1).
 * On an exchange, `best` is the price net of its commission on winnings.
 */
import { DevigError } from './errors.js';
import { effectivePrice } from './ev.js';
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
  if (!Array.isArray(decimalOdds) || decimalOdds.length < 2) {
    // One selection is a single bet, not a dutch: its "profit" would be a win, not a sure return.
    throw new DevigError('dutch needs two or more selections');
  }
  if (typeof totalStake !== 'number' || !(totalStake > 0) || !Number.isFinite(totalStake)) {
    throw new RangeError(`totalStake must be a finite number > 0, got ${String(totalStake)}`);
  }
  let s = 0;
  for (let i = 0; i < decimalOdds.length; i++) s += 1 / assertDecimal(decimalOdds[i], `price ${i}`);
  const stakes = decimalOdds.map((o) => (totalStake * (1 / o)) / s);
  return { stakes, profit: totalStake / s - totalStake };
}

/** Checks one commission rate: 0 ≤ rate < 1 (a share of net winnings). */
function assertRate(rate: unknown, label: string): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new RangeError(`${label} must be a rate in [0, 1), got ${String(rate)}`);
  }
  return rate;
}

export interface ArbitrageResult {
  /** True when the prices, net of commission, return more than the total staked. */
  is_arbitrage: boolean;
  /** 1 − Σ 1/net_price: > 0 is an arbitrage. */
  margin: number;
  stakes: number[];
  /** Sure profit (negative when not an arbitrage) of staking by `dutch` on the net prices. */
  profit: number;
}

/**
 * An arbitrage check of the best price per outcome. `commissions` holds one rate per price
 * (charged on net winnings, as exchanges do; default 0): each price counts as
 * 1 + (o − 1)(1 − rate), and the stakes dutch over those net prices.
 */
export function arbitrage(
  decimalOdds: number[],
  totalStake: number,
  commissions?: number[],
): ArbitrageResult {
  if (!Array.isArray(decimalOdds) || decimalOdds.length < 2) {
    throw new DevigError('arbitrage needs two or more selections');
  }
  if (
    commissions !== undefined &&
    (!Array.isArray(commissions) || commissions.length !== decimalOdds.length)
  ) {
    throw new RangeError('commissions needs one rate per price');
  }
  const net = decimalOdds.map((o, i) =>
    effectivePrice(
      assertDecimal(o, `price ${i}`),
      commissions ? assertRate(commissions[i], `commission ${i}`) : 0,
    ),
  );
  let s = 0;
  for (const o of net) s += 1 / o;
  const margin = 1 - s;
  const { stakes, profit } = dutch(net, totalStake);
  return { is_arbitrage: margin > 0, margin, stakes, profit };
}

export interface FindArbitrageOptions {
  totalStake: number;
  /** Report only arbs with margin ≥ this (and always > 0). Default 0. */
  minMargin?: number;
  markets?: string[];
  books?: string[];
  /** Ignore prices older than this (seconds) at `now`. */
  maxAgeSeconds?: number;
  /** Exchange commission by book (rate of net winnings): prices compare and stake net of it. */
  commission?: Record<string, number>;
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
  const commission = new Map<string, number>();
  for (const [b, rate] of Object.entries(options.commission ?? {})) {
    commission.set(b, assertRate(rate, `commission of ${b}`));
  }
  const out: ArbitrageOpportunity[] = [];
  for (const ev of events) {
    if (!(toMillis(ev.commence_time) > nowMs)) continue;
    const lines = buildLines(ev, lineOpts);
    const best = lines.map((l) => ({
      price: new Array<number>(l.names.length).fill(0),
      net: new Array<number>(l.names.length).fill(0),
      book: new Array<string>(l.names.length),
    }));
    for (const bm of ev.bookmakers ?? []) {
      if (books !== null && !books.has(bm.key)) continue;
      const rate = commission.get(bm.key) ?? 0;
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
          const net = effectivePrice(o.price, rate);
          if (net > best[li].net[idx]) {
            best[li].net[idx] = net;
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
      for (const p of b.net) s += 1 / p;
      const margin = 1 - s;
      if (!(margin > 0) || margin < minMargin) continue;
      const { stakes, profit } = dutch(b.net, options.totalStake);
      out.push({
        event_id: ev.id,
        market: line.market,
        point: line.point,
        legs: line.names.map((name, i) => ({
          outcome: name,
          point: line.points[i],
          book: b.book[i],
          price: b.price[i],
          net_price: b.net[i],
          stake: stakes[i],
        })),
        margin,
        profit,
      });
    }
  }
  return out;
}
