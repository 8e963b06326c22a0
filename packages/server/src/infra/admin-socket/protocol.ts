import { join } from 'node:path';

/**
 * The admin socket protocol: one JSON line in, one JSON line out, then the server closes.
 *
 *   → {"command": "list-users", "args": {...}}
 *   ← {"exit_code": 0, "stdout": "...", "stderr": "...", "files": [{"path", "data_base64"}]}
 *
 * The server runs the named management command in-process, against its own services, so
 * the embedded database only ever has one process (ARCHITECTURE §4). `files` carries what a
 * command writes to disk (export-hits --output); the CLI writes them, as the invoking user.
 */
export interface AdminRequest {
  command: string;
  args: Record<string, unknown>;
}

export interface AdminFile {
  path: string;
  data_base64: string;
}

export interface AdminResponse {
  exit_code: number;
  stdout: string;
  stderr: string;
  files?: AdminFile[];
}

/** Requests are small: the arguments of one command. */
export const MAX_REQUEST_BYTES = 1_048_576;

export function adminSocketDir(dataDir: string): string {
  return join(dataDir, 'run');
}

export function adminSocketPath(dataDir: string): string {
  return join(adminSocketDir(dataDir), 'evision.sock');
}

/** Unix socket paths are limited to 108 bytes on Linux (104 on macOS). */
export const MAX_SOCKET_PATH = 103;
