import { EV_HISTOGRAM_EDGES } from '@evision/contract';
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '../../lib/api';
import type { ExtraRoute } from '../../routes/extra';
import { demoUser, jsonResponse, renderApp } from '../../test-utils';
import { binLabel, clvByDay, topCounts } from './data';

const routes: ExtraRoute[] = [{ path: '/summary', load: () => import('./SummaryPage'), auth: 'user' }];

const edges = [null, ...EV_HISTOGRAM_EDGES];
const histogram = edges.map((from, i) => ({
  from,
  to: EV_HISTOGRAM_EDGES[i] ?? null,
  count: i === 3 ? 4 : 0,
}));

const closed = (id: string, closed_at: string, clv: number | null) => ({
  id,
  closed_at,
  clv,
  status: 'closed',
});

function stub(summary: () => Response, history: () => Response) {
  vi.stubGlobal('fetch', async (url: string) => {
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
    if (url === '/api/ev/summary') return summary();
    if (url.startsWith('/api/ev/history')) return history();
    return jsonResponse(404, { error: { code: 'not_found', message: url } });
  });
}

describe('summary data', () => {
  it('labels the fixed bins, folds small counts into "other", and averages CLV per day', () => {
    expect(histogram.map(binLabel)).toEqual([
      '<0%',
      '0–1%',
      '1–2%',
      '2–3%',
      '3–4%',
      '4–5%',
      '5–7.5%',
      '7.5–10%',
      '10–15%',
      '15–20%',
      '≥20%',
    ]);
    expect(topCounts({ a: 5, b: 3, c: 2, d: 1 }, 3)).toEqual([
      ['a', 5],
      ['b', 3],
      ['other', 3],
    ]);
    const d = clvByDay(
      [
        closed('1', '2026-12-01T10:00:00Z', 0.04),
        closed('2', '2026-12-01T23:30:00Z', -0.02),
        closed('3', '2026-12-02T09:00:00Z', null),
        closed('4', 'garbage', 0.5),
      ] as never,
      'UTC',
    );
    expect(d.rows.map((r) => [r.day, r.count])).toEqual([
      ['2026-12-01', 2],
      ['2026-12-02', 1],
    ]);
    expect(d.rows[0]?.meanClv).toBeCloseTo(0.01, 12);
    expect(d.rows[1]?.meanClv).toBeNull();
    expect(d.meanClv).toBeCloseTo(0.01, 12);
    expect(d.beatShare).toBe(0.5);
    // 23:30 UTC is the next day in Tokyo.
    expect(clvByDay([closed('2', '2026-12-01T23:30:00Z', 0.1)] as never, 'Asia/Tokyo').rows[0]?.day).toBe(
      '2026-12-02',
    );
  });
});

describe('SummaryPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setAccessToken(null);
  });

  it('shows totals, the histogram and per-book counts, and closed-hit CLV', async () => {
    stub(
      () =>
        jsonResponse(200, {
          total_hits: 4,
          ev_histogram: histogram,
          top_ev: 0.031,
          mean_ev: 0.025,
          by_sport: { basketball_nba: 4 },
          by_book: { fanduel: 3, draftkings: 1 },
          by_market: { h2h: 4 },
          last_updated: '2026-12-08T00:00:00Z',
        }),
      () =>
        jsonResponse(200, {
          hits: [closed('1', '2026-12-01T10:00:00Z', 0.03), closed('2', '2026-12-02T10:00:00Z', -0.01)],
          next_cursor: null,
        }),
    );
    renderApp('/summary', { routes });
    expect(await screen.findByTestId('summary-total')).toHaveTextContent('4');
    expect(screen.getByText('2.50%')).toBeInTheDocument();
    const hist = screen.getByRole('region', { name: 'EV distribution' });
    expect(within(hist).getByRole('row', { name: /2–3%/ })).toHaveTextContent('4');
    const books = screen.getByRole('region', { name: 'Hits by book' });
    expect(
      within(books)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual(['fanduel3', 'draftkings1']);
    expect(await screen.findByTestId('summary-clv')).toHaveTextContent('1.00%');
    expect(screen.getByTestId('summary-beat')).toHaveTextContent('50%');
    expect(screen.getByText(/2 closed hits/)).toBeInTheDocument();
    expect(document.querySelector('[data-slot="hit-quality"]')).not.toBeNull();
  });

  it('empty and error states', async () => {
    stub(
      () => jsonResponse(503, { error: { code: 'unavailable', message: 'Database unavailable' } }),
      () => jsonResponse(200, { hits: [], next_cursor: null }),
    );
    renderApp('/summary', { routes });
    expect(await screen.findByText(/No closed hits yet/)).toBeInTheDocument();
    expect(
      await screen.findByText(/The summary could not be loaded: Database unavailable/, {}, { timeout: 4000 }),
    ).toBeInTheDocument();
  });
});
