import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
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
    const { output, file } = generateMigration(slug, SERVER_ROOT);
    if (output) io.out(output);
    io.out(file ? `Created drizzle/${file}` : 'No schema changes: no migration written.');
    return EXIT.OK;
  },
};

/**
 * drizzle-kit's CLI script. Its package exports only `.` and `./api`, so `bin.cjs` cannot be
 * resolved by name (ERR_PACKAGE_PATH_NOT_EXPORTED): it lies beside the main entry.
 */
export function drizzleKitBin(): string {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('drizzle-kit');
  } catch {
    throw new CliError('drizzle-kit is not installed (it is a development dependency)');
  }
  const bin = join(dirname(main), 'bin.cjs');
  if (!existsSync(bin)) throw new CliError(`drizzle-kit's CLI is missing (${bin})`);
  return bin;
}

/**
 * `drizzle-kit generate` in `root` (a folder with drizzle.config.ts, the schema and drizzle/):
 * compares the schema with the last snapshot and writes drizzle/NNNN_<slug>.sql. drizzle-kit
 * exits 0 even when the schema does not load, so success is judged by its result: a new file,
 * or its "no schema changes" answer.
 */
export function generateMigration(slug: string, root: string): { output: string; file: string | null } {
  const out = join(root, 'drizzle');
  const listSql = () => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.sql')) : []);
  const before = new Set(listSql());
  const run = spawnSync(
    process.execPath,
    [drizzleKitBin(), 'generate', '--config', 'drizzle.config.ts', '--name', slug],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  const file = listSql().find((f) => !before.has(f)) ?? null;
  if (run.status === 0 && (file || /no schema changes/i.test(output))) return { output, file };
  const reason = output.split('\n').find((l) => /error/i.test(l)) ?? output.split('\n').at(-1) ?? '';
  throw new CliError(
    `drizzle-kit generate failed (exit ${run.status ?? 'signal'})${reason ? `: ${reason.trim()}` : ''}`,
  );
}
