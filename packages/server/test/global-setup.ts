import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/infra/db/client';
import { migrate } from '../src/infra/db/migrate';
import { normalizeDatabaseUrl } from '../src/infra/db/url';

/**
 * Migrates one template per run — a PGlite data-dir tarball, and a template database on the
 * PostgreSQL server when TEST_DATABASE_URL is set — so each test file clones it (~0.5 s)
 * instead of migrating a fresh database.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'evision-test-'));
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db);
  const blob = await db.pglite!.dumpDataDir('none');
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide('pgliteTemplate', file);

  let pgTemplate: string | null = null;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    pgTemplate = `evision_tpl_${process.pid}`;
    const admin = new pg.Client(normalizeDatabaseUrl(url));
    await admin.connect();
    await admin.query(`drop database if exists ${pgTemplate}`);
    await admin.query(`create database ${pgTemplate}`);
    await admin.end();
    const tplUrl = withDatabase(url, pgTemplate);
    const tpl = await openDatabase({ url: tplUrl, poolMax: 1 });
    await migrate(tpl);
    await tpl.close();
  }
  project.provide('pgTemplate', pgTemplate);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && pgTemplate) {
      const admin = new pg.Client(normalizeDatabaseUrl(url));
      await admin.connect();
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like $1 or datname = $2`,
        // Test databases are named evision_t_<this pid>_<worker pid>_… (pg-url.ts).
        [`evision_t_${process.pid}\\_%`, pgTemplate],
      );
      for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
