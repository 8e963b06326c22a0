import type { EvHit, EvSummary } from '@evision/contract';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { apiFetch } from '../../lib/api';
import { formatPercent, formatTime } from '../../lib/format';
import { useSettings } from '../../lib/settings';
import { Chart, type Series } from './Chart';
import { binLabel, clvByDay, topCounts } from './data';
import './summary.css';

const pct0 = (v: number) => formatPercent(v, 0);

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  const rows = useMemo(() => topCounts(counts, 12), [counts]);
  const x = useMemo(() => rows.map((_, i) => i), [rows]);
  const series = useMemo<Series[]>(
    () => [{ label: 'Hits', values: rows.map((r) => r[1]), color: '--accent', kind: 'bars' }],
    [rows],
  );
  const cats = useMemo(() => rows.map((r) => r[0]), [rows]);
  return (
    <section className="card summary-card" aria-labelledby={`summary-${title}`}>
      <h2 id={`summary-${title}`}>Hits by {title}</h2>
      {rows.length === 0 ? (
        <p className="empty">No hits.</p>
      ) : (
        <>
          <Chart x={x} series={series} categories={cats} label={`Hits by ${title}`} />
          <CountTable rows={rows} what={title} />
        </>
      )}
    </section>
  );
}

function CountTable({ rows, what }: { rows: Array<[string, number]>; what: string }) {
  return (
    <details className="summary-details">
      <summary>Table</summary>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{what}</th>
            <th scope="col" className="num">
              Hits
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, n]) => (
            <tr key={k}>
              <td>{k}</td>
              <td className="num">{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The signed-in user's overview: active hit totals, EV distribution, where hits come from, closed hits and CLV. */
export default function SummaryPage() {
  const { settings } = useSettings();
  const summary = useQuery({
    queryKey: ['ev', 'summary'],
    queryFn: () => apiFetch<EvSummary>('/api/ev/summary'),
    refetchInterval: 60_000,
  });
  const history = useQuery({
    queryKey: ['ev', 'history', 'summary'],
    queryFn: () => apiFetch<{ hits: EvHit[]; next_cursor: string | null }>('/api/ev/history?limit=500'),
  });
  const s = summary.data;
  const hist = useMemo(() => {
    const bins = s?.ev_histogram ?? [];
    return {
      x: bins.map((_, i) => i),
      cats: bins.map(binLabel),
      series: [
        { label: 'Hits', values: bins.map((b) => b.count), color: '--accent', kind: 'bars' },
      ] as Series[],
    };
  }, [s]);
  const days = useMemo(
    () => clvByDay(history.data?.hits ?? [], settings.timezone),
    [history.data, settings.timezone],
  );
  const clvSeries = useMemo<Series[]>(
    () => [
      { label: 'Closed hits', values: days.rows.map((d) => d.count), color: '--muted', kind: 'bars' },
      {
        label: 'Mean CLV',
        values: days.rows.map((d) => d.meanClv),
        color: '--pos',
        kind: 'line',
        scale: 'y2',
      },
    ],
    [days],
  );
  const clvX = useMemo(() => days.rows.map((d) => d.t), [days]);

  return (
    <div className="page summary-page">
      <header className="page-header">
        <h1>Summary</h1>
        {s && (
          <span className="summary-updated">Updated {formatTime(s.last_updated, settings.timezone)}</span>
        )}
      </header>
      {summary.isPending && (
        <div role="status" aria-busy="true" aria-label="Loading the summary" className="grid">
          <div className="skeleton summary-skel" />
          <div className="skeleton summary-skel" />
          <div className="skeleton summary-skel" />
        </div>
      )}
      {summary.isError && (
        <div className="error" role="alert">
          <p>
            The summary could not be loaded:{' '}
            {summary.error instanceof Error ? summary.error.message : 'unknown error'}.
          </p>
          <button type="button" className="btn" onClick={() => summary.refetch()}>
            Try again
          </button>
        </div>
      )}
      {s && (
        <>
          <dl className="summary-stats">
            <div className="stat card">
              <dt className="stat-label">Active hits</dt>
              <dd className="stat-value" data-testid="summary-total">
                {s.total_hits}
              </dd>
            </div>
            <div className="stat card">
              <dt className="stat-label">Mean EV</dt>
              <dd className="stat-value pos">{s.mean_ev === null ? '—' : formatPercent(s.mean_ev, 2)}</dd>
            </div>
            <div className="stat card">
              <dt className="stat-label">Top EV</dt>
              <dd className="stat-value pos">{s.top_ev === null ? '—' : formatPercent(s.top_ev, 2)}</dd>
            </div>
            <div className="stat card">
              <dt className="stat-label">Closed, mean CLV</dt>
              <dd
                className={`stat-value ${days.meanClv !== null && days.meanClv < 0 ? 'neg' : 'pos'}`}
                data-testid="summary-clv"
              >
                {days.meanClv === null ? '—' : formatPercent(days.meanClv, 2)}
              </dd>
            </div>
            <div className="stat card">
              <dt className="stat-label">Beat the close</dt>
              <dd className="stat-value" data-testid="summary-beat">
                {days.beatShare === null ? '—' : formatPercent(days.beatShare, 0)}
              </dd>
            </div>
          </dl>
          {s.total_hits === 0 && (
            <div className="empty">
              No active hits right now. They appear here as the scanner finds prices above the fair line.
            </div>
          )}
          <div className="summary-grid">
            <section className="card summary-card summary-wide" aria-labelledby="summary-hist">
              <h2 id="summary-hist">EV distribution</h2>
              <Chart x={hist.x} series={hist.series} categories={hist.cats} label="Active hits per EV band" />
              <CountTable rows={hist.cats.map((c, i) => [c, s.ev_histogram[i]?.count ?? 0])} what="EV" />
            </section>
            <Counts title="book" counts={s.by_book} />
            <Counts title="sport" counts={s.by_sport} />
            <Counts title="market" counts={s.by_market} />
          </div>
        </>
      )}
      <section className="card summary-card summary-wide" aria-labelledby="summary-clv-h">
        <h2 id="summary-clv-h">Closed hits and closing-line value</h2>
        {history.isPending && <div className="skeleton summary-skel" />}
        {history.isError && (
          <p className="error" role="alert">
            Closed hits could not be loaded:{' '}
            {history.error instanceof Error ? history.error.message : 'unknown error'}.
          </p>
        )}
        {history.isSuccess && days.rows.length === 0 && (
          <p className="empty">
            No closed hits yet. A hit closes when its price goes away or the event starts.
          </p>
        )}
        {days.rows.length > 0 && (
          <>
            <Chart
              x={clvX}
              series={clvSeries}
              time
              label="Closed hits per day and their mean CLV"
              y2Format={pct0}
            />
            <p className="summary-note">
              {days.closed} closed hits ({days.withClv} with a closing line) over the last {days.rows.length}{' '}
              days with hits
              {history.data?.next_cursor ? '; only the latest 500 are shown' : ''}.
            </p>
          </>
        )}
      </section>
      {/* Slot: the hit-quality section (calibration, CLV by EV band) lands here. */}
      <section
        className="card summary-card summary-wide summary-quality"
        data-slot="hit-quality"
        aria-label="Hit quality"
      >
        <h2>Hit quality</h2>
        <p className="summary-note">Reserved for the hit-quality section.</p>
      </section>
    </div>
  );
}
