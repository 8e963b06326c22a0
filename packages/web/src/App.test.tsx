import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from './lib/api';
import type { ExtraRoute } from './routes/extra';
import { demoUser, jsonResponse, renderApp } from './test-utils';

const page = (text: string) => () => Promise.resolve({ default: () => <h1>{text}</h1> });
const routes: ExtraRoute[] = [
  { path: '/', load: page('Board page'), auth: 'user', nav: { label: 'Board', order: 10 } },
  { path: '/admin', load: page('Admin page'), auth: 'admin', nav: { label: 'Admin', order: 5 } },
  { path: '/public', load: page('Public page'), auth: 'public', nav: { label: 'Upcoming', order: 50 } },
  { path: '/login', load: () => import('./pages/login/LoginPage'), auth: 'public' },
];

/** fetch that answers refresh with `refresh` and everything else from `routes`. */
function stubApi(handler: (url: string, init: RequestInit) => Response | undefined) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    calls.push(`${init.method ?? 'GET'} ${url}`);
    return handler(url, init) ?? jsonResponse(404, { error: { code: 'not_found', message: 'nope' } });
  });
  return calls;
}

describe('routing and guards', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setAccessToken(null);
  });

  it('sends a signed-out visitor of a user page to the login, keeping where they were going', async () => {
    stubApi((url) =>
      url === '/api/auth/refresh' ? jsonResponse(401, { error: { code: 'x', message: 'x' } }) : undefined,
    );
    renderApp('/?sport=basketball_nba', { routes });
    expect(await screen.findByRole('heading', { name: 'Sign in to EVision' })).toBeInTheDocument();
    expect(screen.queryByText('Board page')).not.toBeInTheDocument();
    // Only public entries are offered to a visitor.
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toHaveTextContent('Upcoming');
    expect(nav).not.toHaveTextContent('Board');
  });

  it('tolerates a server without the refresh route: the login shows', async () => {
    stubApi(() => undefined);
    renderApp('/', { routes });
    expect(await screen.findByLabelText('Username or e-mail')).toBeInTheDocument();
  });

  it('restores the session from the refresh cookie and sorts the nav by order', async () => {
    const calls = stubApi((url, init) => {
      if (url === '/api/auth/refresh') {
        expect(new Headers(init.headers).get('x-refresh-mode')).toBe('cookie');
        return jsonResponse(200, { access_token: 'a1', user: { ...demoUser, role: 'admin' } });
      }
    });
    renderApp('/', { routes });
    expect(await screen.findByText('Board page')).toBeInTheDocument();
    const links = screen.getAllByRole('link').map((a) => a.textContent);
    expect(links).toEqual(['EVision', 'Admin', 'Board', 'Upcoming']);
    expect(screen.getByText('demo')).toBeInTheDocument();
    expect(calls).toEqual(['POST /api/auth/refresh']);
  });

  it('refuses an admin page to a plain user', async () => {
    stubApi((url) =>
      url === '/api/auth/refresh' ? jsonResponse(200, { access_token: 'a1', user: demoUser }) : undefined,
    );
    renderApp('/admin', { routes });
    expect(await screen.findByRole('alert')).toHaveTextContent('for administrators');
    expect(screen.queryByText('Admin page')).not.toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).not.toHaveTextContent('Admin');
  });

  it('signs in and goes to the page asked for; sign out returns to the login', async () => {
    stubApi((url) => {
      if (url === '/api/auth/refresh') return jsonResponse(401, { error: { code: 'x', message: 'x' } });
      if (url === '/api/auth/login') return jsonResponse(200, { access_token: 't', user: demoUser });
      if (url === '/api/auth/logout') return jsonResponse(204, null);
    });
    renderApp('/login?next=%2Fpublic', { routes });
    await userEvent.type(await screen.findByLabelText('Username or e-mail'), 'demo');
    await userEvent.type(screen.getByLabelText('Password'), 'pw123456');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Public page')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('link', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows a not-found page for an unknown address', async () => {
    stubApi(() => undefined);
    renderApp('/nowhere', { routes });
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});
