import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client';
import { MIGRATIONS_DIR, migrate } from './migrate';

// Found by its tag suffix: the coordinator renumbers migrations when merging.
const file = readdirSync(MIGRATIONS_DIR).find((f) => f.endsWith('_engine_settings_cleanup.sql'));

describe('migration engine_settings_cleanup', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await migrate(database);
  });
  afterAll(() => database.close());

  it('is in the journal', () => {
    expect(file).toBeDefined();
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'));
    expect(journal.entries.map((e: { tag: string }) => e.tag)).toContain(file?.replace(/\.sql$/, ''));
  });

  it('deletes negative-EV hits and an invalid saved engine-settings row, keeping the rest', async () => {
    const pg = database.pglite;
    if (!pg) throw new Error('PGlite expected');
    const insertHit = (id: string, ev: number) =>
      pg.query(
        `INSERT INTO ev_hits (id, event_id, sport, home_team, away_team, commence_time, market, outcome, book,
           price, fair_odds, fair_probability, ev, kelly, source, status, first_seen_at, last_seen_at, best_ev)
         VALUES ($1, 'e1', 'soccer_epl', 'A', 'B', now(), 'h2h', 'A', 'book', 2, 2, 0.5, $2, 0, 'engine', 'closed', now(), now(), $2)`,
        [id, ev],
      );
    await insertHit('good', 0.02);
    await insertHit('zero', 0);
    await insertHit('bad', -0.19);
    const sqlText = readFileSync(join(MIGRATIONS_DIR, file as string), 'utf8');
    const run = async () => {
      for (const stmt of sqlText.split('--> statement-breakpoint')) await pg.exec(stmt);
    };
    const saveSettings = (value: unknown) =>
      pg.query(
        `INSERT INTO app_settings (key, value) VALUES ('engine', $1::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [JSON.stringify(value)],
      );
    const settingsRows = async () =>
      (await pg.query(`SELECT key FROM app_settings WHERE key = 'engine'`)).rows.length;

    const valid = {
      min_ev: 0.01,
      suspect_ev: 0.2,
      min_sharp_books: 1,
      sharp_max_age: 60,
      soft_max_age: 120,
      scan_interval: 5,
      exchange_commission: { betfair_ex_uk: 0.05, matchbook: 0.02 },
    };
    await saveSettings(valid);
    await run();
    expect(
      (await pg.query<{ id: string }>('SELECT id FROM ev_hits ORDER BY id')).rows.map((r) => r.id),
    ).toEqual(['good', 'zero']);
    expect(await settingsRows()).toBe(1);

    for (const bad of [
      { ...valid, min_ev: -1 },
      { ...valid, min_ev: 'high' },
      { ...valid, suspect_ev: 0.01 },
      { ...valid, min_sharp_books: 0 },
      { ...valid, sharp_max_age: 0 },
      { ...valid, soft_max_age: -5 },
      { ...valid, scan_interval: 0 },
      { ...valid, scan_interval: 86_400 },
      { ...valid, exchange_commission: { matchbook: 1 } },
      { ...valid, exchange_commission: { matchbook: -0.1 } },
      { ...valid, exchange_commission: { matchbook: 'x' } },
      [1, 2],
    ]) {
      await saveSettings(bad);
      await run();
      expect(await settingsRows(), JSON.stringify(bad)).toBe(0);
    }
  });
});
