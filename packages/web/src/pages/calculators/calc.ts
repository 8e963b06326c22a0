/** The calculators' math: thin wrappers over @evision/ev-core that turn typed text into results or a message. */
import {
  DEVIG_METHODS,
  type DevigMethod,
  type DevigResult,
  devig,
  dutch,
  kelly,
  type OddsFormat,
  toDecimal,
} from '@evision/ev-core';

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

/** Reads a price typed in `format` ("2.5", "+150", "3/2", "0.4") as decimal odds. */
export function parsePrice(text: string, format: OddsFormat): Parsed {
  if (text.trim() === '') return { ok: false, error: 'Enter a price.' };
  try {
    return { ok: true, value: toDecimal(text.trim(), format) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Reads a plain positive number (bankroll, stake); `max` bounds it when set. */
export function parseAmount(text: string, what: string, max?: number): Parsed {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) {
    return { ok: false, error: `${what} must be a number greater than 0.` };
  }
  if (max !== undefined && n > max) return { ok: false, error: `${what} must be at most ${max}.` };
  return { ok: true, value: n };
}

export interface EvKellyResult {
  /** p × price − 1, per unit staked. */
  ev: number;
  /** Full Kelly share of bankroll. */
  kelly: number;
  /** Bankroll × full Kelly × fraction, or null without a bankroll. */
  stake: number | null;
}

/** EV and Kelly the way POST /api/tools/ev computes them (same ev-core calls, same stake rule). */
export function evKelly(p: number, price: number, fraction: number, bankroll: number | null): EvKellyResult {
  const k = kelly(p, price);
  return { ev: p * price - 1, kelly: k, stake: bankroll === null ? null : bankroll * k * fraction };
}

export type DevigRow = { method: DevigMethod; result: DevigResult } | { method: DevigMethod; error: string };

/** Every devig method on one market, side by side; a method that cannot solve reports why. */
export function devigAll(prices: number[]): DevigRow[] {
  return DEVIG_METHODS.map((method) => {
    try {
      return { method, result: devig(prices, method) };
    } catch (err) {
      return { method, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** Equal-return stakes over the prices; `margin` = Σ 1/o − 1 (negative means an arbitrage). */
export function split(
  prices: number[],
  total: number,
): { stakes: number[]; profit: number; payout: number; margin: number } {
  const { stakes, profit } = dutch(prices, total);
  const margin = prices.reduce((s, o) => s + 1 / o, 0) - 1;
  return { stakes, profit, payout: total + profit, margin };
}

export const METHOD_LABELS: Record<DevigMethod, string> = {
  multiplicative: 'Multiplicative',
  additive: 'Additive',
  power: 'Power',
  shin: 'Shin',
  odds_ratio: 'Odds ratio',
  probit: 'Probit',
  worst_case: 'Worst case',
};
