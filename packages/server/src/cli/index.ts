import { runCli } from './program';

// Entry of `evision` (bin/evision.js loads this through tsx). The only place that exits.
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  terminal: {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdin.isTTY),
  },
});
// Let stdout drain (pipes are asynchronous), then exit even if a pool or timer lingers.
process.stdout.write('', () => process.exit(code));
