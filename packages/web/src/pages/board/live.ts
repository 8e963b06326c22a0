import type { EvHit, HitFilterSet } from '@evision/contract';
import { hitMatches } from '@evision/ev-core';

export type HitMessageType = 'ev.hit.new' | 'ev.hit.updated' | 'ev.hit.closed';

/** The cached answer of `/api/ev/hits`. */
export interface HitsPage {
  hits: EvHit[];
  next_cursor: string | null;
  last_updated: string;
}

export function isHitMessage(type: string): type is HitMessageType {
  return type === 'ev.hit.new' || type === 'ev.hit.updated' || type === 'ev.hit.closed';
}

/**
 * Applies one live message to the board's list with the server's own filter predicate, so an
 * update can move a hit into or out of the view. A hit closing while the view shows active hits
 * stays in the list, marked closed, so the board can fade it out (`dropClosed` removes it later).
 */
export function applyHitMessage(
  hits: readonly EvHit[],
  type: HitMessageType,
  hit: EvHit,
  filters: HitFilterSet,
  now: number = Date.now(),
): EvHit[] {
  const at = hits.findIndex((h) => h.id === hit.id);
  const status = filters.status ?? 'active';
  const keepClosing = type === 'ev.hit.closed' && status === 'active' && at >= 0;
  const inView = keepClosing || hitMatches(hit, filters, now);
  if (!inView) return at >= 0 ? hits.filter((_, i) => i !== at) : hits.slice();
  const next = hits.slice();
  if (at >= 0) next[at] = hit;
  else next.push(hit);
  return next;
}

/** Removes a hit that faded out after closing (unless the view shows closed hits). */
export function dropClosed(hits: readonly EvHit[], id: string, filters: HitFilterSet): EvHit[] {
  const status = filters.status ?? 'active';
  return hits.filter((h) => h.id !== id || h.status !== 'closed' || status !== 'active');
}
