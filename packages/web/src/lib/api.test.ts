import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '../test-utils';
import { ApiError, apiFetch, fieldErrors, setAccessToken } from './api';

describe('apiFetch', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setAccessToken(null);
  });

  it('refreshes once for concurrent 401s and retries each request with the new token', async () => {
    let refreshes = 0;
    const seen: Array<string | null> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (url === '/api/auth/refresh') {
        refreshes++;
        await new Promise((r) => setTimeout(r, 20));
        return jsonResponse(200, { access_token: 'fresh', user: { id: 1 } });
      }
      const auth = new Headers(init.headers).get('authorization');
      seen.push(auth);
      if (auth !== 'Bearer fresh')
        return jsonResponse(401, { error: { code: 'token_expired', message: 'expired' } });
      return jsonResponse(200, { url });
    });
    setAccessToken('stale');
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => apiFetch<{ url: string }>(`/api/x/${n}`)));
    expect(results.map((r) => r.url)).toEqual(['/api/x/1', '/api/x/2', '/api/x/3', '/api/x/4', '/api/x/5']);
    expect(refreshes).toBe(1);
    expect(seen.filter((a) => a === 'Bearer stale')).toHaveLength(5);
    expect(seen.filter((a) => a === 'Bearer fresh')).toHaveLength(5);
  });

  it('retries only once: a second 401 after refresh is thrown', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url === '/api/auth/refresh') return jsonResponse(200, { access_token: 'fresh', user: { id: 1 } });
      calls++;
      return jsonResponse(401, { error: { code: 'unauthorized', message: 'no' } });
    });
    setAccessToken('stale');
    await expect(apiFetch('/api/x')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls).toBe(2);
  });

  it('throws the original 401 when the refresh fails, and never refreshes for login', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return jsonResponse(401, { error: { code: 'invalid_credentials', message: 'Incorrect' } });
    });
    await expect(apiFetch('/api/auth/login', { method: 'POST', body: '{}' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect(urls).toEqual(['/api/auth/login']);
    await expect(apiFetch('/api/me')).rejects.toBeInstanceOf(ApiError);
    expect(urls).toEqual(['/api/auth/login', '/api/me', '/api/auth/refresh']);
  });

  it('puts Retry-After into a 429 message and maps field details', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url === '/api/slow'
        ? jsonResponse(
            429,
            { error: { code: 'rate_limited', message: 'Too many requests' } },
            { 'retry-after': '42' },
          )
        : jsonResponse(400, {
            error: {
              code: 'validation_error',
              message: 'Invalid body',
              details: [{ path: ['email'], message: 'must be a valid e-mail address' }],
            },
          }),
    );
    const err = (await apiFetch('/api/slow').catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ status: 429, retryAfter: 42 });
    expect(err.message).toBe('Too many requests — try again in 42 s');
    const bad = await apiFetch('/api/bad').catch((e) => e);
    expect(fieldErrors(bad)).toEqual({ email: 'must be a valid e-mail address' });
  });
});
