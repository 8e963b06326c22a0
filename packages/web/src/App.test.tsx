import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('App', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('signs in and shows the hits the API returns, with the token attached', async () => {
    const calls: Array<{ url: string; auth: string | null }> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, auth: new Headers(init.headers).get('authorization') });
      if (url === '/api/auth/login') {
        return jsonResponse(200, {
          access_token: 'tok',
          refresh_token: 'r',
          user: { id: 1, username: 'demo', email: 'd@x.io', role: 'user' },
        });
      }
      return jsonResponse(200, {
        last_updated: null,
        hits: [
          {
            id: 'e|h2h|Lakers||fanduel',
            event: 'Celtics @ Lakers',
            sport: 'basketball_nba',
            market: 'h2h',
            outcome: 'Lakers',
            point: null,
            book: 'fanduel',
            price: 2.2,
            fair_odds: 2.05,
            ev_percent: 7.32,
            kelly: 0.07,
          },
        ],
      });
    });
    render(<App />);
    await userEvent.type(screen.getByLabelText('Username or e-mail'), 'demo');
    await userEvent.type(screen.getByLabelText('Password'), 'pw123456');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Celtics @ Lakers')).toBeInTheDocument();
    expect(screen.getByText('7.32')).toBeInTheDocument();
    expect(calls[0]).toEqual({ url: '/api/auth/login', auth: null });
    expect(calls[1]).toEqual({ url: '/api/ev/hits?limit=100', auth: 'Bearer tok' });
  });

  it('shows the server error message when sign-in fails', async () => {
    vi.stubGlobal('fetch', async () =>
      jsonResponse(401, {
        error: { code: 'invalid_credentials', message: 'Incorrect username or password' },
      }),
    );
    render(<App />);
    await userEvent.type(screen.getByLabelText('Username or e-mail'), 'x');
    await userEvent.type(screen.getByLabelText('Password'), 'y');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect username or password');
  });
});
