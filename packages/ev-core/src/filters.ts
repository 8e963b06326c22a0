/**
 * The hit filter predicate shared by the server (in-memory reads, alert rules) and the web
 * app (applying live messages to the board). The filter set is the contract's
 * `HitFilterSet` (snake_case, API units); ev-core restates only the fields it reads.
 */
export interface HitFilterFields {
  sport?: readonly string[];
  market?: readonly string[];
  book?: readonly string[];
  min_ev?: number;
  max_ev?: number;
  min_odds?: number;
  max_odds?: number;
  /** Minutes from `now`. */
  starts_within?: number;
  /** Default `active`. */
  status?: 'active' | 'closed' | 'all';
  /** Default false: suspect hits are hidden. */
  include_suspect?: boolean;
  /** Team-name substring, case-insensitive. */
  q?: string;
}

export interface FilterableHit {
  sport: string;
  market: string;
  book: string;
  ev: number;
  price: number;
  commence_time: string;
  status: 'active' | 'closed';
  suspect: boolean;
  home_team: string;
  away_team: string;
}

/** True when the hit is in the filter set's view at time `now` (ms since the epoch). */
export function hitMatches(h: FilterableHit, f: HitFilterFields, now: number = Date.now()): boolean {
  const status = f.status ?? 'active';
  if (status !== 'all' && h.status !== status) return false;
  if (f.sport?.length && !f.sport.includes(h.sport)) return false;
  if (f.market?.length && !f.market.includes(h.market)) return false;
  if (f.book?.length && !f.book.includes(h.book)) return false;
  if (f.min_ev !== undefined && !(h.ev >= f.min_ev)) return false;
  if (f.max_ev !== undefined && !(h.ev <= f.max_ev)) return false;
  if (f.min_odds !== undefined && !(h.price >= f.min_odds)) return false;
  if (f.max_odds !== undefined && !(h.price <= f.max_odds)) return false;
  if (f.starts_within !== undefined && !(Date.parse(h.commence_time) <= now + f.starts_within * 60_000))
    return false;
  if (!f.include_suspect && h.suspect) return false;
  if (f.q) {
    const q = f.q.trim().toLowerCase();
    if (q && !h.home_team.toLowerCase().includes(q) && !h.away_team.toLowerCase().includes(q)) return false;
  }
  return true;
}
