import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Exactly one holder per deployment for work that must not run twice (the scanner).
 *
 * With Redis: `SET key token NX PX ttl` takes the lock; the holder renews it (only while the
 * stored token is still its own, checked atomically in Lua) on every `acquire()` and on a
 * timer every ttl/3, so a holder that dies or hangs loses it after at most `ttlMs`.
 * Without Redis the process is its own leader.
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/ (single instance)
 */
export interface LeaderLock {
  /** Takes or renews the lock; true while this process holds it. Never throws. */
  acquire(): Promise<boolean>;
  /** Gives the lock up (if held) and stops renewing. */
  release(): Promise<void>;
  readonly isLeader: boolean;
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisLeaderLock implements LeaderLock {
  private readonly token = randomUUID();
  private held = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlMs: number,
  ) {}

  get isLeader(): boolean {
    return this.held;
  }

  async acquire(): Promise<boolean> {
    try {
      if (this.held) {
        const renewed = (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs))) as number;
        if (renewed === 1) return true;
        this.held = false;
      }
      const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
      this.held = ok === 'OK';
    } catch {
      // Redis unreachable: we cannot know whether another instance runs, so we do not.
      this.held = false;
    }
    this.schedule();
    return this.held;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => {});
  }

  private schedule(): void {
    if (this.held && !this.timer) {
      this.timer = setInterval(() => void this.acquire(), Math.max(50, Math.floor(this.ttlMs / 3)));
      this.timer.unref();
    } else if (!this.held && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** The single-process deployment: always the leader. */
export class LocalLeaderLock implements LeaderLock {
  readonly isLeader = true;
  async acquire(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
}

export function createLeaderLock(options: {
  redis: Redis | undefined;
  key: string;
  ttlMs: number;
}): LeaderLock {
  return options.redis
    ? new RedisLeaderLock(options.redis, options.key, options.ttlMs)
    : new LocalLeaderLock();
}
