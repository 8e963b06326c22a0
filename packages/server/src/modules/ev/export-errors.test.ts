import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '../../../test/auth';
import { createTestApp, type TestApp } from '../../../test/helpers';

// Issue 11, defect 1: a bad export query or a stream failing mid-export must end that response
// only, never the process.
describe('export errors', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof createUser>>;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });

  beforeAll(async () => {
    t = await createTestApp();
    user = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('answers 400 naming sport for a NUL in a closed export, and keeps answering', async () => {
    for (const format of ['csv', 'json']) {
      const res = await get(`/api/ev/export?status=closed&sport=%00&format=${format}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_error');
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain('sport');
    }
    for (const [param, value] of [
      ['market', '%00'],
      ['book', '%ED%A0%80'],
      ['q', 'a%00b'],
      ['cursor', '%00'],
    ]) {
      const res = await get(`/api/ev/export?status=closed&${param}=${value}`);
      expect(res.statusCode, param).toBe(400);
      expect(res.json().error.details[0].field).toBe(param);
    }
    expect((await get('/api/ev/export?status=closed')).statusCode).toBe(200);
  });

  it('a database failing during a closed export ends that response only', async () => {
    const unhandled: unknown[] = [];
    const onError = (err: unknown) => unhandled.push(err);
    process.on('uncaughtException', onError);
    // The fault: the database query of the export's first page fails (as a dropped connection
    // or PostgreSQL's 22021 would), after the request was authenticated and the stream began.
    const spy = vi
      .spyOn(t.app.ctx.hits.repo, 'page')
      .mockRejectedValue(Object.assign(new Error('connection terminated'), { code: '57P01' }));
    try {
      for (const format of ['csv', 'json']) {
        // The stream is cut (inject reports the destroyed response) or refused: never a crash.
        const outcome = await get(`/api/ev/export?status=closed&format=${format}`).then(
          (res) => res.statusCode,
          (err: Error) => err.message,
        );
        expect([500, 503, 'response destroyed before completion']).toContain(outcome);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      spy.mockRestore();
      process.off('uncaughtException', onError);
    }
    expect(unhandled).toEqual([]);
    expect((await get('/api/ev/export?status=closed')).statusCode).toBe(200);
  });
});
