import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExtraRoute } from '../../routes/extra';
import { jsonResponse, renderApp } from '../../test-utils';
import { dayKey, groupUpcoming } from './group';

const routes: ExtraRoute[] = [{ path: '/upcoming', load: () => import('./UpcomingPage'), auth: 'public' }];

const ev = (id: string, sport: string, title: string, t: string, home: string, away: string) => ({
  id,
  sport_key: sport,
  sport_title: title,
  commence_time: t,
  home_team: home,
  away_team: away,
});

function stub(answer: () => Response | Promise<Response>) {
  vi.stubGlobal('fetch', async (url: string) => {
    if (url === '/api/public/upcoming') return answer();
    return jsonResponse(401, { error: { code: 'no_session', message: 'none' } });
  });
}

describe('groupUpcoming', () => {
  it('splits one UTC evening into two days where the viewer lives', () => {
    const events = [
      ev('a', 'nba', 'NBA', '2026-12-09T23:30:00Z', 'Lakers', 'Celtics'),
      ev('b', 'nba', 'NBA', '2026-12-10T01:30:00Z', 'Heat', 'Bulls'),
      ev('c', 'epl', 'EPL', '2026-12-09T15:00:00Z', 'Arsenal', 'Chelsea'),
      ev('bad', 'epl', 'EPL', 'not a time', 'X', 'Y'),
    ];
    const utc = groupUpcoming(events, 'UTC');
    expect(utc.map((g) => g.sport_title)).toEqual(['EPL', 'NBA']);
    expect(utc[1]?.days.map((d) => d.key)).toEqual(['2026-12-09', '2026-12-10']);
    expect(utc[0]?.days[0]?.events.map((e) => e.id)).toEqual(['c']);
    const ny = groupUpcoming(events, 'America/New_York');
    expect(ny[1]?.days.map((d) => [d.key, d.events.length])).toEqual([['2026-12-09', 2]]);
    expect(dayKey('2026-12-09T23:30:00Z', 'Asia/Tokyo')).toBe('2026-12-10');
  });
});

describe('UpcomingPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists events by sport and day and filters by sport', async () => {
    stub(() =>
      jsonResponse(200, {
        generated_at: '2026-12-08T00:00:00Z',
        events: [
          ev('a', 'basketball_nba', 'NBA', '2030-01-05T23:30:00Z', 'Lakers', 'Celtics'),
          ev('c', 'soccer_epl', 'EPL', '2030-01-05T15:00:00Z', 'Arsenal', 'Chelsea'),
        ],
      }),
    );
    renderApp('/upcoming', { routes });
    const nba = await screen.findByRole('region', { name: 'NBA' });
    expect(within(nba).getByText(/Celtics/)).toHaveTextContent('Celtics at Lakers');
    expect(within(nba).getByRole('time')).toHaveAttribute('datetime', '2030-01-05T23:30:00Z');
    expect(screen.getByRole('region', { name: 'EPL' })).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Sport'), 'soccer_epl');
    expect(screen.queryByRole('region', { name: 'NBA' })).toBeNull();
    expect(screen.getByRole('region', { name: 'EPL' })).toBeInTheDocument();
  });

  it('says so when there are no events', async () => {
    stub(() => jsonResponse(200, { generated_at: '2026-12-08T00:00:00Z', events: [] }));
    renderApp('/upcoming', { routes });
    expect(await screen.findByText(/No upcoming events yet/)).toBeInTheDocument();
  });

  it('shows an error with a retry when the server fails, and recovers', async () => {
    let calls = 0;
    stub(() => {
      calls++;
      return calls <= 2
        ? jsonResponse(503, { error: { code: 'unavailable', message: 'Database unavailable' } })
        : jsonResponse(200, {
            generated_at: 'x',
            events: [ev('a', 'nba', 'NBA', '2030-01-05T23:30:00Z', 'H', 'A')],
          });
    });
    renderApp('/upcoming', { routes });
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert).toHaveTextContent(/could not be loaded/);
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'NBA' })).toBeInTheDocument();
  });
});
