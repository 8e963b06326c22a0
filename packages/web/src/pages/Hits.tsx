import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../api';
import { useAuth } from '../auth/AuthContext';

interface Hit {
  id: string;
  event: string;
  sport: string;
  market: string;
  outcome: string;
  point: number | null;
  book: string;
  price: number;
  fair_odds: number;
  ev_percent: number;
  kelly: number;
}

interface HitsPage {
  hits: Hit[];
  last_updated: string | null;
}

/** The live feed: current +EV hits, best first, refreshed every few seconds. */
export function Hits() {
  const { user, logout } = useAuth();
  const { data, error, isLoading } = useQuery({
    queryKey: ['hits'],
    queryFn: () => apiFetch<HitsPage>('/api/ev/hits?limit=100'),
    refetchInterval: 5_000,
  });

  return (
    <main>
      <header>
        <h1>Live +EV hits</h1>
        <span>{user?.username}</span>{' '}
        <button type="button" onClick={logout}>
          Sign out
        </button>
      </header>
      {isLoading && <p>Loading…</p>}
      {error && <p role="alert">{(error as Error).message}</p>}
      {data && data.hits.length === 0 && <p>No +EV hits right now.</p>}
      {data && data.hits.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Event</th>
              <th>Market</th>
              <th>Pick</th>
              <th>Book</th>
              <th>Price</th>
              <th>Fair</th>
              <th>EV %</th>
            </tr>
          </thead>
          <tbody>
            {data.hits.map((h) => (
              <tr key={h.id}>
                <td>{h.event}</td>
                <td>{h.market}</td>
                <td>
                  {h.outcome}
                  {h.point !== null ? ` ${h.point > 0 && h.market === 'spreads' ? '+' : ''}${h.point}` : ''}
                </td>
                <td>{h.book}</td>
                <td>{h.price.toFixed(2)}</td>
                <td>{h.fair_odds.toFixed(2)}</td>
                <td>{h.ev_percent.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
