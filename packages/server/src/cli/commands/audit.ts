import type { CommandSpec } from '../command';
import { CliError, EXIT } from '../errors';

export const verifyAudit: CommandSpec = {
  name: 'verify-audit',
  scope: 'app',
  async run(ctx, _args, io) {
    const result = await ctx.audit.verify();
    if (result.ok) {
      io.out(
        `Audit chain intact: ${result.checked} record(s) in the database and ${ctx.config.auditLogPath} agree.`,
      );
      return EXIT.OK;
    }
    const b = result.firstBroken;
    throw new CliError(
      b
        ? `audit chain broken at record ${b.seq} in the ${b.where === 'file' ? `file ${ctx.config.auditLogPath}` : 'database'}: ${b.reason}`
        : 'audit chain broken',
      EXIT.FAILURE,
    );
  },
};
