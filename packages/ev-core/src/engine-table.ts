/** The engine's snapshot bookkeeping: copies of events, the slot per event, and the event table priceAll walks. See engine.ts. */
import type { Region } from './engine-arena.js';
import type { Block } from './engine-block.js';
import type { Bookmaker, OddsEvent } from './types.js';

export function cloneBook(bm: Bookmaker): Bookmaker {
  return {
    ...bm,
    markets: (bm.markets ?? []).map((m) => ({ ...m, outcomes: (m.outcomes ?? []).map((o) => ({ ...o })) })),
  };
}

export function cloneEvent(ev: OddsEvent): OddsEvent {
  return { ...ev, bookmakers: (ev.bookmakers ?? []).map(cloneBook) };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

export const META_KEYS = ['sport_key', 'sport_title', 'commence_time', 'home_team', 'away_team'] as const;

export interface Slot {
  /** Copy-on-write: replaced, never mutated, so objects handed out by events() stay stable. */
  ev: OddsEvent;
  block: Block | null;
  /** Where the block was last packed in the arena (null: not yet). */
  region: Region | null;
  /** Its row in the event table (valid while the table is not stale). */
  pos: number;
}

/**
 * The events in snapshot order, as flat columns: each one's arena ranges, start time and block.
 * priceAll walks this table, so an event that has started or has no soft cells costs a few
 * typed-array reads, not a trip through its (scattered) slot, region and block objects.
 */
export class EventTable {
  L0 = new Int32Array(0);
  L1 = new Int32Array(0);
  C0 = new Int32Array(0);
  C1 = new Int32Array(0);
  commence = new Float64Array(0);
  blocks: Block[] = [];
  n = 0;

  rebuild(slots: Iterable<Slot>, size: number): void {
    if (this.L0.length < size) {
      const cap = Math.max(size, this.L0.length * 2, 64);
      this.L0 = new Int32Array(cap);
      this.L1 = new Int32Array(cap);
      this.C0 = new Int32Array(cap);
      this.C1 = new Int32Array(cap);
      this.commence = new Float64Array(cap);
    }
    this.blocks.length = 0;
    let i = 0;
    for (const slot of slots) {
      slot.pos = i;
      this.blocks.push(slot.block!);
      this.set(i++, slot);
    }
    this.n = i;
  }

  set(i: number, slot: Slot): void {
    const r = slot.region!;
    const b = slot.block!;
    this.L0[i] = r.L0;
    this.L1[i] = r.L0 + b.nLines;
    this.C0[i] = r.C0;
    this.C1[i] = r.C0 + b.nCells;
    this.commence[i] = b.commenceMs;
    this.blocks[i] = b;
  }
}

export const sameShape = (r: Region, b: Block) =>
  r.nL === b.nLines && r.nQ === b.nSq && r.nP === b.nPrices && r.nF === b.nFair && r.nC === b.nCells;
