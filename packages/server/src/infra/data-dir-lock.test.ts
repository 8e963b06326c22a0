import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, isAlive, lockPath, processStartTime } from './data-dir-lock';

const root = mkdtempSync(join(tmpdir(), 'evision-lock-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** A pid that existed and is gone (spawned, exited and reaped). */
function deadPid(): number {
  const result = spawnSync('true');
  if (!result.pid) throw new Error('could not spawn `true`');
  return result.pid;
}

function staleRecord(pid: number): string {
  return JSON.stringify({
    pid,
    startTime: null,
    command: 'evision serve',
    since: '2026-01-01T00:00:00.000Z',
  });
}

describe('data-dir lock in one process', () => {
  it('refuses a second holder while the first is live, and is free again after release', () => {
    const dir = join(root, 'single');
    const first = acquireDataDirLock(dir, 'evision serve');
    expect(() => acquireDataDirLock(dir, 'evision list-users')).toThrow(DataDirLockedError);
    first.release();
    expect(existsSync(lockPath(dir))).toBe(false);
    const second = acquireDataDirLock(dir, 'evision list-users');
    second.release();
  });

  it('takes over an empty, a garbage and a dead-pid lock file, and leaves no temp files', () => {
    for (const [name, content] of [
      ['empty', ''],
      ['garbage', '{"pid":'],
      ['dead', staleRecord(deadPid())],
    ] as const) {
      const dir = join(root, `stale-${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(lockPath(dir), content);
      const lock = acquireDataDirLock(dir, 'evision serve');
      expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(process.pid);
      lock.release();
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('release never removes a lock file that another process wrote since', () => {
    const dir = join(root, 'foreign');
    const lock = acquireDataDirLock(dir, 'evision serve');
    writeFileSync(lockPath(dir), staleRecord(process.pid + 1));
    lock.release();
    expect(existsSync(lockPath(dir))).toBe(true);
  });

  it('treats a zombie holder as dead (restart right after kill -9 of a child not yet reaped)', async () => {
    // `sleep 0.05` becomes a child of `sleep 5` (after exec), which never reaps it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.add(parent);
    const zombie = await new Promise<number>((resolvePid) => {
      parent.stdout.once('data', (d) => resolvePid(Number(String(d).trim())));
    });
    await new Promise((r) => setTimeout(r, 400));
    const stat = readFileSync(`/proc/${zombie}/stat`, 'utf8');
    expect(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).toBe('Z');
    expect(isAlive(zombie)).toBe(false);

    const dir = join(root, 'zombie');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      lockPath(dir),
      JSON.stringify({
        pid: zombie,
        startTime: processStartTime(zombie),
        command: 'evision serve',
        since: 'x',
      }),
    );
    const lock = acquireDataDirLock(dir, 'evision serve');
    lock.release();
    parent.kill('SIGKILL');
    expect(isAlive(process.pid)).toBe(true);
  });
});

/**
 * Several real processes race for the same lock at the same instant, trial after trial (each
 * trial its own data dir): no lock file, an empty one, a stale one. Exactly one may win each.
 */
describe('data-dir lock raced by several processes', () => {
  const CONTENDERS = 4;
  const kinds = (['none', 'empty', 'stale'] as const).flatMap((kind) => Array<string>(8).fill(kind));
  const TRIAL_MS = 80;

  it(`gives each of ${kinds.length} trials exactly one holder among ${CONTENDERS} processes`, async () => {
    const base = join(root, 'race');
    const dead = deadPid();
    kinds.forEach((kind, i) => {
      const dir = join(base, String(i));
      mkdirSync(dir, { recursive: true });
      if (kind === 'empty') writeFileSync(lockPath(dir), '');
      if (kind === 'stale') writeFileSync(lockPath(dir), staleRecord(dead));
    });
    const script = join(root, 'contender.mjs');
    const modulePath = resolve(__dirname, 'data-dir-lock.ts');
    writeFileSync(
      script,
      `import { acquireDataDirLock } from ${JSON.stringify(modulePath)};
import { join } from 'node:path';
const [base, trials, trialMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
process.stdout.write('ready\\n');
process.stdin.once('data', (d) => {
  const t0 = Number(String(d).trim());
  const held = [];
  for (let i = 0; i < trials; i++) {
    while (Date.now() < t0 + i * trialMs) {} // spin: every contender starts the trial together
    try {
      held.push({ trial: i, lock: acquireDataDirLock(join(base, String(i)), 'contender') });
      process.stdout.write('held ' + i + '\\n');
    } catch (err) {
      process.stdout.write((err.name === 'DataDirLockedError' ? 'locked ' : 'error ' + err.message + ' ') + i + '\\n');
    }
  }
  process.stdout.write('done\\n');
  process.stdin.once('data', () => process.exit(0)); // hold every lock won until told to exit
});
`,
    );
    const outputs: string[] = Array.from({ length: CONTENDERS }, () => '');
    const procs = outputs.map((_, n) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', script, base, String(kinds.length), String(TRIAL_MS)],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      children.add(child);
      child.stdout.on('data', (d) => {
        outputs[n] += d;
      });
      return child;
    });
    const waitFor = (word: string) =>
      new Promise<void>((resolveAll, reject) => {
        const deadline = Date.now() + 25_000;
        const tick = setInterval(() => {
          if (outputs.every((o) => o.split('\n').includes(word))) {
            clearInterval(tick);
            resolveAll();
          } else if (Date.now() > deadline) {
            clearInterval(tick);
            reject(new Error(`contenders never said ${word}: ${JSON.stringify(outputs)}`));
          }
        }, 20);
      });
    await waitFor('ready');
    const t0 = Date.now() + 300;
    for (const child of procs) child.stdin.write(`${t0}\n`);
    await waitFor('done');
    for (const child of procs) child.stdin.end('exit\n');

    const holders = kinds.map((_, i) => outputs.filter((o) => o.split('\n').includes(`held ${i}`)).length);
    const errors = outputs.flatMap((o) => o.split('\n').filter((l) => l.startsWith('error')));
    console.log(
      `data-dir lock race: holders per trial ${JSON.stringify(holders)} (kinds ${kinds.join(',')})`,
    );
    expect(errors).toEqual([]);
    expect(holders).toEqual(kinds.map(() => 1));
  });
});
