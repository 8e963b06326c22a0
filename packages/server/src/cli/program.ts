import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { Args } from './command';
import { COMMANDS } from './commands';
import { HIT_FILTERS } from './commands/scanner';
import { collectCreateUserArgs } from './commands/users';
import { EXIT } from './errors';
import { streamIO } from './io';
import { type RunOptions, reportError, runCommand } from './runner';

const EXIT_CODES_HELP = `
Exit codes:
  0   success (check-health: ok)
  1   the command failed (check-health: down; verify-audit: the chain is broken)
  2   bad usage (check-health: degraded)
  75  the data directory is busy (another server, or a server whose admin socket does not answer)
  78  configuration error (an invalid environment variable)

With the embedded database (no DATABASE_URL) and a server running on the same DATA_DIR,
commands run inside that server through its admin socket DATA_DIR/run/evision.sock.`;

/** The `evision` command line. Returns the exit code instead of exiting, so tests can call it. */
export function buildProgram(options: RunOptions, setExit: (code: number) => void): Command {
  const { terminal } = options;
  const program = new Command('evision')
    .description('EVision management: database, users, configuration, health, audit, scanner')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void terminal.stdout.write(s),
      writeErr: (s) => void terminal.stderr.write(s),
      outputError: (s, write) => write(`evision: ${s.replace(/^error: /, '').trim()}\n`),
    });

  const run = (name: string, prepare?: (opts: Args) => Promise<Args> | Args) => async (opts: Args) => {
    let args = opts;
    if (prepare) {
      try {
        args = await prepare(opts);
      } catch (err) {
        setExit(reportError(err, streamIO(terminal.stdout, terminal.stderr)));
        return;
      }
    }
    setExit(await runCommand(COMMANDS[name], args, options));
  };

  program
    .command('init-db')
    .description('create the database if needed (PGlite data dir or the PostgreSQL database) and migrate it')
    .action(run('init-db'));

  program.command('migrate').description('apply pending migrations (drizzle/ folder)').action(run('migrate'));

  program
    .command('makemigrations')
    .description('generate a migration from schema changes (drizzle-kit generate), named after the message')
    .argument('<message>', 'what the migration does, e.g. "add bets table"')
    .action((message: string) => run('makemigrations')({ message }));

  program
    .command('create-user')
    .description('create a user; asks for what the flags leave out when run in a terminal')
    .option('--username <name>', 'login name')
    .option('--email <address>', 'e-mail address')
    .option(
      '--password <password>',
      'password (visible in the process list: prefer --password-stdin or the prompt)',
    )
    .option('--password-stdin', 'read the password from standard input')
    .option('--admin', 'give the admin role')
    .action(run('create-user', (opts) => collectCreateUserArgs(opts, terminal)));

  program
    .command('seed-default-user')
    .description('create the demo user if it does not exist (refused when ENVIRONMENT=production)')
    .action(run('seed-default-user'));

  program
    .command('list-users')
    .description('list the users as a table')
    .option('--json', 'print JSON instead of a table')
    .action(run('list-users'));

  program
    .command('show-config')
    .description('show every configuration variable: environment value and database value (secrets masked)')
    .option('--json', 'print JSON instead of a table')
    .action(run('show-config'));

  program
    .command('check-health')
    .description('check the database, cache, WebSocket hub and provider; exit 0 ok, 2 degraded, 1 down')
    .option('--json', 'print the health report as JSON')
    .action(run('check-health'));

  program
    .command('verify-audit')
    .description('verify the audit hash chain in the database and in the audit log file')
    .action(run('verify-audit'));

  program
    .command('scan')
    .description('run the odds scanner once and print a summary')
    .option('--once', 'one scan, then exit')
    .action(run('scan'));

  const exportCommand = program
    .command('export-hits')
    .description('export EV hits as CSV or JSON, with the filters of GET /api/ev/export')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--output <file>', 'write to this file instead of standard output');
  for (const name of HIT_FILTERS) {
    exportCommand.option(`--${name.replace(/_/g, '-')} <value>`, `filter: ${name} (as in the API)`);
  }
  exportCommand.action(
    run('export-hits', (opts) => {
      const filters: Record<string, unknown> = {};
      for (const name of HIT_FILTERS) {
        const key = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        if (opts[key] !== undefined) filters[name] = opts[key];
      }
      return {
        format: opts.format,
        output: opts.output ? resolve(String(opts.output)) : undefined,
        filters,
      };
    }),
  );

  program
    .command('serve')
    .description('run the server (API, WebSocket feed, web app): the same as npm start')
    .action(run('serve'));

  return program;
}

export async function runCli(argv: string[], options: RunOptions): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(options, (c) => {
    code = c;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    return reportError(err, streamIO(options.terminal.stdout, options.terminal.stderr));
  }
}
