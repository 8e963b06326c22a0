import type { EvHit } from '@evision/contract';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '../../lib/api';
import type { ExtraRoute } from '../../routes/extra';
import { demoUser, jsonResponse, renderApp } from '../../test-utils';
import { applyHitMessage } from './live';

/** The browser WebSocket played by the test (as in hooks/useWebSocket.test.ts). */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(d: string) {
    this.sent.push(JSON.parse(d));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(m: unknown) {
    act(() => this.onmessage?.({ data: JSON.stringify(m) }));
  }
}

export function hit(over: Partial<EvHit> = {}): EvHit {
  return {
    id: 'e1|h2h|Lakers||fanduel',
    event_id: 'e1',
    event: 'Celtics @ Lakers',
    home_team: 'Lakers',
    away_team: 'Celtics',
    sport: 'basketball_nba',
    commence_time: new Date(Date.now() + 3_600_000).toISOString(),
    market: 'h2h',
    outcome: 'Lakers',
    point: null,
    book: 'fanduel',
    price: 2.2,
    fair_odds: 2.05,
    fair_probability: 1 / 2.05,
    ev: 0.0732,
    ev_percent: 7.32,
    kelly: 0.068,
    suspect: false,
    source: 'engine',
    status: 'active',
    first_seen_at: new Date().toISOString(),
    last_seen_at: new Date().toISOString(),
    closed_at: null,
    best_ev: 0.0732,
    closing_fair_odds: null,
    clv: null,
    ...over,
  };
}

function Where() {
  const l = useLocation();
  return <output data-testid="where">{l.pathname + l.search}</output>;
}

const routes: ExtraRoute[] = [
  { path: '/', load: () => import('./BoardPage'), auth: 'user' },
  { path: '/hits/:id', load: () => Promise.resolve({ default: () => <h1>Detail page</h1> }), auth: 'user' },
];

let hitsCalls: string[] = [];
function stub(hits: EvHit[], settings: Record<string, unknown> = {}) {
  hitsCalls = [];
  vi.stubGlobal('fetch', async (url: string) => {
    if (url === '/api/auth/refresh') return jsonResponse(200, { access_token: 'tok', user: demoUser });
    if (url === '/api/me/settings')
      return jsonResponse(200, {
        odds_format: 'decimal',
        bankroll: 1000,
        kelly_fraction: 0.25,
        timezone: 'UTC',
        default_filters: {},
        ...settings,
      });
    if (url.startsWith('/api/ev/hits')) {
      hitsCalls.push(url);
      return jsonResponse(200, { hits, next_cursor: null, last_updated: new Date().toISOString() });
    }
    return jsonResponse(404, { error: { code: 'not_found', message: 'no' } });
  });
}

const rowOf = (text: string) => screen.getByText(text).closest('tr') as HTMLElement;

describe('BoardPage', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.cookie = 'evision_session=1; path=/'; // a session may exist: the app restores it
    // jsdom lays nothing out; give elements a desktop-sized box so the virtualizer renders rows.
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(720);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1280);
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    setAccessToken(null);
  });

  it('applies new, updated and closed messages to the board, refetching after hello', async () => {
    stub([hit()]);
    renderApp('/?min_ev=0.02', { routes });
    expect(await screen.findByText('Celtics @ Lakers')).toBeInTheDocument();
    expect(screen.getByText('7.32%')).toBeInTheDocument();
    // Kelly stake: 1000 × 0.25 × 0.068 = 17.
    expect(screen.getByText('$17.00')).toBeInTheDocument();
    const socket = FakeSocket.all[0] as FakeSocket;
    socket.open();
    expect(socket.sent[0]).toEqual({ type: 'auth', token: 'tok' });
    const before = hitsCalls.length;
    socket.receive({ type: 'hello', data: { topics: ['ev'], subscribed: [] } });
    await waitFor(() => expect(hitsCalls.length).toBe(before + 1));
    expect(socket.sent[1]).toEqual({ type: 'subscribe', topics: ['ev'] });
    expect(await screen.findByText('Live')).toBeInTheDocument();

    const other = hit({
      id: 'e2|h2h|Knicks||draftkings',
      event: 'Knicks @ Nets',
      home_team: 'Nets',
      away_team: 'Knicks',
      outcome: 'Knicks',
      book: 'draftkings',
      ev: 0.05,
    });
    socket.receive({ type: 'ev.hit.new', topic: 'ev', data: other });
    expect(await screen.findByText('Knicks @ Nets')).toBeInTheDocument();
    expect(rowOf('Knicks @ Nets')).toHaveClass('board-row-new');
    expect(screen.getByText('2 hits')).toBeInTheDocument();

    socket.receive({ type: 'ev.hit.updated', topic: 'ev', data: { ...other, price: 2.5, ev: 0.09 } });
    expect(await screen.findByText('9.00%')).toBeInTheDocument();
    expect(within(rowOf('Knicks @ Nets')).getByText('2.50')).toBeInTheDocument();

    // An update below the view's min EV moves the hit out of the view.
    socket.receive({ type: 'ev.hit.updated', topic: 'ev', data: { ...other, ev: 0.01 } });
    await waitFor(() => expect(screen.queryByText('Knicks @ Nets')).not.toBeInTheDocument());

    // A new hit outside the filters never shows.
    socket.receive({
      type: 'ev.hit.new',
      topic: 'ev',
      data: { ...other, id: 'x', event: 'Low @ Value', ev: 0.001 },
    });
    expect(screen.queryByText('Low @ Value')).not.toBeInTheDocument();

    // Closed: the row fades, then leaves.
    socket.receive({
      type: 'ev.hit.closed',
      topic: 'ev',
      data: hit({ status: 'closed', closed_at: new Date().toISOString() }),
    });
    expect(rowOf('Celtics @ Lakers')).toHaveClass('board-row-closed');
    await waitFor(() => expect(screen.queryByText('Celtics @ Lakers')).not.toBeInTheDocument(), {
      timeout: 3_000,
    });
    expect(await screen.findByText(/No \+EV bets match these filters/)).toBeInTheDocument();
  });

  it('keeps filters and sort in the URL and reads them back after a reload', async () => {
    stub([
      hit(),
      hit({
        id: 'e3|h2h|Bruins||betmgm',
        event: 'Rangers @ Bruins',
        sport: 'icehockey_nhl',
        home_team: 'Bruins',
        away_team: 'Rangers',
        outcome: 'Bruins',
        book: 'betmgm',
        price: 3.1,
        ev: 0.04,
      }),
    ]);
    const view = renderApp('/', { routes, extra: <Where /> });
    await screen.findByText('Rangers @ Bruins');
    await userEvent.selectOptions(screen.getByLabelText('Sport'), 'icehockey_nhl');
    expect(screen.getByTestId('where')).toHaveTextContent('/?sport=icehockey_nhl');
    const minEv = screen.getByLabelText('Min EV %');
    await userEvent.type(minEv, '3.5{Enter}');
    expect(screen.getByTestId('where')).toHaveTextContent('/?sport=icehockey_nhl&min_ev=0.035');
    await userEvent.click(screen.getByRole('button', { name: /^Price/ }));
    expect(screen.getByTestId('where').textContent).toMatch(/sort=-?price/);
    await waitFor(() =>
      expect(hitsCalls.at(-1)).toBe('/api/ev/hits?sport=icehockey_nhl&min_ev=0.035&limit=500&sort=-ev'),
    );
    const url = screen.getByTestId('where').textContent ?? '';
    view.unmount();

    renderApp(url, { routes, extra: <Where /> });
    expect(await screen.findByLabelText('Sport')).toHaveValue('icehockey_nhl');
    expect(screen.getByLabelText('Min EV %')).toHaveValue('3.5');
    // The socket subscribes to the sport's topic only.
    const socket = FakeSocket.all.at(-1) as FakeSocket;
    socket.open();
    socket.receive({ type: 'hello', data: { topics: [], subscribed: [] } });
    expect(socket.sent.at(-1)).toEqual({ type: 'subscribe', topics: ['ev:icehockey_nhl'] });
  });

  it('opens the detail with the keyboard and shows the odds format from settings', async () => {
    stub([hit(), hit({ id: 'e2|h2h|Knicks||draftkings', event: 'Knicks @ Nets', ev: 0.05, price: 1.8 })], {
      odds_format: 'american',
    });
    renderApp('/', { routes, extra: <Where /> });
    await screen.findByText('Knicks @ Nets');
    expect(await screen.findByText('+120')).toBeInTheDocument();
    const grid = screen.getByRole('region', { name: /Hits/ });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(await screen.findByText('Detail page')).toBeInTheDocument();
    expect(screen.getByTestId('where')).toHaveTextContent(
      `/hits/${encodeURIComponent('e2|h2h|Knicks||draftkings')}`,
    );
  });

  it('tells the person what went wrong when the hits cannot load', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url === '/api/auth/refresh'
        ? jsonResponse(200, { access_token: 'tok', user: demoUser })
        : jsonResponse(503, { error: { code: 'unavailable', message: 'The database is not reachable' } }),
    );
    renderApp('/', { routes });
    expect(await screen.findByRole('alert', {}, { timeout: 4_000 })).toHaveTextContent(
      'The hits could not be loaded: The database is not reachable',
    );
  });
});

describe('applyHitMessage', () => {
  it('adds, replaces and removes by the shared predicate', () => {
    const a = hit();
    expect(applyHitMessage([], 'ev.hit.new', a, {})).toEqual([a]);
    expect(applyHitMessage([a], 'ev.hit.updated', { ...a, price: 3 }, {})[0]?.price).toBe(3);
    expect(applyHitMessage([a], 'ev.hit.updated', { ...a, suspect: true }, {})).toEqual([]);
    expect(
      applyHitMessage([a], 'ev.hit.updated', { ...a, suspect: true }, { include_suspect: true }),
    ).toHaveLength(1);
    expect(applyHitMessage([], 'ev.hit.closed', { ...a, status: 'closed' }, {})).toEqual([]);
    expect(
      applyHitMessage([], 'ev.hit.closed', { ...a, status: 'closed' }, { status: 'closed' }),
    ).toHaveLength(1);
    expect(applyHitMessage([a], 'ev.hit.new', { ...a, home_team: 'Heat' }, { q: 'lakers' })).toEqual([]);
  });
});
