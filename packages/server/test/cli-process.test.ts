import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSocketPath } from '../src/infra/admin-socket/protocol';
import { lockPath } from '../src/infra/data-dir-lock';
import { createTestDatabaseUrl } from './pg-url';

/** The real `evision` binary, spawned as an operator would run it. */
const BIN = resolve(__dirname, '..', 'bin', 'evision.js');
const SECRET = 'process-test-secret-0123456789-abcdefghij';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();

function evision(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<Result> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Starts `evision serve` and resolves with its URL once it listens. */
function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 45_000);
    const onData = (d: Buffer) => {
      output += d;
      const m = output.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: m[1], output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output}`));
    });
  });
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('evision, spawned, with a server running on the same DATA_DIR', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'evision-proc-'));
    env = {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'silent',
      SCANNER: 'false',
      DATA_DIR: dataDir,
      PORT: '0',
      SECRET_KEY: SECRET,
    };
    // What a crash leaves behind: a lock naming a dead process, and a socket file nobody serves.
    writeFileSync(
      lockPath(dataDir),
      JSON.stringify({
        pid: 2 ** 22 + 7,
        startTime: '1',
        command: 'evision serve',
        since: '2020-01-01T00:00:00Z',
      }),
    );
    mkdirSync(join(dataDir, 'run'), { mode: 0o700 });
    const { spawnSync } = await import('node:child_process');
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(adminSocketPath(dataDir))}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    server = await startServer(env);
  });

  afterAll(() => {
    server?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('took over the stale lock and socket, and serves the version and health publicly', async () => {
    expect(statSync(adminSocketPath(dataDir)).mode & 0o777).toBe(0o600);
    const version = await fetch(`${server.url}/api/version`);
    expect(version.status).toBe(200);
    expect(await version.json()).toMatchObject({ version: '0.1.0', environment: 'test' });
    const health = await fetch(`${server.url}/api/monitoring/health`);
    expect(health.status).toBe(200);
  });

  it('refuses a second server on the same DATA_DIR with exit 75 and a clear message', async () => {
    const r = await evision(['serve'], env);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/^evision: .* is in use by evision serve \(pid \d+/);
    expect(r.stderr).toContain('the embedded database admits one process');
  });

  it('runs create-user inside the server; list-users then shows the user', async () => {
    const created = await evision(
      ['create-user', '--username', 'operator', '--email', 'op@example.com', '--password-stdin', '--admin'],
      env,
      { stdin: 'Marigold-Compass-77\n' },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const list = await evision(['list-users'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/operator\s+op@example\.com\s+admin/);
  });

  it('check-health, show-config (masked) and verify-audit answer through the socket', async () => {
    const [health, config, audit] = await Promise.all([
      evision(['check-health'], env),
      evision(['show-config'], env),
      evision(['verify-audit'], env),
    ]);
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/^database\s+ok/m);
    expect(config.code).toBe(0);
    expect(config.stdout).toMatch(/^SECRET_KEY\s+\*\*\*\* \(set, 41 characters\)/m);
    expect(config.stdout).not.toContain(SECRET);
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
  });

  it('stops gracefully on SIGTERM: exit 0, socket and lock removed', async () => {
    server.child.removeAllListeners('exit');
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(adminSocketPath(dataDir))).toBe(false);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });
});

describe('evision, spawned, errors', () => {
  const env = {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    SCANNER: 'false',
    DATA_DIR: join(tmpdir(), 'evision-none'),
  };

  it('a configuration error is one line and exit 78', async () => {
    const r = await evision(['list-users'], { ...env, ENVIRONMENT: 'staging' });
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^evision: configuration error: ENVIRONMENT: /);
  });

  it('create-user with no terminal and missing flags exits 2', async () => {
    const r = await evision(['create-user'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --username, --email, --password');
  });

  it('--help lists every command and exits 0', async () => {
    const r = await evision(['--help'], env);
    expect(r.code).toBe(0);
    for (const name of [
      'init-db',
      'migrate',
      'makemigrations',
      'create-user',
      'seed-default-user',
      'list-users',
    ]) {
      expect(r.stdout).toContain(name);
    }
    expect(r.stdout).toContain('Exit codes:');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('evision, spawned, with DATABASE_URL', () => {
  it('check-health opens PostgreSQL directly and exits 0; a server that is down exits 1', async () => {
    const db = await createTestDatabaseUrl();
    const dataDir = mkdtempSync(join(tmpdir(), 'evision-proc-pg-'));
    try {
      const env = { ENVIRONMENT: 'test', LOG_LEVEL: 'silent', SCANNER: 'false', DATA_DIR: dataDir };
      const ok = await evision(['check-health'], { ...env, DATABASE_URL: db.url });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/^database\s+ok\s.*postgres/m);
      expect(existsSync(lockPath(dataDir))).toBe(false);
    } finally {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
