/** The arena: every block's columns concatenated in event order, for priceAll's one sequential pass. See engine.ts. */
import { consensus } from './consensus.js';
import type { Block, CellTemplate, Store } from './engine-block.js';
import type { LineContext, LineSource } from './explain.js';
import type { NormalizedOptions } from './options.js';

/** Where a block lives in the arena. */
export interface Region {
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

export function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 64));
  b.set(a);
  return b;
}

/** The packed columns of all events (see module comment). */
export class Arena implements Store {
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
export class BlockLines implements LineSource {
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
