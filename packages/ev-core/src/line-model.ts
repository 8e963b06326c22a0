/**
 * The line model both hit detectors share (findHits in hits.ts, the engine in engine.ts): an
 * event's lines and their expected outcomes, and each sharp book's quote on a line. Rules in
 * hits.ts's module comment.
 */
import { type ConsensusQuote, consensus } from './consensus.js';
import type { LineContext } from './explain.js';
import { isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import type { NormalizedOptions } from './options.js';
import type { OddsEvent } from './types.js';

export interface Line {
  market: string;
  point: number | null;
  names: string[];
  points: (number | null)[];
  /** Last bookmaker index that priced each outcome (duplicate guard). */
  seen: number[];
  fair: number[] | null;
  /** The sharp quotes the fair line came from (for explain). */
  quotes?: ConsensusQuote[];
  ctx: LineContext | null;
}

export function findLine(lines: Line[], market: string, point: number | null): number {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.point === point && l.market === market) return i;
  }
  return -1;
}

export function lineConsensus(quotes: ConsensusQuote[], opts: NormalizedOptions, nowMs: number) {
  return consensus(quotes, {
    method: opts.method,
    methods: opts.methods,
    minBooks: opts.minSharpBooks,
    maxAgeSeconds: opts.sharpMaxAgeSeconds,
    now: nowMs,
  });
}

export function outcomeIndex(line: Line, name: string, point: number | null): number {
  for (let i = 0; i < line.names.length; i++)
    if (line.names[i] === name && line.points[i] === point) return i;
  return -1;
}

/** Step 1: the event's lines and their expected outcomes (union over all books), in first-seen order. */
export function buildLines(ev: OddsEvent, opts: NormalizedOptions): Line[] {
  const away = ev.away_team;
  const books = ev.bookmakers ?? [];
  const lines: Line[] = [];
  for (let b = 0; b < books.length; b++) {
    const markets = books[b].markets ?? [];
    for (let m = 0; m < markets.length; m++) {
      const mk = markets[m];
      const key = mk.key;
      if (isLayMarket(key) || (opts.markets !== null && !opts.markets.has(key))) continue;
      const spread = isSpreadMarket(key);
      const outcomes = mk.outcomes ?? [];
      for (let k = 0; k < outcomes.length; k++) {
        const o = outcomes[k];
        const pt = outcomePoint(o);
        if (pt === undefined || typeof o.name !== 'string') continue;
        const lp = linePoint(spread, o.name, pt, away);
        const li = findLine(lines, key, lp);
        let line: Line;
        if (li === -1) {
          line = { market: key, point: lp, names: [], points: [], seen: [], fair: null, ctx: null };
          lines.push(line);
        } else line = lines[li];
        if (outcomeIndex(line, o.name, pt) === -1) {
          line.names.push(o.name);
          line.points.push(pt);
          line.seen.push(-1);
        }
      }
    }
  }

  return lines;
}

/** Quotes of the sharp books on one line, in bookmaker order; incomplete or invalid ones left out. */
export function sharpQuotes(ev: OddsEvent, line: Line, opts: NormalizedOptions): ConsensusQuote[] {
  const quotes: ConsensusQuote[] = [];
  const n = line.names.length;
  const spread = isSpreadMarket(line.market);
  for (const bm of ev.bookmakers ?? []) {
    if (!opts.sharp.has(bm.key)) continue;
    const prices = new Array<number>(n).fill(Number.NaN);
    let lastUpdate: string | undefined;
    let got = 0;
    let valid = true;
    for (const mk of bm.markets ?? []) {
      if (mk.key !== line.market) continue;
      for (const o of mk.outcomes ?? []) {
        const pt = outcomePoint(o);
        if (pt === undefined || typeof o.name !== 'string') continue;
        if (linePoint(spread, o.name, pt, ev.away_team) !== line.point) continue;
        const idx = outcomeIndex(line, o.name, pt);
        if (!Number.isNaN(prices[idx])) continue; // repeat: first wins
        if (got === 0) lastUpdate = mk.last_update ?? bm.last_update;
        if (!validPrice(o.price)) valid = false;
        prices[idx] = o.price;
        got++;
      }
    }
    if (valid && got === n) quotes.push({ book: bm.key, decimalOdds: prices, lastUpdate });
  }
  return quotes;
}
