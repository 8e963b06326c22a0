import { ConfigError } from '../config';
import type { CommandIO } from './io';

/**
 * Exit codes of `evision` (documented in docs/MANAGEMENT.md). 75 and 78 follow sysexits.h
 * (EX_TEMPFAIL, EX_CONFIG) so supervisors can tell "try again" and "fix the config" apart.
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  /** Bad usage; for check-health: degraded. */
  USAGE: 2,
  DEGRADED: 2,
  /** The data directory is held by another process that could not take the command. */
  BUSY: 75,
  CONFIG: 78,
} as const;

/** An expected failure: printed as one line `evision: <message>`, exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.USAGE);
export const notAvailable = (what: string) =>
  new CliError(`${what} is not available in this build`, EXIT.FAILURE);

/** Prints an error as one line and returns its exit code. */
export function reportError(err: unknown, io: CommandIO): number {
  if (err instanceof CliError) {
    io.err(`evision: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    io.err(`evision: configuration error: ${err.message}`);
    return EXIT.CONFIG;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(`evision: ${message.split('\n')[0]}`);
  return EXIT.FAILURE;
}
