/**
 * The stateful engine behind the server's scanner and ingest endpoint.
 *
 * Each event is compiled once (when it changes, or after setOptions) into a Block: everything
 * that does not depend on `now` — grouping into lines, completeness, duplicates, book/market
 * filters, odds range, commission — is settled there, and the numbers land in flat typed
 * arrays: the sharp quotes (prices, update times) per line and the soft "cells" (every priceable
 * soft price in document order: its line, fair-probability slot, price, update time, rate).
 *
 * For a full scan the blocks are packed into one arena (the same columns, concatenated, in event
 * order), so priceAll is one sequential pass over contiguous Float64Arrays — per line, sharp
 * freshness and devig (inlined for the common one-book multiplicative case); per cell, soft
 * freshness and EV against minEv. 10,000 separately allocated little arrays would instead cost
 * a cache miss each. An update recompiles just that event — or, when one soft book re-quotes the
 * same outcomes (the usual update), patches that book's cells in the event's block without
 * reading its other books (patchBook); its arena region is overwritten in place when the shape
 * is unchanged (a price moved), else appended, and the arena is repacked when more than half of
 * it is dead. priceEvent prices the event's own block directly.
 *
 * Only prices that are hits become objects (HitRecord, explain.ts); their `explain` — a lazy
 * prototype getter, so `{ ...hit }` does not copy it — is built on first access from the
 * block's JavaScript-side data (sharp quotes, names), which is never mutated after compile, and
 * a hit keeps its own numbers (patchBook rewrites only cell numbers), so a returned hit never
 * changes. priceAll returns exactly what findHits returns on events() — the
 * same order and the same floating-point operations; a property test checks deep equality.
 */
import { type ConsensusQuote, consensus } from './consensus.js';
import { MAX_OUTCOMES } from './devig.js';
import {
  type EventMeta,
  type HitContext,
  type HitOrigin,
  HitRecord,
  type LineContext,
  type LineSource,
} from './explain.js';
import { findLine, type Line, outcomeIndex, sharpQuotes } from './hits.js';
import { hitId, isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import { commissionRate, type NormalizedOptions, normalizeOptions } from './options.js';
import { nowMillis, toMillis } from './time.js';
import type { Bookmaker, Engine, FindHitsOptions, Hit, OddsEvent } from './types.js';

/** The numeric columns, for one block (local indexes) or the arena (global indexes). */
interface Store {
  /** Per line: offset of its outcomes in `fair`, outcome count, sharp quote range. */
  lineFair: Int32Array;
  lineN: Int32Array;
  lineSq0: Int32Array;
  lineSq1: Int32Array;
  /** Per sharp quote: update time (ms, NaN unknown), offset of its prices in `prices`. */
  sqUpd: Float64Array;
  sqPrice: Int32Array;
  prices: Float64Array;
  /** Scratch: fair probabilities of the current pass. */
  fair: Float64Array;
  /**
   * Per soft cell: line, slot in `fair`, quoted price, update time, effective price after
   * commission (fixed at compile time: it depends only on the price and the book's rate), and
   * its hit template once it has had a hit.
   */
  cellLine: Int32Array;
  cellFair: Int32Array;
  cellPrice: Float64Array;
  cellUpd: Float64Array;
  cellEff: Float64Array;
  /** Made on the first hit (a block: null until then). */
  tpl: (CellTemplate | undefined)[] | null;
}

/**
 * A priced cell's hit strings and explain inputs, made on its first hit and kept with its block
 * (immutable). It is the hits' {@link HitOrigin}: their soft age is recomputed from the cell's
 * update time, with the same operations that priced them.
 */
class CellTemplate implements HitOrigin {
  /** The event's strings, copied here so making a hit reads one object (not also the event's meta). */
  readonly eventId: string;
  readonly sport: string;
  readonly sportTitle: string;
  readonly homeTeam: string;
  readonly awayTeam: string;
  readonly commenceTime: string;
  constructor(
    meta: EventMeta,
    readonly src: LineSource,
    readonly l: number,
    readonly market: string,
    readonly id: string,
    readonly outcome: string,
    readonly point: number | null,
    readonly book: string,
    readonly slot: number,
    readonly upd: number,
  ) {
    this.eventId = meta.id;
    this.sport = meta.sport_key;
    this.sportTitle = meta.sport_title;
    this.homeTeam = meta.home_team;
    this.awayTeam = meta.away_team;
    this.commenceTime = meta.commence_time;
  }
  lineContext(_i: number, opts: NormalizedOptions, nowMs: number): LineContext {
    return this.src.context(this.l, opts, nowMs);
  }
  outcomeSlot(): number {
    return this.slot;
  }
  softAge(_i: number, nowMs: number): number {
    return (nowMs - this.upd) / 1000;
  }
}

interface Block extends Store {
  optsVersion: number;
  meta: EventMeta;
  commenceMs: number;
  nLines: number;
  nSq: number;
  nPrices: number;
  nFair: number;
  nCells: number;
  lines: Line[];
  /** Sharp quotes per line (JavaScript side, for consensus and explain; never mutated). */
  lineQuotes: ConsensusQuote[][];
  cellOut: Int32Array;
  cellName: string[];
  cellPoint: (number | null)[];
  cellBook: string[];
  /** Explain's line contexts. */
  src: LineSource;
}

/** compile's scratch columns (grown as needed; only read back within one compile). */
let scratchF = new Float64Array(3 * 128);
let scratchI = new Int32Array(2 * 128);

function compile(ev: OddsEvent, opts: NormalizedOptions, optsVersion: number): Block {
  // One walk over the event gives both its lines (hits.buildLines: the union over all books, in
  // first-seen order; lines and their outcomes are only ever appended, so an outcome's line and
  // slot are final when first seen) and its candidate soft cells (findHits step 3's walk and
  // filters, minus what depends on `now`). The one filter that needs the finished lines — the
  // line has enough sharp quotes — depends on the line alone, so it is applied afterwards. The
  // cells' numbers go to module scratch columns (their count is unknown before the walk); then
  // every column of the block is a view on one exact-size buffer (one backing store instead of
  // fourteen: each typed array allocated on its own costs an ArrayBuffer, and an off-heap
  // allocation beyond 64 bytes).
  const lines: Line[] = [];
  let nc = 0;
  const cellName: string[] = [];
  const cellPoint: (number | null)[] = [];
  const cellBook: string[] = [];
  const away = ev.away_team;
  const books = ev.bookmakers ?? [];
  for (let b = 0; b < books.length; b++) {
    const bm = books[b];
    const soft = !(opts.sharp.has(bm.key) || (opts.books !== null && !opts.books.has(bm.key)));
    const rate = soft ? commissionRate(opts, bm.key) : 0;
    const markets = bm.markets ?? [];
    for (let m = 0; m < markets.length; m++) {
      const mk = markets[m];
      const key = mk.key;
      if (isLayMarket(key) || (opts.markets !== null && !opts.markets.has(key))) continue;
      const spread = isSpreadMarket(key);
      const outcomes = mk.outcomes ?? [];
      let upd = Number.NaN;
      let updDone = false;
      for (let k = 0; k < outcomes.length; k++) {
        const o = outcomes[k];
        const pt = outcomePoint(o);
        if (pt === undefined || typeof o.name !== 'string') continue;
        const lp = linePoint(spread, o.name, pt, away);
        const li = findLine(lines, key, lp);
        let line: Line;
        let l: number;
        if (li === -1) {
          line = { market: key, point: lp, names: [], points: [], seen: [], fair: null, ctx: null };
          l = lines.length;
          lines.push(line);
        } else {
          line = lines[li];
          l = li;
        }
        let idx = outcomeIndex(line, o.name, pt);
        if (idx === -1) {
          idx = line.names.length;
          line.names.push(o.name);
          line.points.push(pt);
          line.seen.push(-1);
        }
        if (!soft) continue;
        if (line.seen[idx] === b) continue;
        line.seen[idx] = b;
        const price = o.price;
        if (!validPrice(price) || price < opts.minOdds || price > opts.maxOdds) continue;
        if (!updDone) {
          upd = toMillis(mk.last_update ?? bm.last_update);
          updDone = true;
        }
        if (3 * nc + 3 > scratchF.length || 2 * nc + 2 > scratchI.length) {
          const f = new Float64Array(scratchF.length * 2);
          f.set(scratchF);
          scratchF = f;
          const i = new Int32Array(scratchI.length * 2);
          i.set(scratchI);
          scratchI = i;
        }
        // Columns in scratch: price, update time, effective price (ev.effectivePrice); line,
        // outcome slot.
        scratchF[3 * nc] = price;
        scratchF[3 * nc + 1] = upd;
        scratchF[3 * nc + 2] = rate === 0 ? price : 1 + (price - 1) * (1 - rate);
        scratchI[2 * nc] = l;
        scratchI[2 * nc + 1] = idx;
        nc++;
        cellName.push(o.name);
        cellPoint.push(pt);
        cellBook.push(bm.key);
      }
    }
  }
  const nLines = lines.length;
  const lineQuotes: ConsensusQuote[][] = [];
  let nFair = 0;
  let nSq = 0;
  let nPrices = 0;
  for (let l = 0; l < nLines; l++) {
    const n = lines[l].names.length;
    const q = n >= 2 ? sharpQuotes(ev, lines[l], opts) : [];
    lineQuotes.push(q);
    nFair += n;
    nSq += q.length;
    nPrices += q.length * n;
  }

  // Drop the cells of lines without enough sharp quotes (compacting in place, order kept).
  const sf = scratchF;
  const si = scratchI;
  let kept = 0;
  for (let c = 0; c < nc; c++) {
    const nq = lineQuotes[si[2 * c]].length;
    if (nq < opts.minSharpBooks || nq === 0) continue;
    if (kept !== c) {
      sf[3 * kept] = sf[3 * c];
      sf[3 * kept + 1] = sf[3 * c + 1];
      sf[3 * kept + 2] = sf[3 * c + 2];
      si[2 * kept] = si[2 * c];
      si[2 * kept + 1] = si[2 * c + 1];
      cellName[kept] = cellName[c];
      cellPoint[kept] = cellPoint[c];
      cellBook[kept] = cellBook[c];
    }
    kept++;
  }
  if (kept !== nc) {
    nc = kept;
    cellName.length = cellPoint.length = cellBook.length = nc;
  }
  // One buffer: the Float64 columns first (8-byte aligned), then the Int32 ones.
  const nF64 = nSq + nPrices + nFair + 3 * nc;
  const buf = new ArrayBuffer(nF64 * 8 + (4 * nLines + nSq + 3 * nc) * 4);
  const o1 = nSq * 8;
  const o2 = o1 + nPrices * 8;
  const o3 = o2 + nFair * 8;
  const o4 = o3 + nc * 8;
  const o5 = o4 + nc * 8;
  const o6 = nF64 * 8;
  const sqUpd = new Float64Array(buf, 0, nSq);
  const prices = new Float64Array(buf, o1, nPrices);
  const fair = new Float64Array(buf, o2, nFair);
  const cellPrice = new Float64Array(buf, o3, nc);
  const cellUpd = new Float64Array(buf, o4, nc);
  const cellEff = new Float64Array(buf, o5, nc);
  const lineFair = new Int32Array(buf, o6, nLines);
  const lineN = new Int32Array(buf, o6 + nLines * 4, nLines);
  const lineSq0 = new Int32Array(buf, o6 + nLines * 8, nLines);
  const lineSq1 = new Int32Array(buf, o6 + nLines * 12, nLines);
  const o7 = o6 + nLines * 16;
  const sqPrice = new Int32Array(buf, o7, nSq);
  const o8 = o7 + nSq * 4;
  const cellLine = new Int32Array(buf, o8, nc);
  const cellOut = new Int32Array(buf, o8 + nc * 4, nc);
  const cellFair = new Int32Array(buf, o8 + nc * 8, nc);
  for (let l = 0, f = 0, q = 0; l < nLines; l++) {
    const n = lines[l].names.length;
    lineFair[l] = f;
    lineN[l] = n;
    f += n;
    lineSq0[l] = q;
    q += lineQuotes[l].length;
    lineSq1[l] = q;
  }
  for (let l = 0, s = 0, off = 0; l < nLines; l++) {
    for (const q of lineQuotes[l]) {
      sqUpd[s] = toMillis(q.lastUpdate);
      sqPrice[s] = off;
      for (let i = 0; i < q.decimalOdds.length; i++) prices[off + i] = q.decimalOdds[i];
      off += q.decimalOdds.length;
      s++;
    }
  }
  for (let c = 0; c < nc; c++) {
    cellPrice[c] = sf[3 * c];
    cellUpd[c] = sf[3 * c + 1];
    cellEff[c] = sf[3 * c + 2];
    const l = si[2 * c];
    const idx = si[2 * c + 1];
    cellLine[c] = l;
    cellOut[c] = idx;
    cellFair[c] = lineFair[l] + idx;
  }
  const blk: Omit<Block, 'src'> & { src: LineSource | null } = {
    src: null,
    optsVersion,
    meta: {
      id: ev.id,
      sport_key: ev.sport_key,
      sport_title: ev.sport_title,
      home_team: ev.home_team,
      away_team: ev.away_team,
      commence_time: ev.commence_time,
    },
    commenceMs: toMillis(ev.commence_time),
    nLines,
    nSq,
    nPrices,
    nFair,
    nCells: nc,
    lines,
    lineQuotes,
    lineFair,
    lineN,
    lineSq0,
    lineSq1,
    sqUpd,
    sqPrice,
    prices,
    fair,
    cellLine,
    cellFair,
    cellPrice,
    cellUpd,
    cellEff,
    tpl: null,
    cellOut,
    cellName,
    cellPoint,
    cellBook,
  };
  blk.src = new BlockLines(blk as Block);
  return blk as Block;
}

/**
 * updateBook's fast path: the soft book `prev` (in the event `blk` was compiled from) is
 * replaced by `next`, which quotes the same markets with the same outcomes in the same order
 * (names and points), and every outcome that was a cell is still one (its price still valid and
 * in range) and vice versa. Then nothing but that book's cells changes — their price, update
 * time and effective price — and they are patched in place, their hit templates (which hold the
 * update time) dropped. Hits already returned never read a block's numbers (a hit keeps its
 * own, and its template its update time), so they do not change. Anything else — a sharp or
 * unpriced book, a different layout, a cell appearing or going, a repeated outcome — returns
 * false with the block untouched, and the caller compiles the event again. Walking only this
 * book (not the event's other books, cold in memory when one random book moves) and allocating
 * no new block is what makes an update cheap; the result is what compile() would make (a
 * property test checks it).
 */
function patchBook(
  blk: Block,
  prev: Bookmaker,
  next: Bookmaker,
  away: string,
  opts: NormalizedOptions,
): boolean {
  const key = next.key;
  if (prev.key !== key || opts.sharp.has(key) || (opts.books !== null && !opts.books.has(key))) return false;
  const pm = prev.markets ?? [];
  const nm = next.markets ?? [];
  if (pm.length !== nm.length) return false;
  // The book's cells are contiguous (document order) and, `prev` being the first book with this
  // key (updateBook's findIndex), they are the first cells with this key.
  let c0 = 0;
  while (c0 < blk.nCells && blk.cellBook[c0] !== key) c0++;
  let c = c0;
  // Market and outcome index of each of this book's cells, in order, for the patch below.
  const at: number[] = [];
  const taken: number[] = [];
  for (let m = 0; m < nm.length; m++) {
    const a = pm[m];
    const b = nm[m];
    if (a.key !== b.key) return false;
    if (isLayMarket(b.key) || (opts.markets !== null && !opts.markets.has(b.key))) continue;
    const ao = a.outcomes ?? [];
    const bo = b.outcomes ?? [];
    if (ao.length !== bo.length) return false;
    const spread = isSpreadMarket(b.key);
    for (let k = 0; k < bo.length; k++) {
      const x = ao[k];
      const y = bo[k];
      const pt = outcomePoint(y);
      if (x.name !== y.name || outcomePoint(x) !== pt) return false;
      if (pt === undefined || typeof y.name !== 'string') continue;
      const li = findLine(blk.lines, b.key, linePoint(spread, y.name, pt, away));
      const idx = li === -1 ? -1 : outcomeIndex(blk.lines[li], y.name, pt);
      if (idx === -1) return false;
      // An outcome repeated within the book: compile's first-wins rule decides; leave it to compile.
      for (let t = 0; t < taken.length; t += 2) if (taken[t] === li && taken[t + 1] === idx) return false;
      taken.push(li, idx);
      const was = validPrice(x.price) && x.price >= opts.minOdds && x.price <= opts.maxOdds;
      const is = validPrice(y.price) && y.price >= opts.minOdds && y.price <= opts.maxOdds;
      if (was !== is) return false;
      if (!is) continue;
      // A cell only where the line has enough sharp quotes (compile drops the others).
      const nq = blk.lineQuotes[li].length;
      if (nq < opts.minSharpBooks || nq === 0) continue;
      if (c >= blk.nCells || blk.cellBook[c] !== key || blk.cellLine[c] !== li || blk.cellOut[c] !== idx)
        return false;
      at.push(m, k);
      c++;
    }
  }
  const rate = commissionRate(opts, key);
  for (let j = 0, cell = c0; j < at.length; j += 2, cell++) {
    const mk = nm[at[j]];
    const price = (mk.outcomes ?? [])[at[j + 1]].price;
    blk.cellPrice[cell] = price;
    blk.cellUpd[cell] = toMillis(mk.last_update ?? next.last_update);
    blk.cellEff[cell] = rate === 0 ? price : 1 + (price - 1) * (1 - rate);
    if (blk.tpl !== null) blk.tpl[cell] = undefined;
  }
  return true;
}

/** Where a block lives in the arena. */
interface Region {
  L0: number;
  Q0: number;
  P0: number;
  F0: number;
  C0: number;
  /** Sizes, to know whether an update fits in place. */
  nL: number;
  nQ: number;
  nP: number;
  nF: number;
  nC: number;
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 64));
  b.set(a);
  return b;
}

/** The packed columns of all events (see module comment). */
class Arena implements Store {
  lineFair = new Int32Array(0);
  lineN = new Int32Array(0);
  lineSq0 = new Int32Array(0);
  lineSq1 = new Int32Array(0);
  sqUpd = new Float64Array(0);
  sqPrice = new Int32Array(0);
  prices = new Float64Array(0);
  fair = new Float64Array(0);
  cellLine = new Int32Array(0);
  cellFair = new Int32Array(0);
  cellPrice = new Float64Array(0);
  cellUpd = new Float64Array(0);
  cellEff = new Float64Array(0);
  tpl: (CellTemplate | undefined)[] = [];
  nL = 0;
  nQ = 0;
  nP = 0;
  nF = 0;
  nC = 0;
  /** Cells in regions no longer referenced (the repack trigger). */
  deadCells = 0;

  reset(): void {
    this.nL = this.nQ = this.nP = this.nF = this.nC = this.deadCells = 0;
    this.tpl.length = 0;
  }

  append(b: Block): Region {
    const r: Region = {
      L0: this.nL,
      Q0: this.nQ,
      P0: this.nP,
      F0: this.nF,
      C0: this.nC,
      nL: b.nLines,
      nQ: b.nSq,
      nP: b.nPrices,
      nF: b.nFair,
      nC: b.nCells,
    };
    this.nL += b.nLines;
    this.nQ += b.nSq;
    this.nP += b.nPrices;
    this.nF += b.nFair;
    this.nC += b.nCells;
    this.lineFair = grown(this.lineFair, this.nL);
    this.lineN = grown(this.lineN, this.nL);
    this.lineSq0 = grown(this.lineSq0, this.nL);
    this.lineSq1 = grown(this.lineSq1, this.nL);
    this.sqUpd = grown(this.sqUpd, this.nQ);
    this.sqPrice = grown(this.sqPrice, this.nQ);
    this.prices = grown(this.prices, this.nP);
    this.fair = grown(this.fair, this.nF);
    this.cellLine = grown(this.cellLine, this.nC);
    this.cellFair = grown(this.cellFair, this.nC);
    this.cellPrice = grown(this.cellPrice, this.nC);
    this.cellUpd = grown(this.cellUpd, this.nC);
    this.cellEff = grown(this.cellEff, this.nC);
    this.write(b, r);
    return r;
  }

  /** Copies a block into region r, rebasing its indexes. */
  write(b: Block, r: Region): void {
    for (let l = 0; l < b.nLines; l++) {
      this.lineFair[r.L0 + l] = r.F0 + b.lineFair[l];
      this.lineN[r.L0 + l] = b.lineN[l];
      this.lineSq0[r.L0 + l] = r.Q0 + b.lineSq0[l];
      this.lineSq1[r.L0 + l] = r.Q0 + b.lineSq1[l];
    }
    for (let s = 0; s < b.nSq; s++) {
      this.sqUpd[r.Q0 + s] = b.sqUpd[s];
      this.sqPrice[r.Q0 + s] = r.P0 + b.sqPrice[s];
    }
    this.prices.set(b.prices, r.P0);
    for (let c = 0; c < b.nCells; c++) {
      this.cellLine[r.C0 + c] = r.L0 + b.cellLine[c];
      this.cellFair[r.C0 + c] = r.F0 + b.cellFair[c];
    }
    this.cellPrice.set(b.cellPrice, r.C0);
    this.cellUpd.set(b.cellUpd, r.C0);
    this.cellEff.set(b.cellEff, r.C0);
    // Appended regions extend the array in order, so it stays dense.
    const bt = b.tpl;
    for (let c = 0; c < b.nCells; c++) this.tpl[r.C0 + c] = bt === null ? undefined : bt[c];
  }
}

/**
 * Line contexts for explain, rebuilt on demand from the (immutable) block with the same
 * consensus call findHits makes. One per block, made at compile time, so pricing allocates
 * nothing per event.
 */
class BlockLines implements LineSource {
  constructor(private readonly blk: Block) {}
  context(l: number, opts: NormalizedOptions, nowMs: number): LineContext {
    const { blk } = this;
    const result = consensus(blk.lineQuotes[l], {
      method: opts.method,
      methods: opts.methods,
      minBooks: opts.minSharpBooks,
      maxAgeSeconds: opts.sharpMaxAgeSeconds,
      now: nowMs,
    });
    return { names: blk.lines[l].names, points: blk.lines[l].points, result: result! };
  }
}

/**
 * Prices one event stored in `st` at lines [L0, L0+nLines) and cells [C0, C0+nCells), appending
 * hits to `out`. `blk` supplies the JavaScript-side data (local indexes = global − L0 / − C0).
 */
function priceEventIn(
  st: Store,
  L0: number,
  L1: number,
  C0: number,
  C1: number,
  blk: Block,
  hc: HitContext,
  out: Hit[],
) {
  const { opts, nowMs } = hc;
  const { lineFair, lineN, lineSq0, lineSq1, sqUpd, sqPrice, prices, fair } = st;
  const sharpMax = opts.sharpMaxAgeSeconds;
  const minSharp = opts.minSharpBooks;
  const fast = opts.method === 'multiplicative' && minSharp === 1;
  let any = false;
  for (let L = L0; L < L1; L++) {
    const off = lineFair[L];
    const n = lineN[L];
    // A line without a fair price gets NaN probabilities: every EV on it is NaN, and NaN ≥ minEv
    // is false, so its cells are skipped by the EV test itself (no per-cell line check).
    let ok = false;
    const q0 = lineSq0[L];
    const q1 = lineSq1[L];
    if (!(q1 - q0 < minSharp || q1 === q0)) {
      let fresh = -1;
      let nFresh = 0;
      for (let s = q0; s < q1; s++) {
        // time.isFresh inlined: no limit → fresh; unknown age (NaN) → stale.
        if (sharpMax === undefined || (nowMs - sqUpd[s]) / 1000 <= sharpMax) {
          nFresh++;
          fresh = s;
        }
      }
      if (!(nFresh < minSharp || nFresh === 0)) {
        if (fast && nFresh === 1 && n <= MAX_OUTCOMES) {
          // Inlined multiplicative devig, the same operations as devig.ts: r = 1/o, S = Σr, p = r/S.
          const po = sqPrice[fresh];
          let S = 0;
          for (let i = 0; i < n; i++) S += 1 / prices[po + i];
          for (let i = 0; i < n; i++) fair[off + i] = 1 / prices[po + i] / S;
          ok = true;
        } else {
          const r = consensus(blk.lineQuotes[L - L0], {
            method: opts.method,
            methods: opts.methods,
            minBooks: minSharp,
            maxAgeSeconds: sharpMax,
            now: nowMs,
          });
          if (r !== null) {
            for (let i = 0; i < n; i++) fair[off + i] = r.probabilities[i];
            ok = true;
          }
        }
      }
    }
    if (ok) any = true;
    else for (let i = 0; i < n; i++) fair[off + i] = Number.NaN;
  }
  if (!any) return;

  // Per cell: EV against minEv first (three array reads), then — for the few that pass — the
  // soft freshness check; both must pass, so the order does not change the result.
  const { cellFair, cellEff, cellUpd } = st;
  const softMax = opts.softMaxAgeSeconds;
  const minEv = opts.minEv;
  const suspectEv = opts.suspectEv;
  const { tpl: tpls, cellPrice } = st;
  for (let c = C0; c < C1; c++) {
    const p = fair[cellFair[c]];
    const eff = cellEff[c];
    const ev = p * eff - 1;
    if (!(ev >= minEv)) continue;
    const age = (nowMs - cellUpd[c]) / 1000;
    if (softMax !== undefined && !(age <= softMax)) continue;
    // A hit: materialized from the cell's template (strings made once per cell; explain lazy).
    let t = tpls === null ? undefined : tpls[c];
    if (t === undefined) {
      const lc = c - C0;
      t = blk.tpl?.[lc] ?? cellTemplate(blk, lc);
      if (tpls !== null) tpls[c] = t;
    }
    out.push(
      new HitRecord(
        t.id,
        t.eventId,
        t.sport,
        t.sportTitle,
        t.homeTeam,
        t.awayTeam,
        t.commenceTime,
        t.market,
        t.outcome,
        t.point,
        t.book,
        t,
        0,
        hc,
        cellPrice[c],
        eff,
        p,
        ev,
        suspectEv !== undefined && ev > suspectEv,
      ),
    );
  }
}

/** The hit template of a block's cell `lc`, made on its first hit and kept (the block never changes). */
function cellTemplate(blk: Block, lc: number): CellTemplate {
  const l = blk.cellLine[lc];
  const market = blk.lines[l].market;
  const outcome = blk.cellName[lc];
  const point = blk.cellPoint[lc];
  const book = blk.cellBook[lc];
  const t = new CellTemplate(
    blk.meta,
    blk.src,
    l,
    market,
    hitId(blk.meta.id, market, outcome, point, book),
    outcome,
    point,
    book,
    blk.cellOut[lc],
    blk.cellUpd[lc],
  );
  blk.tpl ??= new Array<CellTemplate | undefined>(blk.nCells).fill(undefined);
  blk.tpl[lc] = t;
  return t;
}

// ---- snapshot bookkeeping -------------------------------------------------------------------

function cloneBook(bm: Bookmaker): Bookmaker {
  return {
    ...bm,
    markets: (bm.markets ?? []).map((m) => ({ ...m, outcomes: (m.outcomes ?? []).map((o) => ({ ...o })) })),
  };
}

function cloneEvent(ev: OddsEvent): OddsEvent {
  return { ...ev, bookmakers: (ev.bookmakers ?? []).map(cloneBook) };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const META_KEYS = ['sport_key', 'sport_title', 'commence_time', 'home_team', 'away_team'] as const;

interface Slot {
  /** Copy-on-write: replaced, never mutated, so objects handed out by events() stay stable. */
  ev: OddsEvent;
  block: Block | null;
  /** Where the block was last packed in the arena (null: not yet). */
  region: Region | null;
  /** Its row in the event table (valid while the table is not stale). */
  pos: number;
}

/**
 * The events in snapshot order, as flat columns: each one's arena ranges, start time and block.
 * priceAll walks this table, so an event that has started or has no soft cells costs a few
 * typed-array reads, not a trip through its (scattered) slot, region and block objects.
 */
class EventTable {
  L0 = new Int32Array(0);
  L1 = new Int32Array(0);
  C0 = new Int32Array(0);
  C1 = new Int32Array(0);
  commence = new Float64Array(0);
  blocks: Block[] = [];
  n = 0;

  rebuild(slots: Iterable<Slot>, size: number): void {
    if (this.L0.length < size) {
      const cap = Math.max(size, this.L0.length * 2, 64);
      this.L0 = new Int32Array(cap);
      this.L1 = new Int32Array(cap);
      this.C0 = new Int32Array(cap);
      this.C1 = new Int32Array(cap);
      this.commence = new Float64Array(cap);
    }
    this.blocks.length = 0;
    let i = 0;
    for (const slot of slots) {
      slot.pos = i;
      this.blocks.push(slot.block!);
      this.set(i++, slot);
    }
    this.n = i;
  }

  set(i: number, slot: Slot): void {
    const r = slot.region!;
    const b = slot.block!;
    this.L0[i] = r.L0;
    this.L1[i] = r.L0 + b.nLines;
    this.C0[i] = r.C0;
    this.C1[i] = r.C0 + b.nCells;
    this.commence[i] = b.commenceMs;
    this.blocks[i] = b;
  }
}

const sameShape = (r: Region, b: Block) =>
  r.nL === b.nLines && r.nQ === b.nSq && r.nP === b.nPrices && r.nF === b.nFair && r.nC === b.nCells;

export function createEngine(options: Omit<FindHitsOptions, 'now'>): Engine {
  let opts = normalizeOptions(options);
  let version = 0;
  let slots = new Map<string, Slot>();
  const arena = new Arena();
  const table = new EventTable();
  /** Membership or order changed (or a repack): the table is rebuilt on the next sync. */
  let tableStale = true;
  /** Slots whose event changed since the arena was last brought up to date. */
  const dirty = new Set<Slot>();
  let repack = true;
  /** Lines + cells of arena regions nobody points at any more. */
  let dead = 0;

  const blockOf = (slot: Slot): Block => {
    if (slot.block === null || slot.block.optsVersion !== version)
      slot.block = compile(slot.ev, opts, version);
    return slot.block;
  };
  const touch = (slot: Slot) => {
    slot.block = null;
    dirty.add(slot);
  };
  const retire = (slot: Slot) => {
    if (slot.region !== null) dead += slot.region.nL + slot.region.nC;
    slot.region = null;
  };

  /** Brings the arena up to date: repack everything, or patch the changed events. */
  const sync = () => {
    if (repack || dead > (arena.nL + arena.nC) / 2) {
      arena.reset();
      for (const slot of slots.values()) slot.region = arena.append(blockOf(slot));
      dead = 0;
      repack = false;
      tableStale = true;
    } else {
      for (const slot of dirty) {
        const b = blockOf(slot);
        if (slot.region !== null && sameShape(slot.region, b)) arena.write(b, slot.region);
        else {
          retire(slot);
          slot.region = arena.append(b);
        }
        if (!tableStale) table.set(slot.pos, slot);
      }
    }
    dirty.clear();
    if (tableStale) {
      table.rebuild(slots.values(), slots.size);
      tableStale = false;
    }
  };

  /**
   * Merges `incoming` into `current`: its books replace those books; new books are appended.
   * Null when nothing changed; else the merged event and the books it replaced (`patchable`:
   * only books were replaced — no event field changed, no book was added).
   */
  const merge = (
    current: OddsEvent,
    incoming: OddsEvent,
  ): { next: OddsEvent; replaced: Array<[Bookmaker, Bookmaker]>; patchable: boolean } | null => {
    let changed = false;
    let patchable = true;
    const replaced: Array<[Bookmaker, Bookmaker]> = [];
    const next: OddsEvent = { ...current, bookmakers: current.bookmakers.slice() };
    for (const k of META_KEYS) {
      if (incoming[k] !== undefined && incoming[k] !== current[k]) {
        next[k] = incoming[k];
        changed = true;
        patchable = false;
      }
    }
    for (const bm of incoming.bookmakers ?? []) {
      const i = next.bookmakers.findIndex((x) => x.key === bm.key);
      if (i === -1) {
        next.bookmakers.push(cloneBook(bm));
        changed = true;
        patchable = false;
      } else if (!deepEqual(next.bookmakers[i], bm)) {
        const copy = cloneBook(bm);
        replaced.push([next.bookmakers[i], copy]);
        next.bookmakers[i] = copy;
        changed = true;
      }
    }
    return changed ? { next, replaced, patchable } : null;
  };

  /**
   * The slot's event was just updated by replacing the books in `replaced` ([old, new] pairs, in
   * order; each old one the first book with its key). Patch its block when nothing else changed
   * (`patchable`) and every replaced book only re-quoted the same outcomes (see patchBook); else
   * mark it for a full compile (a block that some of the pairs already patched is dropped too).
   */
  const replaceBooks = (slot: Slot, replaced: Array<[Bookmaker, Bookmaker]>, patchable: boolean) => {
    const blk = slot.block;
    let ok = patchable && blk !== null && blk.optsVersion === version;
    for (let j = 0; ok && j < replaced.length; j++)
      ok = patchBook(blk!, replaced[j][0], replaced[j][1], slot.ev.away_team, opts);
    if (ok) dirty.add(slot);
    else touch(slot);
  };

  return {
    setOptions(o) {
      opts = normalizeOptions(o);
      version++;
      repack = true;
    },
    upsert(events) {
      const changed: string[] = [];
      for (const ev of events) {
        const slot = slots.get(ev.id);
        if (slot === undefined) {
          const fresh: Slot = { ev: cloneEvent(ev), block: null, region: null, pos: -1 };
          slots.set(ev.id, fresh);
          dirty.add(fresh);
          tableStale = true;
          if (!changed.includes(ev.id)) changed.push(ev.id);
          continue;
        }
        const merged = merge(slot.ev, ev);
        if (merged !== null) {
          slot.ev = merged.next;
          replaceBooks(slot, merged.replaced, merged.patchable);
          if (!changed.includes(ev.id)) changed.push(ev.id);
        }
      }
      return changed;
    },
    replaceAll(events) {
      const next = new Map<string, Slot>();
      for (const ev of events) next.set(ev.id, { ev: cloneEvent(ev), block: null, region: null, pos: -1 });
      slots = next;
      dirty.clear();
      repack = true;
      tableStale = true;
    },
    remove(ids) {
      for (const id of ids) {
        const slot = slots.get(id);
        if (slot === undefined) continue;
        retire(slot);
        dirty.delete(slot);
        slots.delete(id);
        tableStale = true;
      }
    },
    updateBook(eventId, bookmaker) {
      // An unknown event is ignored: a book alone carries no teams or start time.
      const slot = slots.get(eventId);
      if (slot === undefined) return;
      const books = slot.ev.bookmakers.slice();
      const i = books.findIndex((x) => x.key === bookmaker.key);
      const copy = cloneBook(bookmaker);
      const prev = books[i];
      if (i === -1) books.push(copy);
      else books[i] = copy;
      slot.ev = { ...slot.ev, bookmakers: books };
      // Only this book's prices moved (the usual update): patch its cells, skip the compile.
      replaceBooks(slot, i === -1 ? [] : [[prev, copy]], i !== -1);
    },
    priceAll(now) {
      const nowMs = nowMillis(now);
      sync();
      const out: Hit[] = [];
      const { L0, L1, C0, C1, commence, blocks } = table;
      const hc: HitContext = { opts, nowMs };
      for (let e = 0; e < table.n; e++) {
        if (!(commence[e] > nowMs) || C1[e] === C0[e]) continue;
        priceEventIn(arena, L0[e], L1[e], C0[e], C1[e], blocks[e], hc, out);
      }
      return out;
    },
    priceEvent(eventId, now) {
      const nowMs = nowMillis(now);
      const out: Hit[] = [];
      const slot = slots.get(eventId);
      if (slot !== undefined) {
        const b = blockOf(slot);
        if (b.commenceMs > nowMs && b.nCells !== 0)
          priceEventIn(b, 0, b.nLines, 0, b.nCells, b, { opts, nowMs }, out);
      }
      return out;
    },
    events() {
      return Array.from(slots.values(), (s) => s.ev);
    },
    event(id) {
      return slots.get(id)?.ev;
    },
    size() {
      return slots.size;
    },
  };
}
