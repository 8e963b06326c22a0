import { HitFilterSet } from '@evision/contract';

/** The board's URL state: a `HitFilterSet` (API units) plus the sort column. */
export interface BoardQuery {
  filters: HitFilterSet;
  sort: string | null;
}

const LISTS = ['sport', 'market', 'book'] as const;
const NUMBERS = ['min_ev', 'max_ev', 'min_odds', 'max_odds', 'starts_within'] as const;
const SORT = /^-?[a-z_]{1,32}$/;

/**
 * Reads the filter set from the URL. Each field is checked with the contract's own schema, so a
 * hand-edited bad value (`min_odds=0.5`) is dropped instead of breaking the page.
 */
export function filtersFromParams(params: URLSearchParams): BoardQuery {
  const raw: Record<string, unknown> = {};
  for (const k of LISTS) {
    const v = params.get(k);
    if (v) raw[k] = v.split(',').filter(Boolean);
  }
  for (const k of NUMBERS) {
    const v = params.get(k);
    if (v !== null && v.trim() !== '') raw[k] = Number(v);
  }
  const status = params.get('status');
  if (status) raw.status = status;
  if (params.get('include_suspect') === 'true') raw.include_suspect = true;
  const q = params.get('q');
  if (q?.trim()) raw.q = q.trim();

  const filters: Record<string, unknown> = {};
  const shape = HitFilterSet.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean; data?: unknown } }
  >;
  for (const [k, v] of Object.entries(raw)) {
    const r = shape[k]?.safeParse(v);
    if (r?.success && r.data !== undefined) filters[k] = r.data;
  }
  const sort = params.get('sort');
  return { filters: filters as HitFilterSet, sort: sort && SORT.test(sort) ? sort : null };
}

/** Writes the filter set to URL parameters in a fixed order (so equal views have equal URLs). */
export function filtersToParams({ filters, sort }: BoardQuery): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of LISTS) {
    const v = filters[k];
    if (v?.length) p.set(k, v.join(','));
  }
  for (const k of NUMBERS) {
    const v = filters[k];
    if (v !== undefined && Number.isFinite(v)) p.set(k, String(v));
  }
  if (filters.status && filters.status !== 'active') p.set('status', filters.status);
  if (filters.include_suspect) p.set('include_suspect', 'true');
  if (filters.q) p.set('q', filters.q);
  if (sort) p.set('sort', sort);
  return p;
}

/** The `/api/ev/hits` query for a filter set (the server applies the same filters). */
export function hitsApiQuery(filters: HitFilterSet, limit = 500): string {
  const p = filtersToParams({ filters, sort: null });
  p.set('limit', String(limit));
  p.set('sort', '-ev');
  return p.toString();
}
