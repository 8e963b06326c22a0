import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth';
import { createTestApp, type TestApp } from '../../../test/helpers';

describe('metrics, stats and config endpoints', () => {
  let t: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp({ env: { SECRET_KEY: 'a-test-secret-that-is-long-enough-123' } });
    ({ headers } = await createUser(t.app));
  });
  afterAll(() => t.close());

  it('serves Prometheus text publicly, with requests counted by route template', async () => {
    await t.app.inject({ url: '/api/ev/hits/some%7Cid', headers });
    const res = await t.app.inject({ url: '/api/monitoring/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('evision_uptime_seconds');
    expect(res.body).toContain('evision_ev_hits_active 0');
    expect(res.body).toMatch(
      /evision_http_requests_total\{method="GET",route="\/api\/ev\/hits\/:id",status="404"\} 1/,
    );
    // The raw URL never becomes a label.
    expect(res.body).not.toContain('some%7Cid');
  });

  it('needs a signed-in user for stats and config', async () => {
    for (const url of ['/api/monitoring/stats', '/api/monitoring/config']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBeTruthy();
    }
  });

  it('reports database, cache, provider and system statistics', async () => {
    const res = await t.app.inject({ url: '/api/monitoring/stats', headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.database).toMatchObject({ kind: 'pglite', ok: true });
    expect(body.cache.backend).toBe('memory');
    expect(body.provider.provider).toBe('demo');
    expect(body.hits.active).toBe(0);
    expect(body.scanner).toEqual({ enabled: false, last_cycle: null });
    expect(body.system.memory.rss_bytes).toBeGreaterThan(0);
    expect(body.system.cpu_count).toBeGreaterThan(0);
  });

  it('shows configuration without secrets', async () => {
    const res = await t.app.inject({ url: '/api/monitoring/config', headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.odds_provider).toBe('demo');
    expect(body.engine.sharp_books).toEqual(['pinnacle', 'circasports']);
    expect(res.body).not.toContain('a-test-secret-that-is-long-enough-123');
  });
});
