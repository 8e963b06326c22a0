import type { EvHit } from '@evision/contract';
import type { Hit as EngineHit, HitExplain } from '@evision/ev-core';

/**
 * A hit as it travels (ARCHITECTURE §6): one shape from the HitBook to the browser — the
 * contract's `EvHit` without the display fields a read may add (`odds_format`).
 */
export type WireHit = Omit<EvHit, 'price_display' | 'fair_odds_display'>;

/**
 * What a pricing source (the engine, a bot) says about a hit right now: ev-core's hit fields
 * (without `sport_title`, which a wire hit does not carry), plus where it came from.
 */
export type HitObservation = Omit<EngineHit, 'sport_title' | 'explain'> & {
  source: 'engine' | 'bot';
  /** Bot hits: closes when not re-sent before this time (ms since epoch). */
  expires_at?: number | null;
  explain?: HitExplain | Record<string, unknown> | null;
};

/** The HitBook's record: the wire hit plus what stays on the server. */
export interface HitRecord {
  hit: WireHit;
  explain: unknown;
  commenceMs: number;
  expiresAt: number | null;
  /** Known from another instance's messages (this instance neither priced nor received it). */
  mirrored?: boolean;
}

/** id = event_id|market|outcome|point|book: ev-core's, so bot hits and engine hits share ids. */
export { hitId } from '@evision/ev-core';

/** The key of one line outcome (for closing lines and line history): market|outcome|point. */
export function outcomeKey(market: string, outcome: string, point: number | null | undefined): string {
  return `${market}|${outcome}|${point === null || point === undefined ? '' : String(point)}`;
}

export function observationFromEngine(h: EngineHit): HitObservation {
  return {
    id: h.id,
    event_id: h.event_id,
    sport: h.sport,
    home_team: h.home_team,
    away_team: h.away_team,
    commence_time: h.commence_time,
    market: h.market,
    outcome: h.outcome,
    point: h.point,
    book: h.book,
    price: h.price,
    fair_probability: h.fair_probability,
    fair_odds: h.fair_odds,
    ev: h.ev,
    kelly: h.kelly,
    suspect: h.suspect,
    source: 'engine',
    // Explain is built lazily by ev-core; it is read only when the hit is stored or opened.
    get explain() {
      return h.explain;
    },
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** ev × 100, rounded to kill binary noise (0.07 × 100 = 7.000000000000001). */
export const evPercent = (ev: number): number => Math.round(ev * 1e10) / 1e8;
