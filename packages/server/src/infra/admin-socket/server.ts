import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import {
  type AdminRequest,
  type AdminResponse,
  adminSocketDir,
  adminSocketPath,
  MAX_REQUEST_BYTES,
  MAX_SOCKET_PATH,
} from './protocol';

export type AdminHandler = (request: AdminRequest) => Promise<AdminResponse>;

export interface AdminSocket {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens on DATA_DIR/run/evision.sock (directory 0700, socket 0600: only the user that runs
 * the server may connect). The caller holds the data-dir lock, so a socket file already there
 * was left by a process that died: it is removed.
 */
export async function startAdminSocket(dataDir: string, handle: AdminHandler): Promise<AdminSocket> {
  const dir = adminSocketDir(dataDir);
  const path = adminSocketPath(dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new Error(`admin socket path ${path} is too long for a unix socket; use a shorter DATA_DIR`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
    else throw new Error(`${path} exists and is not a socket; remove it`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }

  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (answered) return;
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) {
        answered = true;
        reply(socket, { exit_code: 2, stdout: '', stderr: 'evision: request too large\n' });
        return;
      }
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      answered = true;
      void answer(buffer.slice(0, newline)).then((response) => reply(socket, response));
    });
  });

  async function answer(line: string): Promise<AdminResponse> {
    let request: AdminRequest;
    try {
      request = JSON.parse(line) as AdminRequest;
      if (typeof request?.command !== 'string') throw new Error('no command');
      if (request.args === undefined) request.args = {};
      if (typeof request.args !== 'object' || request.args === null)
        throw new Error('args must be an object');
    } catch (err) {
      return { exit_code: 2, stdout: '', stderr: `evision: bad admin request: ${(err as Error).message}\n` };
    }
    try {
      return await handle(request);
    } catch (err) {
      return { exit_code: 1, stdout: '', stderr: `evision: ${(err as Error).message}\n` };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);

  let closed = false;
  return {
    path,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Commands in flight get a moment to answer; idle connections are cut.
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 2_000).unref();
      });
      try {
        unlinkSync(path);
      } catch {
        // server.close() already removed it
      }
    },
  };
}

function reply(socket: import('node:net').Socket, response: AdminResponse): void {
  if (socket.destroyed) return;
  socket.end(`${JSON.stringify(response)}\n`);
}
