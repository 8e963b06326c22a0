import { MANAGED_COMMANDS as COMMANDS } from '../../cli/commands/managed';
import { EXIT, reportError } from '../../cli/errors';
import { captureIO } from '../../cli/io';
import type { AppContext } from '../../context';
import type { AdminRequest, AdminResponse } from './protocol';

/**
 * The admin socket's request handler inside the server: the CLI's own command functions, run
 * against the server's context, their output captured and sent back to the waiting CLI.
 */
export async function executeAdminRequest(ctx: AppContext, request: AdminRequest): Promise<AdminResponse> {
  const io = captureIO();
  const spec = Object.hasOwn(COMMANDS, request.command) ? COMMANDS[request.command] : undefined;
  if (!spec || spec.scope === 'local') {
    io.err(`evision: ${request.command} cannot be run through the server`);
    return io.response(EXIT.USAGE);
  }
  try {
    return io.response(await spec.run(ctx, request.args, io));
  } catch (err) {
    return io.response(reportError(err, io));
  }
}
