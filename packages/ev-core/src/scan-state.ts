/** findHits' per-call state: caches, scratch columns and the small helpers over them. */
import type { HitContext } from './explain.js';
import { isLayMarket, isSpreadMarket } from './lines.js';
import type { NormalizedOptions } from './options.js';
import { commissionRate } from './options.js';
import {
  Archive,
  type BookInfo,
  doubled,
  type MarketInfo,
  type Outcomes,
  type ScanLine,
} from './scan-archive.js';
import { parseIso, toMillis } from './time.js';
import type { Hit, OddsEvent } from './types.js';

export class ScanState {
  protected readonly bookInfo = new Map<string, BookInfo>();
  protected readonly marketInfo = new Map<string, MarketInfo>();
  /** One-entry caches: consecutive events usually list the same books and markets. */
  protected readonly bookKeyAt: string[] = [];
  /** This event's book info, by bookmaker index (filled by step 1). */
  protected readonly bookAt: BookInfo[] = [];
  /** This event's book keys, by bookmaker index. */
  protected readonly bookKeys: string[] = [];
  /** Start times parsed in this call, by `commence_time` (a slate has few distinct ones). */
  protected readonly starts = new Map<string, number>();
  /** Sum of prefetchEvent's results: kept so that its loads are not optimized away. */
  protected prefetched = 0;
  /** The numbers of the hit being made (see hit()). */
  protected hPrice = 0;
  protected hEff = 0;
  protected hAge = 0;
  protected hP = 0;
  protected hEv = 0;
  protected mkKey: string | undefined = undefined;
  protected mkInfo: MarketInfo | undefined = undefined;
  protected tsStr: string | undefined = undefined;
  protected tsMs = Number.NaN;
  /**
   * Step 1 reads the books up to the last sharp one and leaves what steps 2–3 need in scratch
   * arrays (reused across events):
   * per market (document order): used (1) or skipped (0), update time (market's, else the
   * book's), index of its first outcome in the outcome arrays;
   * per outcome of a used market: its line (−1: none), slot in the line, price (NaN when not a
   * number — invalid either way).
   */
  protected mUsed = new Uint8Array(64);
  protected mK = new Int32Array(64);
  protected readonly mUpd: (string | undefined)[] = [];
  protected oLine = new Int32Array(256);
  protected oIdx = new Int32Array(256);
  protected oPrice = new Float64Array(256);
  /** Index of each bookmaker's first market (bookM[nb] = number of markets). */
  protected readonly bookM: number[] = [];
  protected readonly lines: ScanLine[] = [];
  protected readonly fast: boolean;
  protected readonly hc: HitContext;
  protected readonly archive: Archive;
  /** Outcomes of the last archived line: the next line with the same outcomes shares them (never mutated). */
  protected lastOuts: Outcomes = { names: [], points: [] };

  constructor(
    protected readonly opts: NormalizedOptions,
    protected readonly nowMs: number,
    protected readonly out: Hit[],
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
  protected idHead(L: ScanLine, l: number, idx: number, name: string, pt: number | null): string {
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
  protected freeze(ev: OddsEvent, L: ScanLine): number {
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

  protected book(key: string): BookInfo {
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

  protected market(key: string): MarketInfo {
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
  protected start(t: string): number {
    if (typeof t !== 'string') return toMillis(t);
    let ms = this.starts.get(t);
    if (ms === undefined) {
      ms = parseIso(t);
      if (this.starts.size < 4096) this.starts.set(t, ms);
    }
    return ms;
  }

  /** toMillis, remembering the last string parsed (a book's markets usually share one). */
  protected millis(t: string | undefined): number {
    if (typeof t !== 'string') return toMillis(t);
    if (t !== this.tsStr) {
      this.tsMs = parseIso(t);
      this.tsStr = t;
    }
    return this.tsMs;
  }

  protected growOutcomes(): void {
    this.oLine = doubled(this.oLine);
    this.oIdx = doubled(this.oIdx);
    this.oPrice = doubled(this.oPrice);
  }

  protected growMarkets(): void {
    this.mUsed = doubled(this.mUsed);
    this.mK = doubled(this.mK);
  }
}
