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
import { type HitContext, type HitOrigin, HitRecord, type LineContext, type LineSource } from './explain.js';
import { isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import { commissionRate, type NormalizedOptions, normalizeOptions } from './options.js';
import { nowMillis, parseIso, toMillis } from './time.js';
import type { Bookmaker, FindHitsOptions, Hit, OddsEvent } from './types.js';

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

// ---- findHits: two phases per event, no per-event allocation ---------------------------------
//
// The rules above, implemented for speed (~10,000 events per call):
//  - per-call caches for what repeats across events: book key → sharp / priced / commission,
//    market key → used / spread / id part, start time by commence_time, the last parsed timestamp;
//  - each event's objects are first loaded in one tight loop (prefetchEvent), so that their
//    cache misses overlap instead of stalling the rule-heavy walks one at a time;
//  - two phases per event. (1) Only the books up to the last sharp one (usually the sharp book
//    alone) are read into scratch arrays: their outcomes give the lines (first-seen order) and
//    each sharp book's quote per line, hence the fair lines. (2) Every other book is then walked
//    once, straight from the objects, in document order: an outcome is matched to its fair line
//    and slot (trying the previous outcome's line and slot j first), priced inline, and only a
//    price with ev ≥ minEv has its market's age parsed (freshness is tested after EV instead of
//    before: both must pass, so the hits are the same). A book after the last sharp one that
//    adds an outcome to a line with a fair price makes that line's sharp quotes incomplete (the
//    line is the union over all books): the line is dropped and the event priced again (rare);
//  - lines are scratch objects reused across events; only a hit allocates: the hit, its id and,
//    once per line, the line's id prefix and a copy of its sharp quotes in the call's Archive
//    for the lazy explain (the outcome arrays are shared by consecutive lines with the same
//    outcomes; an id's `name|point|` part is kept per line slot across events, and its
//    `event_id|market|name|point|` per line slot, so each hit adds one string).
// The result is the same, in the same order and with the same floating-point operations, as the
// straightforward version (buildLines, sharpQuotes, consensus per line) and as the engine's (a
// property test checks deep equality with the engine, explain included).

interface BookInfo {
  sharp: boolean;
  /** Not sharp and allowed by `books`: its prices are priced. */
  priced: boolean;
  rate: number;
}

interface MarketInfo {
  /** Not a lay market and allowed by `markets`. */
  used: boolean;
  spread: boolean;
  /** `|market|`, the id's part after the event id. */
  idPart: string;
}

/** A line of the event being scanned. Reused across events: `n` is its length, arrays only grow. */
class ScanLine {
  market = '';
  point: number | null = null;
  n = 0;
  names: string[] = [];
  points: (number | null)[] = [];
  /** Last soft bookmaker index that priced each outcome (duplicate guard). */
  seen: number[] = [];
  /** The sharp book being read: its prices (NaN = not yet), count, validity, update time. */
  cur: number[] = [];
  got = 0;
  valid = true;
  upd: string | undefined = undefined;
  /** Complete sharp quotes in bookmaker order: book, update time, prices (n per quote). */
  nq = 0;
  qBook: string[] = [];
  qUpd: (string | undefined)[] = [];
  qPrices: number[] = [];
  /** Quote objects, made only for consensus or explain. */
  quotes: ConsensusQuote[] | null = null;
  hasFair = false;
  fair: number[] = [];
  result: ConsensusResult | null = null;
  /** Its index in the call's Archive once it has a hit (−1: none yet), and `event_id|market|`. */
  archived = -1;
  idPrefix = '';
  /** Per slot, the id's middle part `name|point|` and the (name, point) it was made for (kept across events). */
  mid: string[] = [];
  midName: string[] = [];
  midPoint: (number | null)[] = [];
  /** Per slot, the id up to the book (`idPrefix` + middle part) and the archived line it was made for. */
  head: string[] = [];
  headOf: number[] = [];

  reset(market: string, point: number | null): void {
    this.market = market;
    this.point = point;
    this.n = 0;
    this.nq = 0;
    this.quotes = null;
    this.hasFair = false;
    this.result = null;
    this.archived = -1;
  }

  quoteObjects(): ConsensusQuote[] {
    if (this.quotes === null) {
      const n = this.n;
      const q: ConsensusQuote[] = [];
      for (let j = 0; j < this.nq; j++) {
        q.push({
          book: this.qBook[j],
          decimalOdds: this.qPrices.slice(j * n, j * n + n),
          lastUpdate: this.qUpd[j],
        });
      }
      this.quotes = q;
    }
    return this.quotes;
  }
}

/**
 * Immutable copies of the scanned lines that have hits, for their explain: one per findHits
 * call, in columns (five growing arrays rather than objects per line — what a scan keeps
 * alive is what the garbage collector copies). Per line: its outcomes (one object shared
 * between lines with the same outcomes; never mutated), and its sharp quotes' books, update
 * times and prices; the consensus detail is built on first read, or kept from step 3 (in a
 * map: most lines never need one).
 */
class Archive implements LineSource, HitOrigin {
  /**
   * Sizes per event of the last call (hits, lines, prices): the next call starts its columns at
   * that rate × its own event count (+10 %), so a scan like the last one fills them without
   * regrowing (growing arrays from empty was ~20 % of what a call allocated) and a small call
   * does not get a large call's columns. Typed columns keep numbers unboxed and outside the
   * garbage-collected heap.
   */
  private static rate = { hits: 1, lines: 1, prices: 3 };

  /** Per hit (its number for HitRecord): archived line, outcome slot, soft age. */
  private hitL: Int32Array;
  private hitSlot: Int32Array;
  private hitAge: Float64Array;
  private nHits = 0;
  /**
   * Per line: its outcomes (shared with the previous line when equal), first quote, offset in
   * qPrices. outs and qMeta are plain arrays sized like the typed columns and filled by index
   * (growing them by push from empty was ~0.8 MB of garbage a call).
   */
  private outs: Outcomes[];
  private nOuts = 0;
  private q0: Int32Array;
  private p0: Int32Array;
  /** Per quote: book and update time at 2·q and 2·q + 1. */
  private qMeta: (string | undefined)[];
  private nMeta = 0;
  private qPrices: Float64Array;
  private nPrices = 0;
  /** Line contexts already built (from step 3's consensus, or on first read of an explain). */
  private readonly ctx = new Map<number, LineContext>();

  constructor(private readonly nEvents: number) {
    const r = Archive.rate;
    const size = (perEvent: number) => Math.ceil(perEvent * nEvents * 1.1) + 16;
    this.hitL = new Int32Array(size(r.hits));
    this.hitSlot = new Int32Array(this.hitL.length);
    this.hitAge = new Float64Array(this.hitL.length);
    this.q0 = new Int32Array(size(r.lines));
    this.p0 = new Int32Array(this.q0.length);
    this.qPrices = new Float64Array(size(r.prices));
    this.outs = presized(this.q0.length);
    this.qMeta = presized(2 * this.q0.length);
  }

  /** The call is over: remember its sizes per event for the next Archive. */
  done(): void {
    if (this.nEvents === 0) return;
    Archive.rate = {
      hits: this.nHits / this.nEvents,
      lines: this.nOuts / this.nEvents,
      prices: this.nPrices / this.nEvents,
    };
  }

  /** Archives scratch line L (whose outcomes are `outs`); returns its index. */
  add(L: ScanLine, outs: Outcomes): number {
    const a = this.nOuts;
    this.outs[a] = outs;
    this.nOuts = a + 1;
    if (a === this.q0.length) {
      this.q0 = grown(this.q0);
      this.p0 = grown(this.p0);
    }
    this.q0[a] = this.nMeta / 2;
    this.p0[a] = this.nPrices;
    if (L.result !== null) this.ctx.set(a, { names: outs.names, points: outs.points, result: L.result });
    else {
      const n = L.n;
      const meta = this.qMeta;
      for (let j = 0; j < L.nq; j++) {
        meta[this.nMeta++] = L.qBook[j];
        meta[this.nMeta++] = L.qUpd[j];
      }
      const m = L.nq * n;
      while (this.nPrices + m > this.qPrices.length) this.qPrices = grown(this.qPrices);
      const src = L.qPrices;
      const dst = this.qPrices;
      const o = this.nPrices;
      for (let i = 0; i < m; i++) dst[o + i] = src[i];
      this.nPrices = o + m;
    }
    return a;
  }

  /** Records a hit on archived line l, slot idx; returns its number. */
  hit(l: number, idx: number, age: number): number {
    const i = this.nHits;
    if (i === this.hitL.length) {
      this.hitL = grown(this.hitL);
      this.hitSlot = grown(this.hitSlot);
      this.hitAge = grown(this.hitAge);
    }
    this.hitL[i] = l;
    this.hitSlot[i] = idx;
    this.hitAge[i] = age;
    this.nHits = i + 1;
    return i;
  }

  lineContext(i: number, opts: NormalizedOptions, nowMs: number): LineContext {
    return this.context(this.hitL[i], opts, nowMs);
  }

  outcomeSlot(i: number): number {
    return this.hitSlot[i];
  }

  softAge(i: number): number {
    return this.hitAge[i];
  }

  context(l: number, opts: NormalizedOptions, nowMs: number): LineContext {
    let ctx = this.ctx.get(l);
    if (ctx === undefined) {
      const { names, points } = this.outs[l];
      const n = names.length;
      const q1 = l + 1 < this.nOuts ? this.q0[l + 1] : this.nMeta / 2;
      const quotes: ConsensusQuote[] = [];
      for (let q = this.q0[l], o = this.p0[l]; q < q1; q++, o += n) {
        quotes.push({
          book: this.qMeta[2 * q]!,
          decimalOdds: Array.from(this.qPrices.subarray(o, o + n)),
          lastUpdate: this.qMeta[2 * q + 1],
        });
      }
      ctx = { names, points, result: lineConsensus(quotes, opts, nowMs)! };
      this.ctx.set(l, ctx);
    }
    return ctx;
  }
}

/** A typed column with twice the room, same contents. */
function grown<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(16, a.length * 2));
  b.set(a);
  return b;
}

/**
 * An empty array with room for n elements, filled by index (and grown past n by writing at its
 * length). Capped: V8 makes `new Array(n)` for very large n a slow dictionary-backed array.
 */
function presized<T>(n: number): T[] {
  return new Array<T>(Math.min(n, 50_000));
}

/** A line's outcomes as archived (never mutated once made). */
interface Outcomes {
  names: string[];
  points: (number | null)[];
}

class Scan {
  private readonly bookInfo = new Map<string, BookInfo>();
  private readonly marketInfo = new Map<string, MarketInfo>();
  /** One-entry caches: consecutive events usually list the same books and markets. */
  private readonly bookKeyAt: string[] = [];
  /** This event's book info, by bookmaker index (filled by step 1). */
  private readonly bookAt: BookInfo[] = [];
  /** This event's book keys, by bookmaker index. */
  private readonly bookKeys: string[] = [];
  /** Start times parsed in this call, by `commence_time` (a slate has few distinct ones). */
  private readonly starts = new Map<string, number>();
  /** Sum of prefetchEvent's results: kept so that its loads are not optimized away. */
  private prefetched = 0;
  /** The numbers of the hit being made (see hit()). */
  private hPrice = 0;
  private hEff = 0;
  private hAge = 0;
  private hP = 0;
  private hEv = 0;
  private mkKey: string | undefined = undefined;
  private mkInfo: MarketInfo | undefined = undefined;
  private tsStr: string | undefined = undefined;
  private tsMs = Number.NaN;
  /**
   * Step 1 reads the books up to the last sharp one and leaves what steps 2–3 need in scratch
   * arrays (reused across events):
   * per market (document order): used (1) or skipped (0), update time (market's, else the
   * book's), index of its first outcome in the outcome arrays;
   * per outcome of a used market: its line (−1: none), slot in the line, price (NaN when not a
   * number — invalid either way).
   */
  private mUsed = new Uint8Array(64);
  private mK = new Int32Array(64);
  private readonly mUpd: (string | undefined)[] = [];
  private oLine = new Int32Array(256);
  private oIdx = new Int32Array(256);
  private oPrice = new Float64Array(256);
  /** Index of each bookmaker's first market (bookM[nb] = number of markets). */
  private readonly bookM: number[] = [];
  private readonly lines: ScanLine[] = [];
  private readonly fast: boolean;
  private readonly hc: HitContext;
  private readonly archive: Archive;
  /** Outcomes of the last archived line: the next line with the same outcomes shares them (never mutated). */
  private lastOuts: Outcomes = { names: [], points: [] };

  constructor(
    private readonly opts: NormalizedOptions,
    private readonly nowMs: number,
    private readonly out: Hit[],
    nEvents: number,
  ) {
    this.fast = opts.method === 'multiplicative' && opts.minSharpBooks === 1;
    this.hc = { opts, nowMs };
    this.archive = new Archive(nEvents);
  }

  /** The scan is over (see Archive.done). */
  done(): void {
    this.archive.done();
  }

  /**
   * The id's `event_id|market|name|point|` for slot idx (outcome name, point) of archived line l,
   * remembered for the line's other hits on that slot. Its `name|point|` part is kept per slot
   * across events while the slot keeps its (name, point).
   */
  private idHead(L: ScanLine, l: number, idx: number, name: string, pt: number | null): string {
    let mid: string;
    if (idx < L.mid.length && L.midName[idx] === name && L.midPoint[idx] === pt) mid = L.mid[idx];
    else {
      mid = pt === null ? `${name}||` : `${name}|${String(pt)}|`;
      while (L.mid.length < idx) {
        L.mid.push('');
        L.midName.push('');
        L.midPoint.push(null);
      }
      L.mid[idx] = mid;
      L.midName[idx] = name;
      L.midPoint[idx] = pt;
    }
    const head = L.idPrefix + mid;
    while (L.headOf.length < idx) {
      L.head.push('');
      L.headOf.push(-1);
    }
    L.head[idx] = head;
    L.headOf[idx] = l;
    return head;
  }

  /** Archives scratch line L for its hits' explain; returns its archive index. */
  private freeze(ev: OddsEvent, L: ScanLine): number {
    const n = L.n;
    let outs = this.lastOuts;
    let same = outs.names.length === n;
    for (let i = 0; same && i < n; i++) same = outs.names[i] === L.names[i] && outs.points[i] === L.points[i];
    if (!same) {
      outs = { names: L.names.slice(0, n), points: L.points.slice(0, n) };
      this.lastOuts = outs;
    }
    L.idPrefix = ev.id + this.market(L.market).idPart;
    L.archived = this.archive.add(L, outs);
    return L.archived;
  }

  private book(key: string): BookInfo {
    let info = this.bookInfo.get(key);
    if (info === undefined) {
      const { opts } = this;
      const sharp = opts.sharp.has(key);
      info = {
        sharp,
        priced: !sharp && (opts.books === null || opts.books.has(key)),
        rate: commissionRate(opts, key),
      };
      this.bookInfo.set(key, info);
    }
    return info;
  }

  private market(key: string): MarketInfo {
    if (key === this.mkKey) return this.mkInfo!;
    let info = this.marketInfo.get(key);
    if (info === undefined) {
      const { opts } = this;
      info = {
        used: !isLayMarket(key) && (opts.markets === null || opts.markets.has(key)),
        spread: isSpreadMarket(key),
        idPart: `|${key}|`,
      };
      this.marketInfo.set(key, info);
    }
    this.mkKey = key;
    this.mkInfo = info;
    return info;
  }

  /** An event's start time in ms, each distinct `commence_time` parsed once per call. */
  private start(t: string): number {
    if (typeof t !== 'string') return toMillis(t);
    let ms = this.starts.get(t);
    if (ms === undefined) {
      ms = parseIso(t);
      if (this.starts.size < 4096) this.starts.set(t, ms);
    }
    return ms;
  }

  /** toMillis, remembering the last string parsed (a book's markets usually share one). */
  private millis(t: string | undefined): number {
    if (typeof t !== 'string') return toMillis(t);
    if (t !== this.tsStr) {
      this.tsMs = parseIso(t);
      this.tsStr = t;
    }
    return this.tsMs;
  }

  private growOutcomes(): void {
    this.oLine = doubled(this.oLine);
    this.oIdx = doubled(this.oIdx);
    this.oPrice = doubled(this.oPrice);
  }

  private growMarkets(): void {
    this.mUsed = doubled(this.mUsed);
    this.mK = doubled(this.mK);
  }

  event(ev: OddsEvent): void {
    const { nowMs, lines, bookM, bookAt, bookKeyAt, bookKeys, mUpd } = this;
    if (!(this.start(ev.commence_time) > nowMs)) return;
    const away = ev.away_team;
    const books = ev.bookmakers ?? [];
    const nb = books.length;

    this.prefetched += prefetchEvent(books, nb);

    // 0. The books' roles, by key (a one-entry cache per bookmaker index, then the call's map).
    let lastSharp = -1;
    for (let b = 0; b < nb; b++) {
      const bkey = books[b].key;
      bookKeys[b] = bkey;
      let bi: BookInfo;
      if (b < bookKeyAt.length && bookKeyAt[b] === bkey) bi = bookAt[b];
      else {
        bi = this.book(bkey);
        while (bookKeyAt.length < b) {
          bookKeyAt.push('');
          bookAt.push(bi);
        }
        bookKeyAt[b] = bkey;
        bookAt[b] = bi;
      }
      if (bi.sharp) lastSharp = b;
    }
    if (lastSharp === -1) return; // no quote → no fair line

    // 1. Lines (union of the outcomes) and each outcome's (line, slot, price), over the books up
    // to the last sharp one only (usually the sharp book alone): the lines' outcome order is
    // first-seen order, so books before a sharp one count. An outcome a later book adds to a line
    // leaves that line's sharp quotes incomplete: step 4 finds it and drops the line.
    let nLines = 0;
    let k = 0;
    let mc = 0;
    let { oLine, oIdx, oPrice, mUsed, mK } = this;
    let oCap = oLine.length;
    let mCap = mUsed.length;
    let prevLi = -1;
    let prevL: ScanLine | null = null;
    for (let b = 0; b <= lastSharp; b++) {
      const bm = books[b];
      bookM[b] = mc;
      const markets = bm.markets ?? [];
      const nm = markets.length;
      for (let m = 0; m < nm; m++) {
        const mk = markets[m];
        const key = mk.key;
        const mi = this.market(key);
        if (mc + 1 >= mCap) {
          this.growMarkets();
          mUsed = this.mUsed;
          mK = this.mK;
          mCap = mUsed.length;
        }
        mK[mc] = k;
        mUpd[mc] = mk.last_update ?? bm.last_update;
        mUsed[mc++] = mi.used ? 1 : 0;
        if (!mi.used) continue;
        const outcomes = mk.outcomes ?? [];
        const no = outcomes.length;
        if (k + no > oCap) {
          while (k + no > this.oLine.length) this.growOutcomes();
          oLine = this.oLine;
          oIdx = this.oIdx;
          oPrice = this.oPrice;
          oCap = oLine.length;
        }
        const spread = mi.spread;
        for (let j = 0; j < no; j++) {
          const o = outcomes[j];
          // lines.outcomePoint, inlined: null when none, −0 → 0, invalid → skipped.
          const p0 = o.point;
          const name = o.name;
          let pt: number | null = null;
          if (p0 !== undefined && p0 !== null) {
            if (typeof p0 !== 'number' || !Number.isFinite(p0)) {
              oLine[k++] = -1;
              continue;
            }
            pt = p0 + 0;
          }
          if (typeof name !== 'string') {
            oLine[k++] = -1;
            continue;
          }
          // lines.linePoint: a spread's away side belongs to the home side's line.
          const lp = pt === null ? null : spread && name === away ? 0 - pt : pt;
          let li: number;
          let L: ScanLine;
          if (prevL !== null && prevL.point === lp && prevL.market === key) {
            li = prevLi;
            L = prevL;
          } else {
            li = 0;
            while (li < nLines && !(lines[li].point === lp && lines[li].market === key)) li++;
            if (li === nLines) {
              if (nLines === lines.length) lines.push(new ScanLine());
              lines[nLines++].reset(key, lp);
            }
            L = lines[li];
            prevLi = li;
            prevL = L;
          }
          const n = L.n;
          const names = L.names;
          const points = L.points;
          let idx: number;
          if (j < n && names[j] === name && points[j] === pt) idx = j;
          else {
            idx = 0;
            while (idx < n && !(names[idx] === name && points[idx] === pt)) idx++;
            if (idx === n) {
              names[n] = name;
              points[n] = pt;
              L.n = n + 1;
            }
          }
          const price = o.price;
          oLine[k] = li;
          oIdx[k] = idx;
          // A price that is not a number is invalid like NaN (lines.validPrice); NaN stands in.
          oPrice[k] = typeof price === 'number' ? price : Number.NaN;
          k++;
        }
      }
    }
    mK[mc] = k;
    bookM[lastSharp + 1] = mc;

    // 2. Sharp quotes per line: complete lines of valid prices, in bookmaker order.
    for (let b = 0; b <= lastSharp; b++) {
      if (!bookAt[b].sharp) continue;
      for (let x = 0; x < nLines; x++) {
        const L = lines[x];
        if (L.n < 2) continue;
        for (let i = 0; i < L.n; i++) L.cur[i] = Number.NaN;
        L.got = 0;
        L.valid = true;
        L.upd = undefined;
      }
      for (let mm = bookM[b]; mm < bookM[b + 1]; mm++) {
        if (mUsed[mm] === 0) continue;
        for (let kk = mK[mm]; kk < mK[mm + 1]; kk++) {
          const li = oLine[kk];
          if (li === -1) continue;
          const L = lines[li];
          const idx = oIdx[kk];
          if (L.n < 2 || !Number.isNaN(L.cur[idx])) continue; // repeat: first wins
          if (L.got === 0) L.upd = mUpd[mm];
          const price = oPrice[kk];
          if (!(price > 1 && price < Number.POSITIVE_INFINITY)) L.valid = false;
          L.cur[idx] = price;
          L.got++;
        }
      }
      for (let x = 0; x < nLines; x++) {
        const L = lines[x];
        const n = L.n;
        if (n < 2 || !L.valid || L.got !== n) continue;
        const j = L.nq++;
        L.qBook[j] = bookKeys[b];
        L.qUpd[j] = L.upd;
        for (let i = 0; i < n; i++) L.qPrices[j * n + i] = L.cur[i];
      }
    }

    // 3. Fair line per line.
    if (!this.fairLines(nLines)) return;

    // 4. Price every soft outcome, walking the objects in document order. Should a book after
    // the last sharp one add an outcome to a line with a fair price, that line's sharp quotes
    // were incomplete after all: the line loses its fair price and the event is priced again.
    const start = this.out.length;
    while (!this.price(ev, books, nLines, lastSharp)) {
      this.out.length = start;
      for (let x = 0; x < nLines; x++) lines[x].archived = -1;
      this.clearSeen(nLines);
    }
  }

  /** Step 3: the fair probabilities of every line with enough sharp quotes; false when none has. */
  private fairLines(nLines: number): boolean {
    const { opts, nowMs, lines } = this;
    const sharpMax = opts.sharpMaxAgeSeconds;
    let any = false;
    for (let x = 0; x < nLines; x++) {
      const L = lines[x];
      const n = L.n;
      if (n < 2 || L.nq < opts.minSharpBooks) continue;
      // One fresh quote + multiplicative → devig inline (devig.ts's arithmetic, which consensus
      // returns unchanged for one book); otherwise consensus.
      if (this.fast && n <= MAX_OUTCOMES) {
        let fresh = -1;
        let nFresh = 0;
        for (let j = 0; j < L.nq; j++) {
          if (sharpMax === undefined || (nowMs - this.millis(L.qUpd[j])) / 1000 <= sharpMax) {
            nFresh++;
            fresh = j;
          }
        }
        if (nFresh === 1) {
          const q = L.qPrices;
          const o = fresh * n;
          let S = 0;
          for (let i = 0; i < n; i++) S += 1 / q[o + i];
          for (let i = 0; i < n; i++) L.fair[i] = 1 / q[o + i] / S;
          L.hasFair = true;
          any = true;
          continue;
        }
      }
      const result = lineConsensus(L.quoteObjects(), opts, nowMs);
      if (result === null) continue;
      for (let i = 0; i < n; i++) L.fair[i] = result.probabilities[i];
      L.result = result;
      L.hasFair = true;
      any = true;
    }
    if (any) this.clearSeen(nLines);
    return any;
  }

  /** Step 4's duplicate guard, cleared for this event's lines. */
  private clearSeen(nLines: number): void {
    for (let x = 0; x < nLines; x++) {
      const L = this.lines[x];
      for (let i = 0; i < L.n; i++) L.seen[i] = -1;
    }
  }

  /**
   * Step 4: every priced book's outcomes on lines with a fair price, in document order, straight
   * from the objects; ev = p × effective price − 1, and only a price with ev ≥ minEv has its
   * market's age parsed (the freshness test after the EV test: both must pass, so the hits are
   * the same). Books after the last sharp one are also checked for outcomes their line lacks:
   * such a line is dropped and false returned (the caller prices the event again).
   */
  private price(ev: OddsEvent, books: Bookmaker[], nLines: number, lastSharp: number): boolean {
    const { opts, nowMs, lines, bookAt, bookKeys } = this;
    const away = ev.away_team;
    const nb = books.length;
    const softMax = opts.softMaxAgeSeconds;
    const { minEv, minOdds, maxOdds, suspectEv } = opts;
    let prevL: ScanLine | null = null;
    for (let b = 0; b < nb; b++) {
      const bi = bookAt[b];
      const priced = bi.priced;
      // A book that is not priced still adds outcomes to the lines (sharp ones have been read).
      if (bi.sharp || (!priced && b < lastSharp)) continue;
      const rate = bi.rate;
      const bm = books[b];
      const markets = bm.markets ?? [];
      const nm = markets.length;
      for (let m = 0; m < nm; m++) {
        const mk = markets[m];
        const key = mk.key;
        const mi = this.market(key);
        if (!mi.used) continue;
        const outcomes = mk.outcomes ?? [];
        const no = outcomes.length;
        const spread = mi.spread;
        let age = 0;
        let known = false;
        for (let j = 0; j < no; j++) {
          const o = outcomes[j];
          const p0 = o.point;
          const name = o.name;
          let pt: number | null = null;
          if (p0 !== undefined && p0 !== null) {
            if (typeof p0 !== 'number' || !Number.isFinite(p0)) continue;
            pt = p0 + 0;
          }
          if (typeof name !== 'string') continue;
          const lp = pt === null ? null : spread && name === away ? 0 - pt : pt;
          let L: ScanLine;
          if (prevL !== null && prevL.point === lp && prevL.market === key) L = prevL;
          else {
            let li = 0;
            while (li < nLines && !(lines[li].point === lp && lines[li].market === key)) li++;
            if (li === nLines) continue; // no sharp book quotes this line
            L = lines[li];
            prevL = L;
          }
          if (!L.hasFair) continue;
          const n = L.n;
          const names = L.names;
          const points = L.points;
          let idx: number;
          if (j < n && names[j] === name && points[j] === pt) idx = j;
          else {
            idx = 0;
            while (idx < n && !(names[idx] === name && points[idx] === pt)) idx++;
            if (idx === n) {
              // An outcome no book up to the last sharp one quotes: the line is incomplete.
              L.hasFair = false;
              return false;
            }
          }
          if (!priced || L.seen[idx] === b) continue; // repeat within this book: first wins
          L.seen[idx] = b;
          const price = o.price;
          // lines.validPrice, then the odds range.
          if (
            typeof price !== 'number' ||
            !(price > 1 && price < Number.POSITIVE_INFINITY) ||
            price < minOdds ||
            price > maxOdds
          )
            continue;
          const p = L.fair[idx];
          const eff = rate === 0 ? price : 1 + (price - 1) * (1 - rate); // ev.effectivePrice
          const evv = p * eff - 1;
          if (!(evv >= minEv)) continue;
          if (!known) {
            age = (nowMs - this.millis(mk.last_update ?? bm.last_update)) / 1000;
            known = true;
          }
          if (!(softMax === undefined || age <= softMax)) continue;
          this.hPrice = price;
          this.hEff = eff;
          this.hAge = age;
          this.hP = p;
          this.hEv = evv;
          this.hit(ev, L, idx, bookKeys[b], suspectEv);
        }
      }
    }
    return true;
  }

  /**
   * Makes the hit whose numbers step 4 left in hPrice … hEv. (Passed in fields, not as arguments:
   * this call is not inlined, so five number arguments would be five boxed numbers per hit.)
   */
  private hit(ev: OddsEvent, L: ScanLine, idx: number, book: string, suspectEv: number | undefined): void {
    const price = this.hPrice;
    const eff = this.hEff;
    const age = this.hAge;
    const p = this.hP;
    const evv = this.hEv;
    const l = L.archived === -1 ? this.freeze(ev, L) : L.archived;
    const name = L.names[idx];
    const pt = L.points[idx];
    // lines.hitId(ev.id, market, name, pt, book): `event_id|market|name|point|` is made once per
    // line slot, so a hit adds one string (the book's key to it).
    const head =
      idx < L.headOf.length && L.headOf[idx] === l ? L.head[idx] : this.idHead(L, l, idx, name, pt);
    const id = head + book;
    this.out.push(
      new HitRecord(
        id,
        ev.id,
        ev.sport_key,
        ev.sport_title,
        ev.home_team,
        ev.away_team,
        ev.commence_time,
        L.market,
        name,
        pt,
        book,
        this.archive,
        this.archive.hit(l, idx, age),
        this.hc,
        price,
        eff,
        p,
        evv,
        suspectEv !== undefined && evv > suspectEv,
      ),
    );
  }
}

function doubled<T extends Int32Array | Float64Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

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

/**
 * Loads every bookmaker, market and outcome object of an event, and each bookmaker's key, before
 * the rules read them. A 10,000-event snapshot is much larger than the CPU caches, so the first
 * read of each object misses them. Here the reads do not depend on one another and the loop is
 * short, so the CPU keeps many misses in flight at once; the rule-heavy walks that follow then
 * find the objects in cache instead of waiting for them one by one (≈ 10 % of a findHits call on
 * the benchmark's snapshot; see PERFORMANCE.md). It only reads, and never throws: a malformed
 * object (a null book, market or outcome) ends the loop and the rules decide what it means.
 * (A try block, not `?.` on every read: optional chaining in this loop cost ≈ 1.5 ms a call.)
 * Returns a number only so that the reads are kept.
 */
function prefetchEvent(books: Bookmaker[], nb: number): number {
  let n = 0;
  try {
    for (let b = 0; b < nb; b++) {
      const bm = books[b];
      const key = bm.key;
      if (typeof key === 'string') n += key.length;
      const markets = bm.markets;
      if (markets === undefined) continue;
      for (let m = 0; m < markets.length; m++) {
        const outcomes = markets[m].outcomes;
        if (outcomes === undefined) continue;
        for (let j = 0; j < outcomes.length; j++) if (outcomes[j].price === undefined) n++;
      }
    }
  } catch {
    // Malformed input: left to the rules.
  }
  return n;
}
