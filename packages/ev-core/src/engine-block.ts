/** The engine's compiled form of one event (Block), the columns it shares with the arena (Store), and the lazy explain origin of a soft cell (CellTemplate). See engine.ts. */
import type { ConsensusQuote } from './consensus.js';
import type { EventMeta, HitOrigin, LineContext, LineSource } from './explain.js';
import type { Line } from './line-model.js';
import type { NormalizedOptions } from './options.js';

/** The numeric columns, for one block (local indexes) or the arena (global indexes). */
export interface Store {
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
export class CellTemplate implements HitOrigin {
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

export interface Block extends Store {
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
