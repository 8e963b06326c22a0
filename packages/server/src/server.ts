import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import type { AppContext } from './context';
import { executeAdminRequest } from './infra/admin-socket/executor';
import { type AdminSocket, startAdminSocket } from './infra/admin-socket/server';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from './infra/data-dir-lock';

/**
 * `npm start` and `evision serve`: config, the data-dir lock and admin socket (embedded
 * database only), build, listen, and a graceful close on SIGTERM/SIGINT. Resolves with the
 * exit code once the server has stopped.
 */
const SERVE_COMMAND = 'evision serve';

export async function runServer(env: Record<string, string | undefined>): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`evision: configuration error: ${err.message}`);
      return 78;
    }
    throw err;
  }

  // PGlite admits one process and has no lock of its own (ARCHITECTURE §4).
  let lock: DataDirLock | undefined;
  if (!config.database.url) {
    try {
      lock = await acquireServerLock(config.dataDir);
    } catch (err) {
      if (err instanceof DataDirLockedError) {
        console.error(
          `evision: ${config.dataDir} is in use by ${err.holder.command} (pid ${err.holder.pid}, since ${err.holder.since}); ` +
            'the embedded database admits one process. Stop it, or use another DATA_DIR or DATABASE_URL.',
        );
        return 75;
      }
      throw err;
    }
  }

  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config);
  } catch (err) {
    lock?.release();
    console.error(`evision: could not start: ${(err as Error).message.split('\n')[0]}`);
    return 1;
  }

  let socket: AdminSocket | undefined;
  if (lock) {
    try {
      socket = await startAdminSocket(config.dataDir, (request) => executeAdminRequest(app.ctx, request));
    } catch (err) {
      app.log.warn({ err }, 'admin socket not started: the CLI cannot reach this server');
    }
  }

  return new Promise<number>((resolveExit) => {
    let closing = false;
    const shutdown = async (reason: string, code: number) => {
      if (closing) return;
      closing = true;
      app.log.info({ reason }, 'shutting down');
      const force = setTimeout(() => {
        lock?.release();
        resolveExit(1);
      }, 15_000);
      force.unref();
      try {
        await socket?.close();
        await app.close(); // closes PGlite cleanly through the app's onClose hooks
      } catch (err) {
        app.log.error({ err }, 'error while shutting down');
        code = 1;
      } finally {
        clearTimeout(force);
        lock?.release();
        resolveExit(code);
      }
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
    process.once('SIGINT', () => void shutdown('SIGINT', 0));

    app
      .listen({ port: config.port, host: config.host })
      .then(async (address) => {
        app.ctx.onListening?.();
        if (config.environment === 'development') await printDemoUser(app.ctx, address);
        else console.log(`EVision listening on ${address}`);
      })
      .catch((err: Error) => {
        console.error(`evision: could not listen on ${config.host}:${config.port}: ${err.message}`);
        void shutdown('listen failed', 1);
      });
  });
}

/**
 * Takes the data-dir lock. A CLI command holding it briefly (a migrate, a list-users) is waited
 * for; another server is not: that is a second `serve` on the same DATA_DIR.
 */
async function acquireServerLock(dataDir: string, waitMs = 15_000): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return acquireDataDirLock(dataDir, SERVE_COMMAND);
    } catch (err) {
      if (
        !(err instanceof DataDirLockedError) ||
        err.holder.command === SERVE_COMMAND ||
        Date.now() > deadline
      )
        throw err;
    }
    await sleep(200);
  }
}

/** Development convenience: the demo user's credentials on the console. Never in production. */
async function printDemoUser(ctx: AppContext, address: string): Promise<void> {
  console.log(`EVision listening on ${address}`);
  try {
    const { user, password } = await ctx.users.ensureDemoUser();
    console.log(`Demo user: ${user.username} / ${password}`);
  } catch (err) {
    console.error(`evision: could not create the demo user: ${(err as Error).message}`);
  }
}
