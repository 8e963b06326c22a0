import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config';

/** What `GET /api/version` answers. */
export interface VersionInfo {
  version: string;
  commit: string | null;
  branch: string | null;
  build_time: string | null;
  node_version: string;
  environment: string;
}

const SERVER_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = resolve(SERVER_ROOT, '../..');

export function packageVersion(): string {
  for (const file of [resolve(SERVER_ROOT, 'package.json'), resolve(REPO_ROOT, 'package.json')]) {
    try {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
      if (version) return version;
    } catch {
      // try the next one
    }
  }
  return '0.0.0';
}

/**
 * Asks git once, at start-up. A deployment without git or without a `.git` directory (a
 * container image, a tarball) answers null rather than failing: the build should then pass
 * EVISION_GIT_COMMIT / EVISION_GIT_BRANCH instead.
 */
export function gitInfo(cwd: string = REPO_ROOT): { commit: string | null; branch: string | null } {
  const git = (...args: string[]): string | null => {
    try {
      const out = execFileSync('git', ['-C', cwd, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 2_000,
      }).trim();
      return out || null;
    } catch {
      return null;
    }
  };
  const commit = git('rev-parse', 'HEAD');
  if (!commit) return { commit: null, branch: null };
  const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
  return { commit, branch: branch === 'HEAD' ? null : branch };
}

export function readVersionInfo(
  config: Pick<Config, 'build' | 'environment'>,
  options: { gitCwd?: string } = {},
): VersionInfo {
  const fromEnv = config.build;
  const git =
    fromEnv.commit && fromEnv.branch ? { commit: null, branch: null } : gitInfo(options.gitCwd ?? REPO_ROOT);
  return {
    version: packageVersion(),
    commit: fromEnv.commit ?? git.commit,
    branch: fromEnv.branch ?? git.branch,
    build_time: fromEnv.buildTime ?? null,
    node_version: process.version,
    environment: config.environment,
  };
}
