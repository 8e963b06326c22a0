import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { acquireDataDirLock, DataDirLockedError } from './infra/data-dir-lock';

/** Entry point: config, the data-dir lock (embedded database only), build, listen, graceful close. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`evision: configuration error: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }

  let lock: ReturnType<typeof acquireDataDirLock> | undefined;
  if (!config.database.url) {
    try {
      lock = acquireDataDirLock(config.dataDir, 'evision serve');
    } catch (err) {
      if (err instanceof DataDirLockedError) {
        console.error(
          `evision: another EVision process (pid ${err.holder.pid}) is using ${config.dataDir}; ` +
            'the embedded database admits one process. Stop it or use a different DATA_DIR.',
        );
        process.exit(75);
      }
      throw err;
    }
  }

  const app = await buildApp(config);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
    } finally {
      lock?.release();
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    app.log.error({ err }, 'could not listen');
    await app.close();
    lock?.release();
    process.exit(1);
  }
  app.ctx.onListening?.();
}

void main();
