import type { AppContext } from '../context';
import type { CommandIO, Terminal } from './io';

export type Args = Record<string, unknown>;

/** What a database-only command needs: init-db and migrate run before the app can be built. */
export type DatabaseContext = Pick<AppContext, 'config' | 'database'>;

interface Base {
  name: string;
}

/**
 * A management command. `app` and `database` commands are `(ctx, args, io) => exit code` and
 * run either in the CLI process or, when a server holds the embedded database, inside that
 * server over the admin socket — the same function either way. `local` commands only make
 * sense in the CLI process (serve, makemigrations).
 */
export type CommandSpec =
  | (Base & { scope: 'app'; run(ctx: AppContext, args: Args, io: CommandIO): Promise<number> })
  | (Base & { scope: 'database'; run(ctx: DatabaseContext, args: Args, io: CommandIO): Promise<number> })
  | (Base & {
      scope: 'local';
      run(
        args: Args,
        io: CommandIO,
        env: Record<string, string | undefined>,
        terminal: Terminal,
      ): Promise<number>;
    });

/** Optional services other modules add to the context; the CLI reports when one is missing. */
export function service<T>(ctx: AppContext, name: string): T | undefined {
  return (ctx as unknown as Record<string, unknown>)[name] as T | undefined;
}
