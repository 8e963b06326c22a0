import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../app';
import { type Config, loadConfig } from '../config';
import { AdminSocketUnavailableError, sendAdminCommand } from '../infra/admin-socket/client';
import { adminSocketPath } from '../infra/admin-socket/protocol';
import {
  acquireDataDirLock,
  DataDirLockedError,
  type LockHolder,
  readLiveHolder,
} from '../infra/data-dir-lock';
import { openDatabase, pgliteDataDir } from '../infra/db/client';
import type { Args, CommandSpec } from './command';
import { CliError, EXIT, reportError } from './errors';

export { reportError };

import { type CommandIO, replay, streamIO, type Terminal } from './io';

export interface RunOptions {
  env: Record<string, string | undefined>;
  terminal: Terminal;
  /** How long to wait for a starting server's socket, or for another CLI to finish (ms). */
  waitMs?: number;
  /** Read `.env` from this directory (default: the current directory); false skips it. */
  dotenvDir?: string | false;
}

/**
 * Runs a command where it may safely run (ARCHITECTURE §4):
 * - `DATABASE_URL` set: here, against PostgreSQL (many processes may connect);
 * - the embedded database held by a live server: inside that server, over its admin socket;
 * - otherwise: here, holding the data-dir lock for the duration.
 * A lock held without a socket (a server still starting, another CLI command) is waited on
 * for `waitMs`, then reported with exit 75 — never a deadlock, never a second opener.
 */
export async function runCommand(spec: CommandSpec, args: Args, options: RunOptions): Promise<number> {
  const { terminal } = options;
  const io = streamIO(terminal.stdout, terminal.stderr);
  try {
    if (spec.scope === 'local') return await spec.run(args, io, options.env, terminal);
    const config = loadConfig(options.env, { dotenvDir: options.dotenvDir });
    if (config.database.url) return await runHere(spec, config, args, io);

    const socket = adminSocketPath(config.dataDir);
    const deadline = Date.now() + (options.waitMs ?? 10_000);
    let holder: LockHolder | null = null;
    for (;;) {
      holder = readLiveHolder(config.dataDir);
      if (holder) {
        try {
          const response = await sendAdminCommand(socket, { command: spec.name, args });
          return replay(response, terminal.stdout, terminal.stderr);
        } catch (err) {
          if (!(err instanceof AdminSocketUnavailableError)) throw err;
        }
      } else {
        let lock: ReturnType<typeof acquireDataDirLock> | undefined;
        try {
          lock = acquireDataDirLock(config.dataDir, `evision ${spec.name}`);
        } catch (err) {
          if (!(err instanceof DataDirLockedError)) throw err;
        }
        if (lock) {
          try {
            return await runHere(spec, config, args, io);
          } finally {
            lock.release();
          }
        }
      }
      if (Date.now() >= deadline) break;
      await sleep(200);
    }
    throw new CliError(
      holder
        ? `${config.dataDir} is in use by ${holder.command} (pid ${holder.pid}) and its admin socket ${socket} ` +
            'did not answer; if the server is still starting, try again in a moment'
        : `could not take the lock on ${config.dataDir}`,
      EXIT.BUSY,
    );
  } catch (err) {
    return reportError(err, io);
  }
}

/** Runs the command in this process: a bare database for init-db/migrate, the whole app otherwise. */
async function runHere(spec: CommandSpec, config: Config, args: Args, io: CommandIO): Promise<number> {
  if (spec.scope === 'database') {
    const database = await openDatabase({
      url: config.database.url,
      poolMax: 2,
      dataDir: pgliteDataDir(config.dataDir),
    });
    try {
      return await spec.run({ config, database }, args, io);
    } finally {
      await database.close();
    }
  }
  if (spec.scope !== 'app') throw new Error(`${spec.name} cannot run here`);
  // The CLI never runs the scan loop or logs requests: it only needs the services.
  const app = await buildApp({ ...config, scanner: false }, { logger: false });
  try {
    await app.ready();
    return await spec.run(app.ctx, args, io);
  } finally {
    await app.close();
  }
}
