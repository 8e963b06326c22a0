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
 * changes. The parts live beside it: engine-block.ts (the shapes), engine-compile.ts, engine-patch.ts,
 * engine-arena.ts, engine-price.ts, engine-table.ts. priceAll returns exactly what findHits
 * returns on events() — the
 * same order and the same floating-point operations; a property test checks deep equality.
 */
import { Arena } from './engine-arena.js';
import type { Block } from './engine-block.js';
import { compile } from './engine-compile.js';
import { patchBook } from './engine-patch.js';
import { priceEventIn } from './engine-price.js';
import {
  cloneBook,
  cloneEvent,
  deepEqual,
  EventTable,
  META_KEYS,
  type Slot,
  sameShape,
} from './engine-table.js';
import type { HitContext } from './explain.js';
import { normalizeOptions } from './options.js';
import { nowMillis } from './time.js';
import type { Bookmaker, Engine, FindHitsOptions, Hit, OddsEvent } from './types.js';

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
