import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An exclusive lock on DATA_DIR for the embedded database. PGlite has no lock of its own and
 * a second process opening the same data directory corrupts it silently, so every process that
 * opens it takes this lock first.
 *
 * The lock file holds the holder's pid and its process start time (from /proc), so a lock left
 * behind by a crashed process — or by a process whose pid was later reused, or a zombie — is
 * recognised as stale and taken over. The file appears complete in one step (temp file +
 * link), so exactly one of several processes racing for it wins.
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

/**
 * Whether a process is running. A zombie (exited, not yet reaped by its parent) or a dead
 * process answers `kill(pid, 0)` like a live one on Linux, so /proc's state is read too.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X' && state !== 'x';
  } catch {
    return true; // no /proc (not Linux): kill(pid, 0) is all there is
  }
}

/** Parses a lock file's content; null when it is not a holder record (empty, truncated, foreign). */
function parseHolder(text: string): LockHolder | null {
  try {
    const holder = JSON.parse(text) as LockHolder;
    return holder && Number.isInteger(holder.pid) && holder.pid > 0 ? holder : null;
  } catch {
    return null;
  }
}

function isLive(holder: LockHolder): boolean {
  if (!isAlive(holder.pid)) return false;
  const start = processStartTime(holder.pid);
  return !(holder.startTime && start && holder.startTime !== start); // pid reused
}

/** The live holder of the lock, or null when the lock is free or stale. */
export function readLiveHolder(dataDir: string): LockHolder | null {
  return readLiveHolderAt(lockPath(dataDir));
}

function readLiveHolderAt(path: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const holder = parseHolder(text);
  return holder && isLive(holder) ? holder : null;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** A 5 ms synchronous pause while another process breaks a stale lock. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Creates `path` holding `content` in one step that only one process can win: the content is
 * written to a private temp file first, then hard-linked to the lock name. `link` fails with
 * EEXIST when the name exists (`rename` would silently replace it), so a lock file is never
 * seen empty or half-written, and never overwritten. Returns false when `path` exists.
 */
function createExclusive(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if (errCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/** Removes `path` only if it is still the file (inode) we judged, as far as one process can tell. */
function unlinkIfSame(path: string, ino: number): void {
  try {
    if (statSync(path).ino === ino) unlinkSync(path);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
  }
}

/**
 * Removes a stale lock file. Several processes may find the same stale file at once; if each
 * simply unlinked it, a slow one could delete the lock a faster one had just created. So the
 * removal itself runs under a second exclusive file (`evision.lock.break`, held for
 * microseconds): under it, the lock file is read again and removed only if it is still stale.
 * A break file whose process died is itself stale and removed.
 */
function breakStaleLock(path: string): boolean {
  const breaker = `${path}.break`;
  const me = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) });
  if (!createExclusive(breaker, me)) {
    let ino: number | undefined;
    try {
      ino = statSync(breaker).ino;
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw err;
    }
    if (ino !== undefined && !readLiveHolderAt(breaker)) unlinkIfSame(breaker, ino);
    return false; // someone else is breaking it (or just did): the caller waits and retries
  }
  try {
    let text: string;
    let ino: number;
    try {
      ino = statSync(path).ino;
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (errCode(err) === 'ENOENT') return true;
      throw err;
    }
    const holder = parseHolder(text);
    if (!holder || !isLive(holder)) unlinkIfSame(path, ino);
    return true;
  } finally {
    unlinkSync(breaker);
  }
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
  const content = JSON.stringify(me);
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(path, content)) {
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8') === content) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    }
    const holder = readLiveHolderAt(path);
    if (holder) throw new DataDirLockedError(holder, path);
    // Stale (its holder is gone, or the file is not a holder record): break it and retry.
    if (!breakStaleLock(path)) Atomics.wait(PAUSE, 0, 0, 5);
  }
  throw new Error(`could not take ${path}`);
}
