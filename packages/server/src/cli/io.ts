import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { AdminFile, AdminResponse } from '../infra/admin-socket/protocol';

/** Where a command writes. The same command writes to the terminal, or into a socket answer. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** Writes a file as the user running the CLI (absolute path, resolved by the CLI). */
  writeFile(path: string, data: string | Buffer): void;
}

/** The CLI process's own terminal, for prompts (create-user). */
export interface Terminal {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  isTTY: boolean;
}

export function streamIO(stdout: Writable, stderr: Writable): CommandIO {
  return {
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
    writeFile: (path, data) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    },
  };
}

/** Collects what a command writes, to send it back over the admin socket. */
export function captureIO(): CommandIO & { response(exitCode: number): AdminResponse } {
  let stdout = '';
  let stderr = '';
  const files: AdminFile[] = [];
  return {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    writeFile: (path, data) => {
      files.push({ path, data_base64: Buffer.from(data).toString('base64') });
    },
    response: (exitCode) => ({ exit_code: exitCode, stdout, stderr, ...(files.length ? { files } : {}) }),
  };
}

/** Replays a socket answer on the local terminal. */
export function replay(response: AdminResponse, stdout: Writable, stderr: Writable): number {
  const io = streamIO(stdout, stderr);
  for (const file of response.files ?? []) io.writeFile(file.path, Buffer.from(file.data_base64, 'base64'));
  if (response.stdout) stdout.write(response.stdout);
  if (response.stderr) stderr.write(response.stderr);
  return response.exit_code;
}
