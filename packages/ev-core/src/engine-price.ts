/** Pricing a range of lines and cells (a block or the arena): sharp freshness, devig, soft freshness, EV → hits. See engine.ts. */
import { consensus } from './consensus.js';
import { MAX_OUTCOMES } from './devig.js';
import { type Block, CellTemplate, type Store } from './engine-block.js';
import { type HitContext, HitRecord } from './explain.js';
import { hitId } from './lines.js';
import type { Hit } from './types.js';

/**
 * Prices one event stored in `st` at lines [L0, L0+nLines) and cells [C0, C0+nCells), appending
 * hits to `out`. `blk` supplies the JavaScript-side data (local indexes = global − L0 / − C0).
 */
export function priceEventIn(
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
export function cellTemplate(blk: Block, lc: number): CellTemplate {
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
