import type { CommandSpec } from '../command';
import { MANAGED_COMMANDS } from './managed';
import { serve } from './serve';

/** Every command of the CLI by name (the admin socket sees MANAGED_COMMANDS only). */
export const COMMANDS: Record<string, CommandSpec> = { ...MANAGED_COMMANDS, [serve.name]: serve };
