import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { AppRoutes, Providers } from './App';
import type { ExtraRoute } from './routes/extra';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export const demoUser = {
  id: 1,
  username: 'demo',
  email: 'demo@example.com',
  role: 'user' as const,
  is_active: true,
  totp_enabled: false,
  created_at: '2026-01-01T00:00:00.000Z',
};

/** Renders the whole app (or the given routes) at `path`, with real providers. */
export function renderApp(path: string, opts: { routes?: ExtraRoute[]; extra?: ReactNode } = {}) {
  return render(
    <Providers>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes routes={opts.routes} />
        {opts.extra}
      </MemoryRouter>
    </Providers>,
  );
}
