/** findHits steps 3–4: fair lines, then every priced book's outcomes against them; hits. */
import { MAX_OUTCOMES } from './devig.js';
import { HitRecord } from './explain.js';
import { lineConsensus } from './line-model.js';
import type { ScanLine } from './scan-archive.js';
import { ScanState } from './scan-state.js';
import type { Bookmaker, OddsEvent } from './types.js';

export abstract class ScanPricer extends ScanState {
  /** Step 3: the fair probabilities of every line with enough sharp quotes; false when none has. */
  protected fairLines(nLines: number): boolean {
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
  protected clearSeen(nLines: number): void {
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
  protected price(ev: OddsEvent, books: Bookmaker[], nLines: number, lastSharp: number): boolean {
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
  protected hit(ev: OddsEvent, L: ScanLine, idx: number, book: string, suspectEv: number | undefined): void {
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
