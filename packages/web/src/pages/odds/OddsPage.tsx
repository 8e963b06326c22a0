import type { OddsView, PublicUpcomingResponse } from '@evision/contract';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiFetch } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useSettings } from '../../lib/settings';
import { MARKET_LABELS, marketLines } from './lines';
import { MarketLines } from './MarketLines';
import './odds.css';

const MARKETS = ['h2h', 'spreads', 'totals'] as const;

/** The tracked sports, read from the public schedule (every tracked sport with events ahead). */
function useSports() {
  return useQuery({
    queryKey: ['public', 'upcoming'],
    queryFn: () => apiFetch<PublicUpcomingResponse>('/api/public/upcoming'),
    staleTime: 60_000,
    select: (r) => {
      const m = new Map<string, string>();
      for (const e of r.events) if (!m.has(e.sport_key)) m.set(e.sport_key, e.sport_title || e.sport_key);
      return [...m.entries()]
        .map(([key, title]) => ({ key, title }))
        .sort((a, b) => a.title.localeCompare(b.title));
    },
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : 'unknown error';
}

/** One sport's upcoming events across every book: best price per outcome highlighted, fair line beside it. */
export default function OddsPage() {
  const { settings } = useSettings();
  const [params, setParams] = useSearchParams();
  const sports = useSports();
  const sport = params.get('sport') ?? sports.data?.[0]?.key ?? '';
  const market = (MARKETS as readonly string[]).includes(params.get('market') ?? '')
    ? (params.get('market') as string)
    : 'h2h';
  const odds = useQuery({
    queryKey: ['odds', sport, market],
    queryFn: () =>
      apiFetch<OddsView>(
        `/api/odds?sport=${encodeURIComponent(sport)}&markets=${market}&odds_format=decimal`,
      ),
    enabled: sport !== '',
    refetchInterval: 60_000,
  });
  const events = useMemo(
    () =>
      [...(odds.data ?? [])]
        .filter((e) => new Date(e.commence_time).getTime() > Date.now() - 3 * 3_600_000)
        .sort((a, b) => a.commence_time.localeCompare(b.commence_time)),
    [odds.data],
  );
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    next.set(k, v);
    setParams(next, { replace: true });
  };

  return (
    <div className="page odds-page">
      <header className="page-header">
        <h1>Odds</h1>
        <div className="odds-toolbar">
          <div className="field">
            <label htmlFor="odds-sport">Sport</label>
            <select
              id="odds-sport"
              value={sport}
              onChange={(e) => set('sport', e.target.value)}
              disabled={!sports.data?.length}
            >
              {sports.data?.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="odds-market">Market</label>
            <select id="odds-market" value={market} onChange={(e) => set('market', e.target.value)}>
              {MARKETS.map((m) => (
                <option key={m} value={m}>
                  {MARKET_LABELS[m]}
                </option>
              ))}
            </select>
          </div>
        </div>
      </header>
      {(sports.isPending || odds.isLoading) && (
        <div role="status" aria-busy="true" aria-label="Loading odds">
          <div className="skeleton odds-skel" />
          <div className="skeleton odds-skel" />
        </div>
      )}
      {sports.isError && (
        <div className="error" role="alert">
          The list of sports could not be loaded: {message(sports.error)}.
        </div>
      )}
      {sports.isSuccess && sports.data.length === 0 && (
        <div className="empty">
          No sport has upcoming events yet. Odds appear once the scanner has fetched them.
        </div>
      )}
      {odds.isError && (
        <div className="error" role="alert">
          <p>Odds could not be loaded: {message(odds.error)}.</p>
          <button type="button" className="btn" onClick={() => odds.refetch()}>
            Try again
          </button>
        </div>
      )}
      {odds.isSuccess && events.length === 0 && (
        <div className="empty">No upcoming events with odds for this sport.</div>
      )}
      {events.map((e) => (
        <section key={e.id} className="card odds-event" aria-labelledby={`odds-ev-${e.id}`}>
          <h2 id={`odds-ev-${e.id}`}>
            <Link to={`/odds/${encodeURIComponent(e.sport_key)}/${encodeURIComponent(e.id)}`}>
              {e.away_team} at {e.home_team}
            </Link>
          </h2>
          <p className="odds-when">
            <time dateTime={e.commence_time}>{formatTime(e.commence_time, settings.timezone)}</time> ·{' '}
            {e.bookmakers.length} books
          </p>
          <MarketLines
            lines={marketLines(e, market, true)}
            format={settings.odds_format}
            caption={MARKET_LABELS[market] ?? market}
          />
        </section>
      ))}
    </div>
  );
}
