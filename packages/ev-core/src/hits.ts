/**
 * findHits: the reference implementation of hit detection over Odds API v4 objects.
 * (The engine in engine.ts is the fast, stateful one; a property test keeps them equal.)
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
import { type ConsensusQuote, type ConsensusResult, consensus } from './consensus.js';
import { MAX_OUTCOMES } from './devig.js';
import { effectivePrice } from './ev.js';
import { type EventMeta, type LineContext, type LineSource, makeHit } from './explain.js';
import { isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import { commissionRate, type NormalizedOptions, normalizeOptions } from './options.js';
import { ageSeconds, isFresh, nowMillis, toMillis } from './time.js';
import type { FindHitsOptions, Hit, OddsEvent } from './types.js';

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

class EventLines implements LineSource {
  constructor(private readonly lines: Line[]) {}
  context(l: number, opts: NormalizedOptions, nowMs: number): LineContext {
    const line = this.lines[l];
    line.ctx ??= {
      names: line.names,
      points: line.points,
      result: lineConsensus(line.quotes!, opts, nowMs)!,
    };
    return line.ctx;
  }
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

/**
 * The fair line without the consensus machinery when exactly one sharp quote is fresh, the
 * method is multiplicative and one book suffices; undefined when that shortcut does not apply.
 */
function fastFair(quotes: ConsensusQuote[], opts: NormalizedOptions, nowMs: number): number[] | undefined {
  if (opts.method !== 'multiplicative' || opts.minSharpBooks !== 1) return undefined;
  let fresh: ConsensusQuote | undefined;
  for (const q of quotes) {
    if (isFresh(ageSeconds(nowMs, toMillis(q.lastUpdate)), opts.sharpMaxAgeSeconds)) {
      if (fresh !== undefined) return undefined;
      fresh = q;
    }
  }
  if (fresh === undefined) return undefined;
  const o = fresh.decimalOdds;
  if (o.length > MAX_OUTCOMES) return undefined;
  let S = 0;
  for (let i = 0; i < o.length; i++) S += 1 / o[i];
  const p = new Array<number>(o.length);
  for (let i = 0; i < o.length; i++) p[i] = 1 / o[i] / S;
  return p;
}

export function outcomeIndex(line: Line, name: string, point: number | null): number {
  for (let i = 0; i < line.names.length; i++)
    if (line.names[i] === name && line.points[i] === point) return i;
  return -1;
}

export function marketAge(nowMs: number, marketUpdate: string | undefined, bookUpdate: string | undefined) {
  return ageSeconds(nowMs, toMillis(marketUpdate ?? bookUpdate));
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
  for (const bm of ev.bookmakers) {
    if (!opts.sharp.has(bm.key)) continue;
    const prices = new Array<number>(n).fill(Number.NaN);
    let lastUpdate: string | undefined;
    let got = 0;
    let valid = true;
    for (const mk of bm.markets) {
      if (mk.key !== line.market) continue;
      for (const o of mk.outcomes) {
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

function findEventHits(ev: OddsEvent, opts: NormalizedOptions, nowMs: number, out: Hit[]): void {
  const commence = toMillis(ev.commence_time);
  if (!(commence > nowMs)) return;
  const away = ev.away_team;
  const books = ev.bookmakers ?? [];
  const lines = buildLines(ev, opts);

  // 2. Fair line per line from the sharp consensus.
  let any = false;
  for (const line of lines) {
    if (line.names.length < 2) continue;
    const quotes = sharpQuotes(ev, line, opts);
    if (quotes.length < opts.minSharpBooks) continue;
    line.quotes = quotes;
    // Common case (one fresh sharp book, multiplicative): the fair line is r/S directly, and the
    // consensus detail for explain is built only if someone reads it. Same result, bit for bit:
    // consensus returns a lone book's devig unchanged, and this is devig's arithmetic.
    const fast = fastFair(quotes, opts, nowMs);
    if (fast !== undefined) {
      line.fair = fast;
    } else {
      const result: ConsensusResult | null = lineConsensus(quotes, opts, nowMs);
      if (result === null) continue;
      line.fair = result.probabilities;
      line.ctx = { names: line.names, points: line.points, result };
    }
    any = true;
  }
  if (!any) return;

  // 3. Price every soft outcome in document order.
  const meta: EventMeta = {
    id: ev.id,
    sport_key: ev.sport_key,
    sport_title: ev.sport_title,
    home_team: ev.home_team,
    away_team: ev.away_team,
    commence_time: ev.commence_time,
  };
  let src: EventLines | undefined;
  for (let b = 0; b < books.length; b++) {
    const bm = books[b];
    if (opts.sharp.has(bm.key) || (opts.books !== null && !opts.books.has(bm.key))) continue;
    const rate = commissionRate(opts, bm.key);
    const markets = bm.markets ?? [];
    for (let m = 0; m < markets.length; m++) {
      const mk = markets[m];
      const key = mk.key;
      if (isLayMarket(key) || (opts.markets !== null && !opts.markets.has(key))) continue;
      const age = marketAge(nowMs, mk.last_update, bm.last_update);
      const fresh = isFresh(age, opts.softMaxAgeSeconds);
      const spread = isSpreadMarket(key);
      const outcomes = mk.outcomes ?? [];
      for (let k = 0; k < outcomes.length; k++) {
        const o = outcomes[k];
        const pt = outcomePoint(o);
        if (pt === undefined || typeof o.name !== 'string') continue;
        const li = findLine(lines, key, linePoint(spread, o.name, pt, away));
        if (li === -1) continue;
        const line = lines[li];
        if (line.fair === null) continue;
        const idx = outcomeIndex(line, o.name, pt);
        if (line.seen[idx] === b) continue; // repeat within this book: first wins
        line.seen[idx] = b;
        if (!fresh) continue;
        const price = o.price;
        if (!validPrice(price) || price < opts.minOdds || price > opts.maxOdds) continue;
        const p = line.fair[idx];
        const eff = effectivePrice(price, rate);
        const evv = p * eff - 1;
        if (!(evv >= opts.minEv)) continue;
        const suspect = opts.suspectEv !== undefined && evv > opts.suspectEv;
        src ??= new EventLines(lines);
        out.push(
          makeHit(
            meta,
            key,
            o.name,
            pt,
            bm.key,
            idx,
            price,
            rate,
            eff,
            age,
            p,
            evv,
            suspect,
            src,
            li,
            opts,
            nowMs,
          ),
        );
      }
    }
  }
}

/** Every +EV price in `events` (see the module comment for the rules). */
export function findHits(events: OddsEvent[], options: FindHitsOptions): Hit[] {
  const nowMs = nowMillis(options.now);
  const opts = normalizeOptions(options);
  const out: Hit[] = [];
  for (const ev of events) findEventHits(ev, opts, nowMs, out);
  return out;
}
