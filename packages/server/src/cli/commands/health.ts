import type { CommandSpec } from '../command';
import { CliError, EXIT } from '../errors';
import { formatTable } from '../table';

export const checkHealth: CommandSpec = {
  name: 'check-health',
  scope: 'app',
  async run(ctx, args, io) {
    const report = await ctx.health.run();
    if (args.json) io.out(JSON.stringify(report, null, 2));
    else {
      io.out(
        formatTable(
          ['CHECK', 'STATUS', 'LATENCY', 'DETAIL'],
          Object.entries(report.checks).map(([name, c]) => [
            name,
            c.status,
            `${c.latency_ms} ms`,
            c.detail ?? '',
          ]),
        ),
      );
      io.out(`overall: ${report.status}`);
    }
    if (report.status === 'ok') return EXIT.OK;
    const reasons = Object.entries(report.checks)
      .filter(([, c]) => c.status !== 'ok')
      .map(([name, c]) => `${name} ${c.status}${c.detail ? ` (${c.detail})` : ''}`)
      .join('; ');
    throw new CliError(
      `${report.status}: ${reasons}`,
      report.status === 'down' ? EXIT.FAILURE : EXIT.DEGRADED,
    );
  },
};
