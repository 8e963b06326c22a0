import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { normalizeDatabaseUrl } from '../src/infra/db/url';

let counter = 0;

/**
 * A fresh, migrated database on the PostgreSQL test server, cloned from the run's template,
 * as a URL — for tests that hand DATABASE_URL to another process (the CLI, a server).
 * `drop()` removes it (forcing out connections left behind).
 */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  const template = inject('pgTemplate');
  if (!url || !template) throw new Error('no PostgreSQL test server configured');
  // Named after the run (the template's suffix, the main process's pid) first: the global
  // teardown drops every `evision_t_<run>_…` a test left behind, whichever worker made it.
  const run = template.replace(/^evision_tpl_/, '');
  const name = `evision_t_${run}_${process.pid}_${counter++}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client(normalizeDatabaseUrl(url));
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client(normalizeDatabaseUrl(url));
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
