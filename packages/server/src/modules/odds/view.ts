import { createHash } from 'node:crypto';
import type { FairMarket, OddsEvent, OddsFormat } from '@evision/contract';
import { fromDecimal } from '@evision/ev-core';
import { bookInRegions } from './providers/books';

export interface ViewParams {
  sport: string;
  regions?: string[];
  markets?: string[];
  bookmakers?: string[];
  event_id?: string;
  odds_format: OddsFormat;
}

/**
 * The cache key of a view: the same question asked with lists in another order or with
 * duplicates maps to the same key (`odds:<sport>:<hash>`), so `clearPattern('odds:<sport>:*')`
 * drops every view of a sport.
 */
export function viewCacheKey(p: ViewParams): string {
  const norm = (xs?: string[]) => (xs && xs.length > 0 ? [...new Set(xs)].sort().join(',') : '*');
  const canonical = `r=${norm(p.regions)}&m=${norm(p.markets)}&b=${norm(p.bookmakers)}&f=${p.odds_format}&e=${p.event_id ?? '*'}`;
  return `odds:${p.sport}:${createHash('sha1').update(canonical).digest('hex').slice(0, 16)}`;
}

/**
 * Filters a snapshot like The Odds API filters a request: `bookmakers` wins over `regions`
 * (books outside the known catalogue only appear when named); asking for `h2h` also returns the
 * exchanges' `h2h_lay`. Events keep an empty `bookmakers` list when nothing matches, as v4 does.
 * Each event gets `fair` beside its books: the fair line of each market (from every book, so the
 * line does not move when the view leaves the sharp books out).
 */
export function buildView(
  all: readonly OddsEvent[],
  p: ViewParams,
  fairOf: (events: readonly OddsEvent[]) => Map<string, FairMarket[]> = () => new Map(),
): unknown[] {
  const events = p.event_id ? all.filter((e) => e.id === p.event_id) : all;
  const fair = fairOf(events);
  const books = p.bookmakers && p.bookmakers.length > 0 ? new Set(p.bookmakers) : null;
  const regions = !books && p.regions && p.regions.length > 0 ? p.regions : null;
  const markets = p.markets && p.markets.length > 0 ? new Set(p.markets) : null;
  if (markets?.has('h2h')) markets.add('h2h_lay');
  const convert = priceConverter(p.odds_format);
  return events.map((ev) => ({
    ...ev,
    bookmakers: ev.bookmakers
      .filter((b) => (books ? books.has(b.key) : regions ? bookInRegions(b.key, regions) : true))
      .map((b) => ({
        ...b,
        markets: b.markets
          .filter((m) => !markets || markets.has(m.key))
          .map((m) =>
            convert ? { ...m, outcomes: m.outcomes.map((o) => ({ ...o, price: convert(o.price) })) } : m,
          ),
      }))
      .filter((b) => b.markets.length > 0),
    fair: (fair.get(ev.id) ?? []).filter((m) => !markets || markets.has(m.key)),
  }));
}

function priceConverter(format: OddsFormat): ((d: number) => number | string) | null {
  // ev-core's conversions: American as a whole number like The Odds API (+150, −110),
  // fractional as the nearest reduced fraction ("5/2").
  if (format === 'american' || format === 'fractional') return (d) => fromDecimal(d, format);
  return null;
}
