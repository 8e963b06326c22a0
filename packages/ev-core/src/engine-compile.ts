/** compile: one event → its Block (lines, completeness, duplicates, filters, commission settled once). See engine.ts. */
import type { ConsensusQuote } from './consensus.js';
import { BlockLines } from './engine-arena.js';
import type { Block } from './engine-block.js';
import type { LineSource } from './explain.js';
import { findLine, type Line, outcomeIndex, sharpQuotes } from './line-model.js';
import { isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import { commissionRate, type NormalizedOptions } from './options.js';
import { toMillis } from './time.js';
import type { OddsEvent } from './types.js';

/** compile's scratch columns (grown as needed; only read back within one compile). */
let scratchF = new Float64Array(3 * 128);
let scratchI = new Int32Array(2 * 128);

export function compile(ev: OddsEvent, opts: NormalizedOptions, optsVersion: number): Block {
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
