import type { HitFilterSet } from '@evision/contract';
import { EvHitFilters } from '@evision/contract';
import { fromDecimal, hitMatches } from '@evision/ev-core';
import { badRequest, type FieldError } from '../../infra/errors';
import type { WireHit } from './hit';

/** Parsed and normalized hit filters (the query string of /api/ev/hits, summary, history, export). */
export type SortField = 'ev' | 'commence_time' | 'first_seen_at' | 'price' | 'closed_at';

export interface HitQuery {
  sport?: string[];
  market?: string[];
  book?: string[];
  minEv?: number;
  maxEv?: number;
  minOdds?: number;
  maxOdds?: number;
  /** Minutes from now. */
  startsWithin?: number;
  status: 'active' | 'closed' | 'all';
  includeSuspect: boolean;
  /** Lower-cased team-name substring. */
  q?: string;
  /** closed_at range (ms), history only. */
  from?: number;
  to?: number;
  sort: { field: SortField; desc: boolean };
  limit: number;
  cursor?: CursorKey;
  oddsFormat?: 'american' | 'fractional';
  format?: 'csv' | 'json';
  /** The same filters as the contract's `HitFilterSet` (what `matches` hands to ev-core). */
  filters: HitFilterSet;
}

export interface CursorKey {
  value: number | string;
  id: string;
}

export function parseHitQuery(raw: unknown, defaults: { sort?: string } = {}): HitQuery {
  const parsed = EvHitFilters.safeParse(raw ?? {});
  if (!parsed.success) {
    const details: FieldError[] = parsed.error.issues.map((i) => {
      const keys = (i as { keys?: string[] }).keys;
      const field = keys?.length ? keys.join(',') : String(i.path[0] ?? 'query');
      return { field, message: keys?.length ? 'is not a known parameter' : i.message };
    });
    throw badRequest(`Invalid query parameter: ${details.map((d) => d.field).join(', ')}`, details);
  }
  const p = parsed.data;
  const sortText = p.sort ?? defaults.sort ?? '-ev';
  const sort = { field: sortText.replace(/^-/, '') as SortField, desc: sortText.startsWith('-') };
  const q: HitQuery = {
    status: p.status,
    includeSuspect: p.include_suspect,
    sort,
    limit: p.limit,
    filters: { status: p.status, include_suspect: p.include_suspect },
  };
  if (p.sport?.length) q.sport = [...new Set(p.sport)].sort();
  if (p.market?.length) q.market = [...new Set(p.market)].sort();
  if (p.book?.length) q.book = [...new Set(p.book)].sort();
  if (p.min_ev !== undefined) q.minEv = p.min_ev;
  if (p.max_ev !== undefined) q.maxEv = p.max_ev;
  if (p.min_odds !== undefined) q.minOdds = p.min_odds;
  if (p.max_odds !== undefined) q.maxOdds = p.max_odds;
  if (p.starts_within !== undefined) q.startsWithin = p.starts_within;
  if (p.q !== undefined) q.q = p.q.toLowerCase();
  if (p.from !== undefined) q.from = Date.parse(p.from);
  if (p.to !== undefined) q.to = Date.parse(p.to);
  if (p.odds_format === 'american' || p.odds_format === 'fractional') q.oddsFormat = p.odds_format;
  if (p.format) q.format = p.format;
  q.filters = toFilterSet(q);
  if (p.cursor !== undefined) q.cursor = decodeCursor(p.cursor, sort.field);
  return q;
}

// The cursor is opaque to clients: base64url of [sort field, sort value, id].
export function encodeCursor(field: SortField, hit: WireHit): string {
  return Buffer.from(JSON.stringify([field, hit[field], hit.id])).toString('base64url');
}

function decodeCursor(cursor: string, field: SortField): CursorKey {
  const invalid = () =>
    badRequest('Invalid query parameter: cursor', [
      { field: 'cursor', message: 'is not a cursor of this listing and sort order' },
    ]);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(v) || v.length !== 3 || v[0] !== field || typeof v[2] !== 'string') throw invalid();
  const numeric = field === 'ev' || field === 'price';
  if (numeric ? typeof v[1] !== 'number' : typeof v[1] !== 'string' || Number.isNaN(Date.parse(v[1]))) {
    throw invalid();
  }
  return { value: v[1], id: v[2] };
}

/** The contract's filter set of a parsed query (what the web app and alert rules hold). */
export function toFilterSet(q: Omit<HitQuery, 'filters'>): HitFilterSet {
  const f: HitFilterSet = { status: q.status, include_suspect: q.includeSuspect };
  if (q.sport) f.sport = q.sport;
  if (q.market) f.market = q.market;
  if (q.book) f.book = q.book;
  if (q.minEv !== undefined) f.min_ev = q.minEv;
  if (q.maxEv !== undefined) f.max_ev = q.maxEv;
  if (q.minOdds !== undefined) f.min_odds = q.minOdds;
  if (q.maxOdds !== undefined) f.max_odds = q.maxOdds;
  if (q.startsWithin !== undefined) f.starts_within = q.startsWithin;
  if (q.q !== undefined) f.q = q.q;
  return f;
}

/**
 * The in-memory form of the filters: ev-core's `hitMatches` (shared with the web app) plus
 * the history range. The SQL form is `filterSql` in repo.ts; keep them in step.
 */
export function matches(h: WireHit, q: HitQuery, now: number): boolean {
  if (!hitMatches(h, q.filters, now)) return false;
  if (q.from !== undefined && !(h.closed_at !== null && Date.parse(h.closed_at) >= q.from)) return false;
  if (q.to !== undefined && !(h.closed_at !== null && Date.parse(h.closed_at) < q.to)) return false;
  return true;
}

function sortValue(h: WireHit, field: SortField): number {
  switch (field) {
    case 'ev':
    case 'price':
      return h[field];
    default: {
      const v = h[field];
      return v === null ? Number.NEGATIVE_INFINITY : Date.parse(v);
    }
  }
}

/** Sorted by the query's field, ties broken by id in the same direction (stable paging). */
export function sortHits(hits: WireHit[], sort: HitQuery['sort']): WireHit[] {
  const sign = sort.desc ? -1 : 1;
  const keyed = hits.map((h) => ({ h, k: sortValue(h, sort.field) }));
  keyed.sort((a, b) => sign * (a.k - b.k || (a.h.id < b.h.id ? -1 : a.h.id > b.h.id ? 1 : 0)));
  return keyed.map((x) => x.h);
}

/** Index of the first hit strictly after the cursor in a list sorted by `sort`. */
export function afterCursor(sorted: WireHit[], sort: HitQuery['sort'], cursor: CursorKey): number {
  const sign = sort.desc ? -1 : 1;
  const cv = typeof cursor.value === 'number' ? cursor.value : Date.parse(cursor.value);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const h = sorted[mid];
    const d = sign * (sortValue(h, sort.field) - cv || (h.id < cursor.id ? -1 : h.id > cursor.id ? 1 : 0));
    if (d <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds `price_display` / `fair_odds_display` in the requested format. */
export function withDisplay(
  h: WireHit,
  format: HitQuery['oddsFormat'],
): WireHit & { price_display?: number | string | null; fair_odds_display?: number | string | null } {
  if (!format) return h;
  return { ...h, price_display: display(h.price, format), fair_odds_display: display(h.fair_odds, format) };
}

function display(decimal: number, format: 'american' | 'fractional'): number | string | null {
  try {
    const v = fromDecimal(decimal, format);
    // American odds read with their sign: "+150", "-110".
    return format === 'american' && typeof v === 'number' ? (v > 0 ? `+${v}` : String(v)) : v;
  } catch {
    return null;
  }
}
