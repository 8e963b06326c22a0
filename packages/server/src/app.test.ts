import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, databaseKinds, type TestApp } from '../test/helpers';

describe.each(databaseKinds())('buildApp on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ kind });
  });
  afterAll(() => t.close());

  it('answers unknown routes with the error shape and the security headers', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/nope',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Route GET /api/nope not found' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(Number(res.headers['x-process-time'])).toBeGreaterThanOrEqual(0);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-xss-protection']).toBe('1; mode=block');
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('replaces a malformed request id with a generated one', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/x', headers: { 'x-request-id': 'bad id\n' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('has a migrated database', async () => {
    const r = await t.database.db.execute('select count(*)::int as n from users' as never);
    expect(r).toBeTruthy();
  });
});

describe('OpenAPI document and UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('generates the OpenAPI document from the route schemas', async () => {
    const res = await t.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/auth/login',
      '/api/ev/hits',
      '/api/odds',
      '/api/admin/users',
      '/api/tools/devig',
      '/api/tools/dutch',
      '/api/tools/arbitrage',
      '/api/ev/arbitrage',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    // Query schemas come from the contract: the hits filters are documented.
    const params = doc.paths['/api/ev/hits'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['sport', 'min_ev', 'sort', 'limit', 'cursor']));
    const arb = doc.paths['/api/ev/arbitrage'].get.parameters.map((p: { name: string }) => p.name);
    expect(arb).toEqual(expect.arrayContaining(['sport', 'market', 'min_margin', 'total_stake']));
    expect(doc.paths['/api/tools/arbitrage'].post.requestBody).toBeDefined();
  });

  it('serves the UI at /docs', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger');
  });
});

describe('content types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])(
    'answers 415 with the error shape for a %s body',
    async (type) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        headers: { 'content-type': type },
        payload: 'username=a',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
    },
  );
});
