import type { EvHit, HitFilterSet } from '@evision/contract';
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useMediaQuery } from '../../lib/media';
import { useSettings } from '../../lib/settings';
import { ageLabel, boardColumns } from './columns';
import { FilterBar } from './FilterBar';
import { filtersFromParams, filtersToParams } from './filters';
import { HitCards } from './HitCards';
import { type SocketState, useLiveHits } from './useLiveHits';
import './board.css';

const ROW_PX = 36;
const SOCKET_LABEL: Record<SocketState, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: 'Polling every 10 s',
};

function sortFromParam(sort: string | null): SortingState {
  if (!sort) return [{ id: 'ev', desc: true }];
  return [{ id: sort.replace(/^-/, ''), desc: sort.startsWith('-') }];
}

function distinct(hits: readonly EvHit[], key: 'sport' | 'market' | 'book'): string[] {
  return [...new Set(hits.map((h) => h[key]))].sort();
}

/** The live +EV board: every hit of the current filters, live over the WebSocket. */
export default function BoardPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const { filters, sort } = useMemo(() => filtersFromParams(params), [params]);
  const { settings } = useSettings();
  const currency = (settings as { currency?: string }).currency ?? 'USD';
  const { data, error, isLoading, isFetching, refetch, marks, socketState, now } = useLiveHits(filters);
  const narrow = useMediaQuery('(max-width: 640px)');

  const setFilters = useCallback(
    (next: HitFilterSet) => setParams(filtersToParams({ filters: next, sort }), { replace: true }),
    [setParams, sort],
  );
  const sorting = useMemo(() => sortFromParam(sort), [sort]);
  const hits = data?.hits ?? [];
  const columns = useMemo(() => boardColumns(settings, currency, now), [settings, currency, now]);
  const table = useReactTable({
    data: hits,
    columns,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      setParams(filtersToParams({ filters, sort: first ? `${first.desc ? '-' : ''}${first.id}` : null }), {
        replace: true,
      });
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (h) => h.id,
    enableSortingRemoval: false,
  });
  const rows = table.getRowModel().rows;

  const scrollRef = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
    initialRect: { width: 1280, height: 720 },
  });
  const [selected, setSelected] = useState(0);
  useEffect(() => {
    if (selected >= rows.length && rows.length) setSelected(rows.length - 1);
  }, [rows.length, selected]);

  const open = (h: EvHit | undefined) => {
    if (h) navigate(`/hits/${encodeURIComponent(h.id)}`);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (!rows.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = Math.min(rows.length - 1, Math.max(0, selected + (e.key === 'ArrowDown' ? 1 : -1)));
      setSelected(n);
      virtualizer.scrollToIndex(n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(rows[selected]?.original);
    }
  };

  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const active = hits.filter((h) => h.status === 'active').length;

  return (
    <div className="page board">
      <div className="page-header">
        <h1>Live +EV hits</h1>
        <div className="board-status" aria-live="polite">
          <span className="board-count">
            {isLoading ? 'Loading…' : `${active} ${active === 1 ? 'hit' : 'hits'}`}
          </span>
          {data?.last_updated && <span className="muted">data {ageLabel(data.last_updated, now)} old</span>}
          <span className={`badge board-socket board-socket-${socketState}`} title="Live feed">
            {SOCKET_LABEL[socketState]}
          </span>
        </div>
      </div>
      <FilterBar
        filters={filters}
        onChange={setFilters}
        sports={distinct(hits, 'sport')}
        markets={distinct(hits, 'market')}
        books={distinct(hits, 'book')}
      />
      {error && !data ? (
        <div className="error" role="alert">
          <p>The hits could not be loaded: {(error as Error).message}</p>
          <button type="button" className="btn" onClick={() => void refetch()}>
            Try again
          </button>
        </div>
      ) : isLoading ? (
        <div className="board-loading" aria-busy="true">
          {[0, 1, 2, 3, 4].map((i) => (
            <div key={i} className="skeleton board-skeleton-row" />
          ))}
        </div>
      ) : !hits.length ? (
        <div className="empty card">
          <p>
            <strong>No +EV bets match these filters right now.</strong>
          </p>
          <p>
            {Object.keys(filters).length
              ? 'Widen min EV, add books or clear the search; new hits appear here the moment they are found.'
              : 'The scanner has found nothing above the EV threshold yet; new hits appear here the moment they are found.'}
          </p>
        </div>
      ) : narrow ? (
        <HitCards
          rows={rows.map((r) => r.original)}
          marks={marks}
          settings={settings}
          currency={currency}
          now={now}
          onOpen={open}
        />
      ) : (
        <section
          ref={scrollRef}
          className="board-scroll"
          aria-label="Hits (arrow keys move, Enter opens)"
          aria-busy={isFetching}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area takes the keyboard (arrows move the selection, Enter opens)
          tabIndex={0}
          onKeyDown={onKeyDown}
        >
          <table className="table board-table">
            <thead>
              {table.getHeaderGroups().map((g) => (
                <tr key={g.id}>
                  {g.headers.map((h) => {
                    const dir = h.column.getIsSorted();
                    const num = (h.column.columnDef.meta as { num?: boolean } | undefined)?.num;
                    return (
                      <th
                        key={h.id}
                        className={num ? 'num' : undefined}
                        aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                      >
                        <button
                          type="button"
                          className="board-sort"
                          onClick={h.column.getToggleSortingHandler()}
                        >
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
                        </button>
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody>
              {padTop > 0 && (
                <tr className="board-pad">
                  <td style={{ height: padTop }} colSpan={columns.length} />
                </tr>
              )}
              {items.map((v) => {
                const row = rows[v.index];
                if (!row) return null;
                const mark = marks.get(row.id);
                const cls = [
                  'board-row',
                  mark ? `board-row-${mark}` : '',
                  row.original.status === 'closed' ? 'board-row-closed' : '',
                  v.index === selected ? 'board-row-selected' : '',
                ]
                  .filter(Boolean)
                  .join(' ');
                return (
                  <tr
                    key={row.id}
                    className={cls}
                    data-hit-id={row.id}
                    aria-selected={v.index === selected}
                    onClick={() => {
                      setSelected(v.index);
                      open(row.original);
                    }}
                  >
                    {row.getVisibleCells().map((c) => {
                      const num = (c.column.columnDef.meta as { num?: boolean } | undefined)?.num;
                      return (
                        <td key={c.id} className={num ? 'num' : undefined}>
                          {flexRender(c.column.columnDef.cell, c.getContext())}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
              {padBottom > 0 && (
                <tr className="board-pad">
                  <td style={{ height: padBottom }} colSpan={columns.length} />
                </tr>
              )}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
