import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';
import type { PubSubMessage } from '../../infra/pubsub';

const T0 = Date.parse('2030-05-01T12:00:00Z');

async function count(t: TestApp, table: string, where = 'true'): Promise<number> {
  const r = (await t.database.db.execute(
    sql.raw(`select count(*)::int as n from ${table} where ${where}`),
  )) as {
    rows: { n: number }[];
  };
  return Number(r.rows[0].n);
}

describe.each(databaseKinds())('scanner with the demo provider on %s', (kind) => {
  let t: TestApp;
  let now = T0;
  const messages: PubSubMessage[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      kind,
      env: { ODDS_PROVIDER: 'demo', DEMO_SEED: '7' },
      deps: { now: () => now },
    });
    t.app.ctx.pubsub.subscribe('*', (m) => messages.push(m));
  });
  afterAll(() => t.close());

  it('finds hits within a few cycles, persists them and publishes them', async () => {
    let summary = await t.app.ctx.scanner.runOnce();
    for (let i = 0; i < 12 && summary.hits_active === 0; i++) {
      now += 5_000;
      summary = await t.app.ctx.scanner.runOnce();
    }
    expect(summary.errors).toEqual([]);
    expect(summary.sports).toBe(5);
    expect(summary.events).toBeGreaterThan(20);
    expect(summary.hits_active).toBeGreaterThan(0);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'closed',
        'duration_ms',
        'errors',
        'events',
        'hits_active',
        'new',
        'reopened',
        'sports',
        'updated',
      ].sort(),
    );
    expect(await count(t, 'ev_hits', "status = 'active'")).toBe(t.app.ctx.hits.book.active().length);
    expect(await count(t, 'events')).toBe(summary.events);
    expect(await count(t, 'line_history')).toBeGreaterThan(1000);
    const hit = messages.find((m) => m.type === 'ev.hit.new');
    if (!hit) throw new Error('no ev.hit.new message');
    expect(hit.topic).toBe('ev');
    expect(
      messages.some(
        (m) => m.type === 'ev.hit.new' && m.topic === `ev:${(hit.data as { sport: string }).sport}`,
      ),
    ).toBe(true);
    expect(messages.some((m) => m.type === 'odds.updated' && m.topic.startsWith('odds:'))).toBe(true);
  });

  it('stores price changes only: a cycle at the same moment adds no history', async () => {
    const before = await count(t, 'line_history');
    const summary = await t.app.ctx.scanner.runOnce();
    expect(summary.new + summary.updated + summary.closed).toBe(0);
    expect(await count(t, 'line_history')).toBe(before);
  });

  it('serves a scanned hit with its ev-core explain', async () => {
    const [h] = t.app.ctx.hits.book.active();
    const detail = await t.app.ctx.hits.detail(h.id);
    expect(detail?.explain).toMatchObject({ method: 'power', fair_probability: h.fair_probability });
  });

  it('closes the hits of a started event with its closing line and CLV', async () => {
    const events = t.app.ctx.scanner.engine.events();
    const withHits = new Set(t.app.ctx.hits.book.active().map((h) => h.event_id));
    const target = events
      .filter((e) => withHits.has(e.id))
      .sort((a, b) => a.commence_time.localeCompare(b.commence_time))[0];
    expect(target).toBeDefined();
    const ids = t.app.ctx.hits.book
      .active()
      .filter((h) => h.event_id === target.id)
      .map((h) => h.id);
    // Price right before the start, then step past it.
    now = Math.max(now, Date.parse(target.commence_time) - 4_000);
    await t.app.ctx.scanner.runOnce();
    now = Date.parse(target.commence_time) + 1_000;
    await t.app.ctx.scanner.runOnce();
    expect(t.app.ctx.scanner.engine.event(target.id)).toBeUndefined();
    for (const id of ids) {
      const h = t.app.ctx.hits.book.get(id)?.hit;
      expect(h?.status).toBe('closed');
      expect(h?.closing_fair_odds).toBeGreaterThan(1);
      expect(h?.clv).toBeCloseTo(h!.price / h!.closing_fair_odds! - 1, 12);
    }
    expect(await count(t, 'closing_lines', `event_id = '${target.id}'`)).toBeGreaterThan(0);
    expect(await count(t, 'ev_hits', `event_id = '${target.id}' and clv is not null`)).toBeGreaterThanOrEqual(
      ids.length,
    );
  });

  it('restores the HitBook from the database after a restart', async () => {
    const active = t.app.ctx.hits.book
      .active()
      .map((h) => h.id)
      .sort();
    const t2 = await createTestApp({ kind, deps: { now: () => now, database: t.database } });
    try {
      expect(
        t2.app.ctx.hits.book
          .active()
          .map((h) => h.id)
          .sort(),
      ).toEqual(active);
    } finally {
      await t2.close();
    }
  });
});
