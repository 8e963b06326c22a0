/**
 * findHits: the reference implementation of hit detection over Odds API v4 objects.
 * (The engine in engine.ts is the fast, stateful one; both share line-model.ts and a property
 * test keeps them equal — decisions/0007 says why there are two.)
 *
 * Per event that has not started:
 *  1. group every book's outcomes into lines (lines.ts); a line's expected outcomes are the
 *     union of the (name, point) pairs any book quotes on it — so a sharp book that leaves out
 *     the Draw of a soccer h2h, or one side of a spread, is incomplete and not used;
 *  2. for each line, every sharp book with a complete line of valid prices is a quote; consensus
 *     drops stale ones (sharpMaxAgeSeconds), devigs the rest and pools them; fewer than
 *     minSharpBooks → the line has no fair price;
 *  3. every other book's price on a line with a fair price (document order: bookmaker, market,
 *     outcome) that passes the filters (books, markets, odds range, soft freshness) is priced at
 *     its effective price after commission; ev ≥ minEv → a hit.
 * The market's age is market.last_update ?? bookmaker.last_update. `*_lay` markets are ignored.
 * The first occurrence of a (book, market, name, point) wins; repeats are ignored.
 */
import { normalizeOptions } from './options.js';
import { Scan } from './scan.js';
import { nowMillis } from './time.js';
import type { FindHitsOptions, Hit, OddsEvent } from './types.js';

export { buildLines, findLine, type Line, lineConsensus, outcomeIndex, sharpQuotes } from './line-model.js';

/** Every +EV price in `events` (see the module comment for the rules). */
export function findHits(events: OddsEvent[], options: FindHitsOptions): Hit[] {
  const nowMs = nowMillis(options.now);
  const opts = normalizeOptions(options);
  const out: Hit[] = [];
  const scan = new Scan(opts, nowMs, out, events.length);
  for (let e = 0; e < events.length; e++) scan.event(events[e]);
  scan.done();
  return out;
}
