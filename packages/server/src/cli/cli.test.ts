import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl } from '../../test/pg-url';
import { CONFIG_VARIABLES } from '../config';
import { lockPath, processStartTime } from '../infra/data-dir-lock';
import { COMMANDS } from './commands';
import { migrationSlug } from './commands/database';
import { runCli } from './program';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `evision <argv>` in this process, with its own terminal and environment. */
async function evision(
  argv: string[],
  env: Record<string, string>,
  options: { stdin?: string; isTTY?: boolean; waitMs?: number } = {},
): Promise<Result> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  stdin.end(options.stdin ?? '');
  const code = await runCli(argv, {
    env,
    terminal: { stdin, stdout, stderr, isTTY: options.isTTY ?? false },
    dotenvDir: false,
    waitMs: options.waitMs ?? 2_000,
  });
  return { code, stdout: out, stderr: err };
}

const PASSWORD = 'Tangerine-Lantern-42';

describe('evision commands on the embedded database, server down', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'evision-cli-'));
    env = { ENVIRONMENT: 'test', LOG_LEVEL: 'silent', SCANNER: 'false', DATA_DIR: dataDir };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('init-db creates and migrates the database, migrate then has nothing to do', async () => {
    const init = await evision(['init-db'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Applied \d+ migration/);
    const again = await evision(['migrate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No pending migrations');
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('create-user with flags creates an admin; a duplicate fails with one line and exit 1', async () => {
    const r = await evision(
      ['create-user', '--username', 'root', '--email', 'root@example.com', '--password', PASSWORD, '--admin'],
      env,
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Created admin root');
    const dup = await evision(
      ['create-user', '--username', 'root', '--email', 'other@example.com', '--password', PASSWORD],
      env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim().split('\n')).toHaveLength(1);
    expect(dup.stderr).toMatch(/^evision: /);
  });

  it('create-user reads --password-stdin, and refuses a weak password naming the field', async () => {
    const ok = await evision(
      ['create-user', '--username', 'piped', '--email', 'p@example.com', '--password-stdin'],
      env,
      {
        stdin: `${PASSWORD}\n`,
      },
    );
    expect(ok.code).toBe(0);
    const weak = await evision(
      ['create-user', '--username', 'weak', '--email', 'w@example.com', '--password', 'abc'],
      env,
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password');
  });

  it('create-user without a terminal and without flags is a usage error (exit 2)', async () => {
    const r = await evision(['create-user', '--username', 'x'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'evision: create-user: missing --email, --password (standard input is not a terminal, so it cannot ask)\n',
    );
  });

  it('seed-default-user is idempotent', async () => {
    const first = await evision(['seed-default-user'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await evision(['seed-default-user'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already exists');
  });

  it('list-users prints a table of the users', async () => {
    const r = await evision(['list-users'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+USERNAME\s+EMAIL\s+ROLE/);
    expect(r.stdout).toMatch(/root\s+root@example\.com\s+admin/);
    expect(r.stdout).toContain('piped');
  });

  it('show-config lists every variable with secrets masked', async () => {
    const secret = 's3cr3t-value-that-must-not-print-0123456789';
    const r = await evision(['show-config'], {
      ...env,
      SECRET_KEY: secret,
      ODDS_API_KEY: 'oddsapikey-should-not-print',
      REDIS_URL: 'redis://:redispass@127.0.0.1:1/0',
    });
    expect(r.code).toBe(0);
    for (const name of CONFIG_VARIABLES) expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain('oddsapikey-should-not-print');
    expect(r.stdout).not.toContain('redispass');
    expect(r.stdout).toMatch(/^SHARP_BOOKS\s+pinnacle,circasports\s+\(not saved\)/m);
  });

  it('check-health exits 0 when everything is ok', async () => {
    const r = await evision(['check-health'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^database\s+ok/m);
    expect(r.stdout).toContain('overall: ok');
  });

  it('verify-audit passes on an intact chain and names the first record after the file is edited', async () => {
    const ok = await evision(['verify-audit'], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const file = join(dataDir, 'audit.log');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const second = JSON.parse(lines[1]);
    second.message = `${second.message} (edited)`;
    lines[1] = JSON.stringify(second);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const broken = await evision(['verify-audit'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      new RegExp(`^evision: audit chain broken at record ${second.seq} in the file`),
    );
  });

  it('scan --once and export-hits run the scanner services, or say they are not in this build', async () => {
    for (const argv of [
      ['scan', '--once'],
      ['export-hits', '--format', 'json'],
    ]) {
      const r = await evision(argv, env);
      if (r.code !== 0) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/not available in this build\n$/);
      }
    }
    const bad = await evision(['export-hits', '--format', 'xml'], env);
    expect(bad.code).toBe(2);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(dead.stdout.toString());
    writeFileSync(
      lockPath(dataDir),
      JSON.stringify({ pid, startTime: '1', command: 'evision serve', since: new Date().toISOString() }),
    );
    const r = await evision(['list-users'], env);
    expect(r.code).toBe(0);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('waits for a live holder without a socket, then gives up with exit 75', async () => {
    writeFileSync(
      lockPath(dataDir),
      JSON.stringify({
        pid: process.pid,
        startTime: processStartTime(process.pid),
        command: 'evision serve',
        since: new Date().toISOString(),
      }),
    );
    try {
      const started = Date.now();
      const r = await evision(['list-users'], env, { waitMs: 600 });
      expect(r.code).toBe(75);
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(r.stderr).toMatch(
        /^evision: .* is in use by evision serve \(pid \d+\) and its admin socket .* did not answer/,
      );
    } finally {
      rmSync(lockPath(dataDir), { force: true });
    }
  });

  it('refuses seed-default-user in production with exit 1', async () => {
    const r = await evision(['seed-default-user'], {
      ...env,
      ENVIRONMENT: 'production',
      SECRET_KEY: 'a-production-secret-of-more-than-32-chars',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('evision: seed-default-user is refused in production (ENVIRONMENT=production)\n');
  });

  it('stops on an invalid variable with one line and exit 78', async () => {
    const r = await evision(['list-users'], { ...env, CACHE_TTL: 'soon' });
    expect(r.code).toBe(78);
    expect(r.stderr).toBe('evision: configuration error: CACHE_TTL: must be a number (got "soon")\n');
  });

  it('makemigrations needs a message that makes a file name', async () => {
    expect(migrationSlug('Add bets table!')).toBe('add_bets_table');
    expect(migrationSlug('Élan  vital')).toBe('elan_vital');
    const r = await evision(['makemigrations', '!!!'], env);
    expect(r.code).toBe(2);
  });

  it('has --help for every command (exit 0) and exit 2 for an unknown one', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const r = await evision([name, '--help'], env);
      expect(r.code, name).toBe(0);
      expect(r.stdout).toContain(`Usage: evision ${name}`);
    }
    const unknown = await evision(['frobnicate'], env);
    expect(unknown).toMatchObject({ code: 2, stderr: "evision: unknown command 'frobnicate'\n" });
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('evision commands with DATABASE_URL (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabaseUrl();
    dataDir = mkdtempSync(join(tmpdir(), 'evision-cli-pg-'));
    env = {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      SCANNER: 'false',
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
    };
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the server directly: migrate, create-user, list-users, check-health, verify-audit', async () => {
    expect((await evision(['migrate'], env)).stdout).toContain('No pending migrations');
    const created = await evision(
      [
        'create-user',
        '--username',
        'pgadmin',
        '--email',
        'pg@example.com',
        '--password',
        PASSWORD,
        '--admin',
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect((await evision(['list-users'], env)).stdout).toMatch(/pgadmin\s+pg@example\.com\s+admin/);
    const health = await evision(['check-health'], env);
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/^database\s+ok\s.*postgres/m);
    expect((await evision(['verify-audit'], env)).code).toBe(0);
    // Many processes may use a PostgreSQL server: no data-dir lock is involved.
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('show-config masks the DATABASE_URL password', async () => {
    const u = new URL(db.url);
    u.password = 'hunter2-pg';
    const r = await evision(['show-config'], { ...env, DATABASE_URL: u.toString() });
    expect(r.stdout).not.toContain('hunter2-pg');
    expect(r.stdout).toMatch(/^DATABASE_URL\s+postgres:\/\/postgres:\*\*\*\*@/m);
  });

  it('init-db creates a missing database on the server', async () => {
    const u = new URL(db.url);
    u.pathname = `${u.pathname}_new`;
    const fresh = { url: u.toString() };
    try {
      const r = await evision(['init-db'], { ...env, DATABASE_URL: fresh.url });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Created the database.');
    } finally {
      const { default: pg } = await import('pg');
      const { normalizeDatabaseUrl } = await import('../infra/db/url');
      const admin = new pg.Client(normalizeDatabaseUrl(process.env.TEST_DATABASE_URL!));
      await admin.connect();
      await admin.query(`drop database if exists ${u.pathname.slice(1)} with (force)`);
      await admin.end();
    }
  });
});
