import { AppError } from '../../infra/errors';
import type { Args, CommandSpec } from '../command';
import { CliError, EXIT, usageError } from '../errors';
import type { Terminal } from '../io';
import { ask, readAll } from '../prompt';
import { formatTable } from '../table';

/** Who did it, for the audit record: the operator at the console. */
const CLI_ACTOR = { id: null, username: 'cli', ip: null };

/**
 * Fills in what the flags did not give: prompts on a terminal, `--password-stdin` from a
 * pipe, or a usage error (exit 2) when a script left something out. Runs in the CLI process,
 * so the server only ever receives complete values.
 */
export async function collectCreateUserArgs(opts: Args, terminal: Terminal): Promise<Args> {
  let { username, email, password } = opts as { username?: string; email?: string; password?: string };
  if (opts.passwordStdin) {
    if (password) throw usageError('give either --password or --password-stdin, not both');
    password = (await readAll(terminal.stdin)).replace(/\r?\n$/, '');
    if (!password) throw usageError('--password-stdin: nothing was read from standard input');
  }
  const missing = [!username && '--username', !email && '--email', !password && '--password'].filter(Boolean);
  if (missing.length === 0) return { username, email, password, admin: Boolean(opts.admin) };
  if (!terminal.isTTY || opts.passwordStdin) {
    throw usageError(
      `create-user: missing ${missing.join(', ')} (standard input is not a terminal, so it cannot ask)`,
    );
  }
  let admin = Boolean(opts.admin);
  if (!username) username = await ask(terminal, 'Username: ');
  if (!email) email = await ask(terminal, 'E-mail: ');
  if (!password) {
    password = await ask(terminal, 'Password: ', { hidden: true });
    const again = await ask(terminal, 'Password (again): ', { hidden: true });
    if (password !== again) throw usageError('the passwords do not match');
  }
  if (!opts.admin) admin = /^y(es)?$/i.test(await ask(terminal, 'Administrator? [y/N] '));
  if (!username || !email || !password) throw usageError('username, e-mail and password are all required');
  return { username, email, password, admin };
}

/** Validation errors of the users service as one line: "password: too short; email: invalid". */
function describe(err: unknown): never {
  if (err instanceof AppError) {
    const fields = Array.isArray(err.details)
      ? (err.details as Array<{ field?: string; message?: string }>)
          .map((d) => (d.field ? `${d.field}: ${d.message}` : d.message))
          .join('; ')
      : '';
    throw new CliError(fields ? `${err.message}: ${fields}` : err.message, EXIT.FAILURE);
  }
  throw err;
}

export const createUser: CommandSpec = {
  name: 'create-user',
  scope: 'app',
  async run(ctx, args, io) {
    const role = args.admin ? 'admin' : 'user';
    const user = await ctx.users
      .create(
        { username: String(args.username), email: String(args.email), password: String(args.password), role },
        CLI_ACTOR,
      )
      .catch(describe);
    io.out(`Created ${role} ${user.username} <${user.email}> (id ${user.id}).`);
    return EXIT.OK;
  },
};

export const seedDefaultUser: CommandSpec = {
  name: 'seed-default-user',
  scope: 'app',
  async run(ctx, _args, io) {
    if (ctx.config.environment === 'production') {
      throw new CliError('seed-default-user is refused in production (ENVIRONMENT=production)', EXIT.FAILURE);
    }
    const { user, created, password } = await ctx.users.ensureDemoUser().catch(describe);
    if (created) io.out(`Created the demo user: username ${user.username}, password ${password}`);
    else
      io.out(
        password
          ? `The demo user already exists: username ${user.username}, password ${password}`
          : `The demo user already exists: username ${user.username} (password unchanged)`,
      );
    return EXIT.OK;
  },
};

function date(v: string | Date | undefined): string {
  if (!v) return '';
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString().replace('T', ' ').slice(0, 19);
}

export const listUsers: CommandSpec = {
  name: 'list-users',
  scope: 'app',
  async run(ctx, args, io) {
    const list = await ctx.users.list({ limit: 100_000 });
    if (args.json) {
      io.out(JSON.stringify(list, null, 2));
      return EXIT.OK;
    }
    if (list.length === 0) {
      io.out('No users yet. Create one with: evision create-user --admin');
      return EXIT.OK;
    }
    io.out(
      formatTable(
        ['ID', 'USERNAME', 'EMAIL', 'ROLE', 'ACTIVE', '2FA', 'CREATED'],
        list.map((u) => [
          u.id,
          u.username,
          u.email,
          u.role,
          u.is_active ? 'yes' : 'no',
          u.totp_enabled ? 'yes' : 'no',
          date(u.created_at),
        ]),
      ),
    );
    io.out(`${list.length} user(s)`);
    return EXIT.OK;
  },
};
