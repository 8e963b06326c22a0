import type { FairMarket, OddsEvent, OddsFormat } from '@evision/contract';
import { findHits, fromDecimal } from '@evision/ev-core';
import type { EngineSettings } from '../../config';
import { engineOptions } from '../scanner/scanner';

/** Every quoted outcome's fair price: the engine's settings with every soft price admitted. */
function fairOptions(settings: EngineSettings, now: number) {
  return {
    ...engineOptions(settings),
    minEv: Number.NEGATIVE_INFINITY,
    suspectEv: undefined,
    softMaxAgeSeconds: undefined,
    now,
  };
}

/**
 * The fair line of each market of each event (the same derivation as the closing line): the
 * devigged sharp consensus of every outcome a soft book quotes. Events or markets without
 * enough fresh sharp books are missing from the map / have no entry.
 */
export function fairLines(
  events: readonly OddsEvent[],
  settings: EngineSettings,
  now: number,
  format: OddsFormat = 'decimal',
): Map<string, FairMarket[]> {
  const out = new Map<string, FairMarket[]>();
  if (events.length === 0) return out;
  let hits: ReturnType<typeof findHits>;
  try {
    hits = findHits(events as OddsEvent[], fairOptions(settings, now));
  } catch {
    return out;
  }
  const seen = new Set<string>();
  const markets = new Map<string, FairMarket>();
  for (const h of hits) {
    const x = h.explain;
    x.line.forEach((o, i) => {
      const point = o.point ?? null;
      const key = `${h.event_id}|${h.market}|${o.name}|${point ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      const p = x.fair_probabilities[i];
      const mkKey = `${h.event_id}|${h.market}`;
      let mk = markets.get(mkKey);
      if (!mk) {
        mk = { key: h.market, outcomes: [] };
        markets.set(mkKey, mk);
        const list = out.get(h.event_id) ?? [];
        list.push(mk);
        out.set(h.event_id, list);
      }
      const decimal = 1 / p;
      mk.outcomes.push({
        name: o.name,
        point,
        price: format === 'decimal' ? decimal : fromDecimal(decimal, format),
        probability: p,
      });
    });
  }
  return out;
}

export interface MarketPriceRow {
  outcome: string;
  point: string;
  book: string;
  price: number;
  at: string;
}

export interface EventMeta {
  id: string;
  sport: string;
  home_team: string;
  away_team: string;
  commence_time: string;
}

/**
 * The fair price of one outcome after each recorded change of its market: the market is rebuilt
 * from the line history (each book's latest prices at that moment) and devigged as the scanner
 * would have then. At most `maxSteps` of the latest change times are replayed.
 */
export function fairSeries(
  rows: readonly MarketPriceRow[],
  meta: EventMeta,
  market: string,
  target: { outcome: string; point?: number },
  settings: EngineSettings,
  maxSteps = 300,
): { at: string; price: number; probability: number }[] {
  const times = [...new Set(rows.map((r) => r.at))].sort();
  const steps = times.slice(-maxSteps);
  const first = steps[0];
  // The state of every book before the first replayed step.
  const books = new Map<string, { at: string; prices: Map<string, number> }>();
  const apply = (r: MarketPriceRow) => {
    let b = books.get(r.book);
    if (!b) {
      b = { at: r.at, prices: new Map() };
      books.set(r.book, b);
    }
    b.prices.set(`${r.outcome}|${r.point}`, r.price);
    if (r.at > b.at) b.at = r.at;
  };
  const sorted = [...rows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let i = 0;
  while (i < sorted.length && first !== undefined && sorted[i].at < first) apply(sorted[i++]);
  const wantPoint = target.point === undefined ? '' : String(target.point);
  const out: { at: string; price: number; probability: number }[] = [];
  for (const at of steps) {
    while (i < sorted.length && sorted[i].at <= at) apply(sorted[i++]);
    const event: OddsEvent = {
      id: meta.id,
      sport_key: meta.sport,
      sport_title: meta.sport,
      commence_time: meta.commence_time,
      home_team: meta.home_team,
      away_team: meta.away_team,
      bookmakers: [...books].map(([key, b]) => ({
        key,
        title: key,
        last_update: b.at,
        markets: [
          {
            key: market,
            last_update: b.at,
            outcomes: [...b.prices].map(([k, price]) => {
              const [name, point] = splitKey(k);
              return point === '' ? { name, price } : { name, price, point: Number(point) };
            }),
          },
        ],
      })),
    };
    const fair = fairLines([event], settings, Date.parse(at))
      .get(meta.id)
      ?.find((m) => m.key === market);
    const o = fair?.outcomes.find(
      (x) => x.name === target.outcome && (x.point === null ? '' : String(x.point)) === wantPoint,
    );
    if (o && typeof o.price === 'number') out.push({ at, price: o.price, probability: o.probability });
  }
  return out;
}

function splitKey(k: string): [string, string] {
  const j = k.lastIndexOf('|');
  return [k.slice(0, j), k.slice(j + 1)];
}
