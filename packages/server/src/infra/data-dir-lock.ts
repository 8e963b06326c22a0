import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An exclusive lock on DATA_DIR for the embedded database. PGlite has no lock of its own and
 * a second process opening the same data directory corrupts it silently, so every process that
 * opens it takes this lock first.
 *
 * The lock file holds the holder's pid and its process start time (from /proc), so a lock left
 * behind by a crashed process — or by a process whose pid was later reused — is recognised as
 * stale and taken over.
 */
export interface LockHolder {
  pid: number;
  startTime: string | null;
  command: string;
  since: string;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly holder: LockHolder,
    readonly lockPath: string,
  ) {
    super(`${lockPath} is held by ${holder.command} (pid ${holder.pid}, since ${holder.since})`);
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, 'evision.lock');
}

/** Linux process start time in clock ticks since boot; null where /proc is unavailable. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of the lock, or null when the lock is free or stale. */
export function readLiveHolder(dataDir: string): LockHolder | null {
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockHolder;
  } catch {
    return null;
  }
  if (!Number.isInteger(holder.pid) || !isAlive(holder.pid)) return null;
  const start = processStartTime(holder.pid);
  if (holder.startTime && start && holder.startTime !== start) return null; // pid reused
  return holder;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  const me: LockHolder = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    command,
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 'wx' fails when the file exists, so two processes can never both create it.
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            const current = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
            if (current.pid === process.pid) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLiveHolder(dataDir);
      if (holder) throw new DataDirLockedError(holder, path);
      try {
        unlinkSync(path); // stale: its holder is gone
      } catch {
        // another process removed it first; retry
      }
    }
  }
  throw new Error(`could not take ${path}`);
}
