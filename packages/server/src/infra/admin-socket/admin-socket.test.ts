import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminSocketUnavailableError, sendAdminCommand } from './client';
import { adminSocketPath } from './protocol';
import { type AdminSocket, startAdminSocket } from './server';

describe('admin socket', () => {
  const dirs: string[] = [];
  const sockets: AdminSocket[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'evs-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('runs one command per connection and answers its exit code and output', async () => {
    const dir = dataDir();
    const socket = await startAdminSocket(dir, async (req) => ({
      exit_code: req.command === 'ok' ? 0 : 3,
      stdout: `ran ${req.command} ${JSON.stringify(req.args)}\n`,
      stderr: '',
    }));
    sockets.push(socket);
    expect(socket.path).toBe(adminSocketPath(dir));
    const res = await sendAdminCommand(socket.path, { command: 'ok', args: { a: 1 } });
    expect(res).toEqual({ exit_code: 0, stdout: 'ran ok {"a":1}\n', stderr: '' });
    expect((await sendAdminCommand(socket.path, { command: 'x', args: {} })).exit_code).toBe(3);
  });

  it('is reachable by its owner only: directory 0700, socket 0600', async () => {
    const dir = dataDir();
    const socket = await startAdminSocket(dir, async () => ({ exit_code: 0, stdout: '', stderr: '' }));
    sockets.push(socket);
    expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(socket.path).mode & 0o777).toBe(0o600);
  });

  it('replaces a stale socket file left by a crashed server and removes its own on close', async () => {
    const dir = dataDir();
    const path = adminSocketPath(dir);
    mkdirSync(join(dir, 'run'), { mode: 0o700 });
    // A process that dies by SIGKILL while listening leaves its socket file behind.
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(statSync(path).isSocket()).toBe(true);
    await expect(sendAdminCommand(path, { command: 'x', args: {} })).rejects.toBeInstanceOf(
      AdminSocketUnavailableError,
    );
    const socket = await startAdminSocket(dir, async () => ({ exit_code: 0, stdout: 'fresh', stderr: '' }));
    sockets.push(socket);
    expect((await sendAdminCommand(path, { command: 'x', args: {} })).stdout).toBe('fresh');
    await socket.close();
    expect(() => statSync(path)).toThrow();
  });

  it('answers a malformed request with exit 2 instead of crashing', async () => {
    const dir = dataDir();
    const socket = await startAdminSocket(dir, async () => ({ exit_code: 0, stdout: '', stderr: '' }));
    sockets.push(socket);
    const answer = await new Promise<string>((resolve) => {
      const c = connect(socket.path);
      let data = '';
      c.on('data', (d) => {
        data += d;
      });
      c.on('end', () => resolve(data));
      c.write('not json\n');
    });
    expect(JSON.parse(answer)).toMatchObject({ exit_code: 2 });
  });

  it('reports a missing socket as unavailable, so the CLI can wait for a starting server', async () => {
    await expect(
      sendAdminCommand(join(dataDir(), 'run', 'evision.sock'), { command: 'x', args: {} }),
    ).rejects.toBeInstanceOf(AdminSocketUnavailableError);
  });
});
