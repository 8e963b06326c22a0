import type { PublicUpcomingResponse } from '@evision/contract';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { apiFetch } from '../../lib/api';
import { useSettings } from '../../lib/settings';
import { groupUpcoming } from './group';
import './upcoming.css';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function startTime(iso: string, timeZone: string): string {
  let f = timeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone });
    timeFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

/** Public schedule: the events the platform tracks, by sport and day, in the viewer's time zone. */
export default function UpcomingPage() {
  const { settings } = useSettings();
  const tz = settings.timezone;
  const [sport, setSport] = useState('');
  const q = useQuery({
    queryKey: ['public', 'upcoming'],
    queryFn: () => apiFetch<PublicUpcomingResponse>('/api/public/upcoming'),
    staleTime: 60_000,
  });
  const groups = useMemo(() => groupUpcoming(q.data?.events ?? [], tz), [q.data, tz]);
  const shown = sport ? groups.filter((g) => g.sport_key === sport) : groups;

  return (
    <div className="page upcoming-page">
      <header className="page-header">
        <h1>Upcoming events</h1>
        {groups.length > 1 && (
          <div className="field upcoming-filter">
            <label htmlFor="upcoming-sport">Sport</label>
            <select id="upcoming-sport" value={sport} onChange={(e) => setSport(e.target.value)}>
              <option value="">All sports</option>
              {groups.map((g) => (
                <option key={g.sport_key} value={g.sport_key}>
                  {g.sport_title}
                </option>
              ))}
            </select>
          </div>
        )}
      </header>
      <p className="upcoming-tz">Times in {tz}</p>
      {q.isPending && (
        <div role="status" aria-busy="true" aria-label="Loading events">
          <div className="skeleton upcoming-skel" />
          <div className="skeleton upcoming-skel" />
          <div className="skeleton upcoming-skel" />
        </div>
      )}
      {q.isError && (
        <div className="error" role="alert">
          <p>
            The schedule could not be loaded: {q.error instanceof Error ? q.error.message : 'unknown error'}.
          </p>
          <button type="button" className="btn" onClick={() => q.refetch()}>
            Try again
          </button>
        </div>
      )}
      {q.isSuccess && groups.length === 0 && (
        <div className="empty">
          <p>No upcoming events yet. Events appear here once odds for them have been fetched.</p>
        </div>
      )}
      {shown.map((g) => (
        <section
          key={g.sport_key}
          className="card upcoming-sport"
          aria-labelledby={`upcoming-${g.sport_key}`}
        >
          <h2 id={`upcoming-${g.sport_key}`}>{g.sport_title}</h2>
          {g.days.map((d) => (
            <div key={d.key} className="upcoming-day">
              <h3>
                {d.label} <span className="upcoming-count">{d.events.length}</span>
              </h3>
              <ul className="upcoming-list">
                {d.events.map((e) => (
                  <li key={e.id}>
                    <time dateTime={e.commence_time} className="upcoming-time">
                      {startTime(e.commence_time, tz)}
                    </time>
                    <span className="upcoming-teams">
                      {e.away_team} <span className="upcoming-at">at</span> {e.home_team}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
