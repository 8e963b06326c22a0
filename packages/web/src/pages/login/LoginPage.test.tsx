import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '../../lib/api';
import type { ExtraRoute } from '../../routes/extra';
import { demoUser, jsonResponse, renderApp } from '../../test-utils';

const routes: ExtraRoute[] = [
  { path: '/', load: () => Promise.resolve({ default: () => <h1>Board page</h1> }), auth: 'user' },
  { path: '/login', load: () => import('./LoginPage'), auth: 'public' },
];

const err = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  jsonResponse(status, { error: { code, message } }, headers);

function stubLogin(answer: (body: Record<string, unknown>) => Response) {
  const bodies: Array<Record<string, unknown>> = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    if (url === '/api/auth/refresh') return err(401, 'no_session', 'none');
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    bodies.push(body);
    return answer(body);
  });
  return bodies;
}

async function signIn(id = 'demo', pw = 'pw123456') {
  await userEvent.type(await screen.findByLabelText('Username or e-mail'), id);
  await userEvent.type(screen.getByLabelText('Password'), pw);
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setAccessToken(null);
  });

  it('asks for the 2FA code when the server requires it, rejects a wrong one, accepts the right one', async () => {
    const bodies = stubLogin((b) => {
      if (!b.totp && !b.recovery_code) return err(401, 'totp_required', 'A two-factor code is required');
      if (b.totp === '123456') return jsonResponse(200, { access_token: 't', user: demoUser });
      return err(401, 'invalid_totp', 'Invalid two-factor code');
    });
    renderApp('/login', { routes });
    await signIn();
    const code = await screen.findByLabelText('Authentication code');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await userEvent.type(code, '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code did not match');
    await userEvent.clear(screen.getByLabelText('Authentication code'));
    await userEvent.type(screen.getByLabelText('Authentication code'), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('Board page')).toBeInTheDocument();
    expect(bodies).toEqual([
      { username: 'demo', password: 'pw123456' },
      { username: 'demo', password: 'pw123456', totp: '000000' },
      { username: 'demo', password: 'pw123456', totp: '123456' },
    ]);
  });

  it('accepts a recovery code instead, sending it as recovery_code (and e-mail as email)', async () => {
    const bodies = stubLogin((b) =>
      b.recovery_code === 'abcd-efgh'
        ? jsonResponse(200, { access_token: 't', user: demoUser })
        : err(401, 'totp_required', 'A two-factor code is required'),
    );
    renderApp('/login', { routes });
    await signIn('demo@example.com');
    await screen.findByLabelText('Authentication code');
    await userEvent.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    await userEvent.type(screen.getByLabelText('Recovery code'), 'abcd-efgh');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('Board page')).toBeInTheDocument();
    expect(bodies[1]).toEqual({
      email: 'demo@example.com',
      password: 'pw123456',
      recovery_code: 'abcd-efgh',
    });
  });

  it('explains a lockout and a rate limit with the wait, and wrong credentials plainly', async () => {
    let n = 0;
    stubLogin(() => {
      n++;
      if (n === 1) return err(401, 'invalid_credentials', 'Incorrect username or password');
      if (n === 2) return err(429, 'account_locked', 'Too many failed logins', { 'retry-after': '900' });
      return err(429, 'rate_limited', 'Too many requests', { 'retry-after': '30' });
    });
    renderApp('/login', { routes });
    await signIn();
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect username or password.');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(
      await screen.findByText(/this account is locked for now. Try again in 15 minutes/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(
      await screen.findByText(/Too many attempts from this device. Try again in 30 seconds/),
    ).toBeInTheDocument();
  });

  it('does not follow an off-site next parameter', async () => {
    stubLogin(() => jsonResponse(200, { access_token: 't', user: demoUser }));
    renderApp('/login?next=%2F%2Fevil.example', { routes });
    await signIn();
    expect(await screen.findByText('Board page')).toBeInTheDocument();
  });
});
