import type { CommandSpec } from '../command';
import { verifyAudit } from './audit';
import { showConfig } from './config';
import { initDb, makemigrations, migrateCommand } from './database';
import { checkHealth } from './health';
import { exportHits, scan } from './scanner';
import { serve } from './serve';
import { createUser, listUsers, seedDefaultUser } from './users';

/** Every management command by name: the CLI and the admin socket look them up here. */
export const COMMANDS: Record<string, CommandSpec> = Object.fromEntries(
  [
    initDb,
    migrateCommand,
    makemigrations,
    createUser,
    seedDefaultUser,
    listUsers,
    showConfig,
    checkHealth,
    verifyAudit,
    scan,
    exportHits,
    serve,
  ].map((c) => [c.name, c]),
);
