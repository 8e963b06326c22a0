import type { EvHit, UserSettings } from '@evision/contract';
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import { formatMoney, formatOdds, formatPercent, formatTime } from '../../lib/format';
import { BookBadge } from './books';

const col = createColumnHelper<EvHit>();

export function pickLabel(h: Pick<EvHit, 'outcome' | 'point' | 'market'>): string {
  if (h.point === null) return h.outcome;
  const sign = h.point > 0 && h.market.startsWith('spread') ? '+' : '';
  return `${h.outcome} ${sign}${h.point}`;
}

export function marketLabel(key: string): string {
  return key === 'h2h' ? 'Moneyline' : key === 'spreads' ? 'Spread' : key === 'totals' ? 'Total' : key;
}

export function sportLabel(key: string): string {
  const [, league] = key.split('_');
  return (league ?? key).toUpperCase();
}

export function ageLabel(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

/** The Kelly stake for this user: bankroll × fraction × full Kelly (a share when no bankroll). */
export function stakeLabel(h: EvHit, s: UserSettings, currency: string): string {
  const share = h.kelly * s.kelly_fraction;
  if (s.bankroll === null || s.bankroll === undefined) return formatPercent(share, 2);
  return formatMoney(s.bankroll * share, currency);
}

export function boardColumns(s: UserSettings, currency: string, now: number): ColumnDef<EvHit, never>[] {
  return [
    col.accessor('event', {
      header: 'Event',
      cell: (c) => <span className="board-event">{c.getValue()}</span>,
    }),
    col.accessor('commence_time', {
      header: 'Starts',
      cell: (c) => formatTime(c.getValue(), s.timezone),
    }),
    col.accessor('sport', { header: 'Sport', cell: (c) => sportLabel(c.getValue()) }),
    col.accessor('market', { header: 'Market', cell: (c) => marketLabel(c.getValue()) }),
    col.accessor((h) => pickLabel(h), { id: 'outcome', header: 'Pick' }),
    col.accessor('book', { header: 'Book', cell: (c) => <BookBadge book={c.getValue()} /> }),
    col.accessor('price', {
      header: 'Price',
      meta: { num: true },
      cell: (c) => formatOdds(c.getValue(), s.odds_format),
    }),
    col.accessor('fair_odds', {
      header: 'Fair',
      meta: { num: true },
      cell: (c) => formatOdds(c.getValue(), s.odds_format),
    }),
    col.accessor('ev', {
      header: 'EV %',
      meta: { num: true },
      cell: (c) => (
        <span className={c.getValue() >= 0 ? 'pos' : 'neg'}>{formatPercent(c.getValue(), 2)}</span>
      ),
    }),
    col.accessor('kelly', {
      header: 'Stake',
      meta: { num: true },
      cell: (c) => stakeLabel(c.row.original, s, currency),
    }),
    col.accessor('first_seen_at', {
      header: 'Age',
      meta: { num: true },
      sortingFn: 'datetime',
      cell: (c) => ageLabel(c.getValue(), now),
    }),
  ] as ColumnDef<EvHit, never>[];
}
