/** findHits' per-event walk (steps 1–2 and the loop over books); the rules are in hits.ts. */
import { type BookInfo, ScanLine } from './scan-archive.js';
import { ScanPricer } from './scan-price.js';
import type { Bookmaker, OddsEvent } from './types.js';

// ---- findHits: two phases per event, no per-event allocation ---------------------------------
//
// The rules of hits.ts' module comment, implemented for speed (~10,000 events per call):
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
export class Scan extends ScanPricer {
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
