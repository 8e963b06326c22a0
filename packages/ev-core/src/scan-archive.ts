/** findHits' scratch and archive: per-call book and market info, the reused scan lines, and the call's Archive of hit origins (for the lazy explain). */
import type { ConsensusQuote, ConsensusResult } from './consensus.js';
import type { HitOrigin, LineContext, LineSource } from './explain.js';
import { lineConsensus } from './line-model.js';
import type { NormalizedOptions } from './options.js';

export interface BookInfo {
  sharp: boolean;
  /** Not sharp and allowed by `books`: its prices are priced. */
  priced: boolean;
  rate: number;
}

export interface MarketInfo {
  /** Not a lay market and allowed by `markets`. */
  used: boolean;
  spread: boolean;
  /** `|market|`, the id's part after the event id. */
  idPart: string;
}

/** A line of the event being scanned. Reused across events: `n` is its length, arrays only grow. */
export class ScanLine {
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
export class Archive implements LineSource, HitOrigin {
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
export function grown<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(16, a.length * 2));
  b.set(a);
  return b;
}

/**
 * An empty array with room for n elements, filled by index (and grown past n by writing at its
 * length). Capped: V8 makes `new Array(n)` for very large n a slow dictionary-backed array.
 */
export function presized<T>(n: number): T[] {
  return new Array<T>(Math.min(n, 50_000));
}

/** A line's outcomes as archived (never mutated once made). */
export interface Outcomes {
  names: string[];
  points: (number | null)[];
}

/** A typed column with twice the room, same contents (no minimum). */
export function doubled<T extends Int32Array | Float64Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
