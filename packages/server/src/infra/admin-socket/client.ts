import { connect } from 'node:net';
import type { AdminRequest, AdminResponse } from './protocol';

export class AdminSocketUnavailableError extends Error {
  override name = 'AdminSocketUnavailableError';
}

/**
 * Sends one command to a running server and waits for its answer. Connection failures
 * (no socket file yet, a stale file nobody listens on) throw AdminSocketUnavailableError so
 * the caller can wait and retry; a server that accepts but never answers times out.
 */
export function sendAdminCommand(
  path: string,
  request: AdminRequest,
  options: { timeoutMs?: number } = {},
): Promise<AdminResponse> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected) reject(new AdminSocketUnavailableError(`${path}: ${err.code ?? err.message}`));
      else reject(new Error(`lost the connection to the server: ${err.message}`));
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const line = buffer.split('\n')[0];
      try {
        resolve(JSON.parse(line) as AdminResponse);
      } catch {
        reject(new Error('the server closed the admin connection without an answer'));
      }
    });
  });
}

/** Whether something listens on the socket (a connect that succeeds, then closes). */
export function adminSocketListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
