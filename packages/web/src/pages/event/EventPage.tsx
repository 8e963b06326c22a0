import type { OddsView } from '@evision/contract';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { apiFetch } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useSettings } from '../../lib/settings';
import { MARKET_LABELS, marketKeys, marketLines } from '../odds/lines';
import { MarketLines } from '../odds/MarketLines';

/** One event: every market it has across every book, the best price marked and the fair line beside it. */
export default function EventPage() {
  const { sport = '', eventId = '' } = useParams();
  const { settings } = useSettings();
  const q = useQuery({
    queryKey: ['odds', sport, 'event', eventId],
    queryFn: () =>
      apiFetch<OddsView>(
        `/api/odds?sport=${encodeURIComponent(sport)}&event_id=${encodeURIComponent(eventId)}&odds_format=decimal`,
      ),
    refetchInterval: 60_000,
  });
  const event = q.data?.[0];
  return (
    <div className="page odds-page">
      <p className="odds-back">
        <Link to={`/odds?sport=${encodeURIComponent(sport)}`}>← All {sport} odds</Link>
      </p>
      {q.isPending && (
        <div role="status" aria-busy="true" aria-label="Loading the event">
          <div className="skeleton odds-skel" />
        </div>
      )}
      {q.isError && (
        <div className="error" role="alert">
          <p>
            The event could not be loaded: {q.error instanceof Error ? q.error.message : 'unknown error'}.
          </p>
          <button type="button" className="btn" onClick={() => q.refetch()}>
            Try again
          </button>
        </div>
      )}
      {q.isSuccess && !event && (
        <div className="empty">
          This event is not in the latest odds (it may have started or been removed).
        </div>
      )}
      {event && (
        <>
          <header className="page-header">
            <h1>
              {event.away_team} at {event.home_team}
            </h1>
          </header>
          <p className="odds-when">
            {event.sport_title} ·{' '}
            <time dateTime={event.commence_time}>{formatTime(event.commence_time, settings.timezone)}</time> ·{' '}
            {event.bookmakers.length} books
          </p>
          {marketKeys(event).map((m) => (
            <section key={m} className="card odds-event" aria-label={MARKET_LABELS[m] ?? m}>
              <MarketLines
                lines={marketLines(event, m)}
                format={settings.odds_format}
                caption={MARKET_LABELS[m] ?? m}
              />
            </section>
          ))}
          {marketKeys(event).length === 0 && <div className="empty">No book prices this event yet.</div>}
        </>
      )}
    </div>
  );
}
