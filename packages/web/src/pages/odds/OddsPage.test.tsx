import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '../../lib/api';
import type { ExtraRoute } from '../../routes/extra';
import { demoUser, jsonResponse, renderApp } from '../../test-utils';
import { bestEdge, marketLines } from './lines';

const routes: ExtraRoute[] = [
  { path: '/odds', load: () => import('./OddsPage'), auth: 'user' },
  { path: '/odds/:sport/:eventId', load: () => import('../event/EventPage'), auth: 'user' },
];

const book = (
  key: string,
  markets: Array<{ key: string; outcomes: Array<{ name: string; price: number; point?: number }> }>,
) => ({
  key,
  title: key.toUpperCase(),
  last_update: '2030-01-01T00:00:00Z',
  markets,
});

const event = {
  id: 'e1',
  sport_key: 'basketball_nba',
  sport_title: 'NBA',
  commence_time: '2030-01-05T23:30:00Z',
  home_team: 'Lakers',
  away_team: 'Celtics',
  bookmakers: [
    book('pinnacle', [
      {
        key: 'h2h',
        outcomes: [
          { name: 'Lakers', price: 1.9 },
          { name: 'Celtics', price: 1.95 },
        ],
      },
      {
        key: 'totals',
        outcomes: [
          { name: 'Over', price: 1.91, point: 220.5 },
          { name: 'Under', price: 1.91, point: 220.5 },
        ],
      },
    ]),
    book('fanduel', [
      {
        key: 'h2h',
        outcomes: [
          { name: 'Lakers', price: 2.05 },
          { name: 'Celtics', price: 1.8 },
        ],
      },
    ]),
    book('betfair_ex_uk', [
      {
        key: 'h2h_lay',
        outcomes: [
          { name: 'Lakers', price: 3.0 },
          { name: 'Celtics', price: 3.0 },
        ],
      },
    ]),
  ],
  fair: [
    {
      key: 'h2h',
      outcomes: [
        { name: 'Lakers', point: null, price: 2.0, probability: 0.5 },
        { name: 'Celtics', point: null, price: 2.0, probability: 0.5 },
      ],
    },
  ],
};

function stub(odds: (url: string) => Response) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url);
    if (url === '/api/auth/refresh') return jsonResponse(200, { access_token: 'a1', user: demoUser });
    if (url === '/api/me/settings') {
      return jsonResponse(200, {
        odds_format: 'decimal',
        bankroll: null,
        kelly_fraction: 0.25,
        timezone: 'UTC',
        default_filters: {},
      });
    }
    if (url === '/api/public/upcoming') {
      return jsonResponse(200, { generated_at: 'x', events: [{ ...event, bookmakers: undefined }] });
    }
    return odds(url);
  });
  return urls;
}

describe('marketLines', () => {
  it('takes the best back price per outcome, ignores lay prices, and puts the fair line beside it', () => {
    const lines = marketLines(event, 'h2h');
    const lakers = lines.find((l) => l.name === 'Lakers');
    expect(lakers?.best).toBe(2.05);
    expect(lakers?.quotes.map((q) => q.book)).toEqual(['fanduel', 'pinnacle']);
    expect(lakers?.fair).toEqual({ price: 2.0, probability: 0.5 });
    expect(bestEdge(lakers as NonNullable<typeof lakers>)).toBeCloseTo(0.025, 12);
    expect(marketLines(event, 'totals')[0]?.fair).toBeNull();
  });
});

describe('OddsPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setAccessToken(null);
  });

  it('shows each event with the best price highlighted and the fair line', async () => {
    const urls = stub(() => jsonResponse(200, [event]));
    renderApp('/odds', { routes });
    const card = await screen.findByRole('region', { name: 'Celtics at Lakers' });
    expect(urls).toContain('/api/odds?sport=basketball_nba&markets=h2h&odds_format=decimal');
    const lakers = within(card).getByRole('row', { name: /^Lakers/ });
    expect(within(lakers).getByTestId('odds-best')).toHaveTextContent('2.05');
    expect(lakers).toHaveTextContent('2.00'); // fair
    expect(lakers).toHaveTextContent('2.5%'); // edge of the best price
    const chips = within(lakers).getByRole('list');
    expect(within(chips).getByText('FANDUEL').closest('li')).toHaveClass('odds-best');
    expect(within(chips).getByText('PINNACLE').closest('li')).not.toHaveClass('odds-best');
    expect(card).not.toHaveTextContent('3.00'); // lay prices are not offered as best
  });

  it('shows the server error when the sport is not tracked', async () => {
    stub(() => jsonResponse(404, { error: { code: 'sport_not_tracked', message: 'Sport is not tracked' } }));
    renderApp('/odds?sport=curling', { routes });
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent(/Sport is not tracked/);
  });

  it('the event page lists every market across books and links back', async () => {
    const urls = stub(() => jsonResponse(200, [event]));
    renderApp('/odds/basketball_nba/e1', { routes });
    expect(await screen.findByRole('heading', { name: 'Celtics at Lakers' })).toBeInTheDocument();
    expect(urls).toContain('/api/odds?sport=basketball_nba&event_id=e1&odds_format=decimal');
    expect(screen.getByRole('region', { name: 'Moneyline' })).toBeInTheDocument();
    const totals = screen.getByRole('region', { name: 'Total' });
    expect(within(totals).getByRole('row', { name: /^Over \+220.5/ })).toHaveTextContent('1.91');
    expect(screen.queryByRole('region', { name: 'h2h_lay' })).toBeNull();
    await userEvent.click(screen.getByRole('link', { name: /All basketball_nba odds/ }));
    expect(await screen.findByRole('heading', { name: 'Odds' })).toBeInTheDocument();
  });

  it('the event page says so for an event no longer in the odds', async () => {
    stub(() => jsonResponse(200, []));
    renderApp('/odds/basketball_nba/gone', { routes });
    expect(await screen.findByText(/not in the latest odds/)).toBeInTheDocument();
  });
});
