import type { CommandSpec } from '../command';
import { verifyAudit } from './audit';
import { showConfig } from './config';
import { initDb, makemigrations, migrateCommand } from './database';
import { checkHealth } from './health';
import { exportHits, scan } from './scanner';
import { createUser, listUsers, seedDefaultUser } from './users';

/**
 * The management commands, `serve` aside: what the admin socket may look up. `serve` starts
 * the server, so the server must not reach it (commands/index.ts adds it for the CLI).
 */
export const MANAGED_COMMANDS: Record<string, CommandSpec> = Object.fromEntries(
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
  ].map((c) => [c.name, c]),
);
