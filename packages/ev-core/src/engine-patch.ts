/** patchBook: updateBook's fast path, rewriting one soft book's cells in place. See engine.ts. */
import type { Block } from './engine-block.js';
import { findLine, outcomeIndex } from './line-model.js';
import { isLayMarket, isSpreadMarket, linePoint, outcomePoint, validPrice } from './lines.js';
import { commissionRate, type NormalizedOptions } from './options.js';
import { toMillis } from './time.js';
import type { Bookmaker } from './types.js';

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
export function patchBook(
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
