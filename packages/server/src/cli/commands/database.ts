import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Database } from '../../infra/db/client';
import { migrate } from '../../infra/db/migrate';
import { normalizeDatabaseUrl } from '../../infra/db/url';
import type { CommandSpec, DatabaseContext } from '../command';
import { CliError, EXIT, usageError } from '../errors';

async function appliedMigrations(database: Database): Promise<number> {
  try {
    const result = (await database.db.execute(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    )) as unknown as { rows: Array<{ n: number }> };
    return Number(result.rows[0]?.n ?? 0);
  } catch {
    return 0; // no migrations table yet
  }
}

async function applyMigrations(ctx: DatabaseContext): Promise<{ before: number; after: number }> {
  const before = await appliedMigrations(ctx.database);
  await migrate(ctx.database);
  return { before, after: await appliedMigrations(ctx.database) };
}

function where(ctx: DatabaseContext): string {
  if (ctx.database.kind === 'pglite') return `embedded PostgreSQL (PGlite) in ${ctx.config.dataDir}/pg`;
  const url = new URL(ctx.config.database.url ?? 'postgres://localhost');
  return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

/** On a PostgreSQL server, creates the database named in DATABASE_URL when it does not exist yet. */
async function createPostgresDatabaseIfMissing(ctx: DatabaseContext): Promise<boolean> {
  try {
    await ctx.database.ping();
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000' || !ctx.config.database.url) throw err;
  }
  const url = new URL(ctx.config.database.url);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client(normalizeDatabaseUrl(url.toString()));
  await admin.connect();
  try {
    await admin.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return true;
}

export const initDb: CommandSpec = {
  name: 'init-db',
  scope: 'database',
  async run(ctx, _args, io) {
    if (ctx.database.kind === 'postgres' && (await createPostgresDatabaseIfMissing(ctx))) {
      io.out('Created the database.');
    }
    const { before, after } = await applyMigrations(ctx);
    io.out(`Database ready: ${where(ctx)}`);
    io.out(
      after > before
        ? `Applied ${after - before} migration(s); ${after} in total.`
        : `Schema up to date (${after} migrations).`,
    );
    return EXIT.OK;
  },
};

export const migrateCommand: CommandSpec = {
  name: 'migrate',
  scope: 'database',
  async run(ctx, _args, io) {
    const { before, after } = await applyMigrations(ctx);
    io.out(
      after > before
        ? `Applied ${after - before} migration(s) to ${where(ctx)}; ${after} in total.`
        : `No pending migrations (${after} applied) on ${where(ctx)}.`,
    );
    return EXIT.OK;
  },
};

const SERVER_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function migrationSlug(message: string): string {
  return message
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
}

export const makemigrations: CommandSpec = {
  name: 'makemigrations',
  scope: 'local',
  async run(args, io) {
    const slug = migrationSlug(String(args.message ?? ''));
    if (!slug)
      throw usageError('makemigrations needs a message with letters or digits, e.g. "add bets table"');
    let bin: string;
    try {
      bin = createRequire(import.meta.url).resolve('drizzle-kit/bin.cjs');
    } catch {
      throw new CliError('drizzle-kit is not installed (it is a development dependency)');
    }
    // drizzle-kit compares the schema with the last snapshot and writes drizzle/NNNN_<slug>.sql.
    const run = spawnSync(
      process.execPath,
      [bin, 'generate', '--config', 'drizzle.config.ts', '--name', slug],
      { cwd: SERVER_ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
    );
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
    if (output) io.out(output);
    if (run.status !== 0) throw new CliError(`drizzle-kit generate failed (exit ${run.status ?? 'signal'})`);
    return EXIT.OK;
  },
};
