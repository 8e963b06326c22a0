/**
 * Grouping a market's outcomes into "lines". A line is what one devig applies to: a market key
 * plus a set of (name, point) outcomes that together are exhaustive.
 *  - no point (h2h, outrights): one line per market, point null;
 *  - spreads (any key containing "spread"): Home −x pairs with Away +x, so the line is keyed by
 *    the home side's point (an away outcome at +x belongs to line −x);
 *  - anything else with points (totals, team totals, …): Over x / Under x share line x.
 * A soft price is compared only with the fair line it belongs to, and only if that line quotes
 * its exact (name, point): a book offering −4.5 is never priced against a −3.5 line.
 */
import type { Outcome } from './types.js';

export function isLayMarket(key: string): boolean {
  return key.endsWith('_lay');
}

export function isSpreadMarket(key: string): boolean {
  return key.includes('spread');
}

/** The outcome's own point normalized (−0 → 0); null when it has none; undefined when invalid. */
export function outcomePoint(o: Outcome): number | null | undefined {
  const p = o.point;
  if (p === undefined || p === null) return null;
  if (typeof p !== 'number' || !Number.isFinite(p)) return undefined;
  return p + 0;
}

/** The line an outcome belongs to (see header); undefined for an outcome we cannot place. */
export function linePoint(
  spread: boolean,
  name: string,
  point: number | null,
  awayTeam: string,
): number | null {
  if (point === null) return null;
  if (spread && name === awayTeam) return 0 - point; // 0 − x keeps −0 out
  return point;
}

/** Valid decimal price: a finite number > 1. */
export function validPrice(price: unknown): price is number {
  return typeof price === 'number' && price > 1 && price < Number.POSITIVE_INFINITY;
}

/** id = event_id|market|outcome|point|book; point as JavaScript prints it, empty when none. */
export function hitId(
  eventId: string,
  market: string,
  outcome: string,
  point: number | null | undefined,
  book: string,
) {
  return `${eventId}|${market}|${outcome}|${point === null || point === undefined ? '' : String(point)}|${book}`;
}
