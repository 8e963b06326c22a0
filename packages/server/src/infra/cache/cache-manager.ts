import type { Redis } from 'ioredis';

export interface CacheStats {
  backend: 'redis' | 'memory';
  hits: number;
  misses: number;
  /** Keys under this cache's prefix in the backend in use (expired memory entries excluded). */
  keys: number;
  /** hits / (hits + misses), 0 before the first read. */
  hit_rate: number;
  redis_configured: boolean;
  redis_connected: boolean;
}

export interface CacheHealth {
  status: 'ok' | 'degraded';
  detail: string;
}

interface CacheLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CacheManagerOptions {
  /** The shared connection (created without an offline queue, so commands fail fast). */
  redis?: Redis;
  /** Instance prefix, e.g. `evision:`; cache keys live under `<prefix>cache:`. */
  keyPrefix: string;
  /** Default TTL in seconds (CACHE_TTL). */
  defaultTtl: number;
  log?: CacheLogger;
  now?: () => number;
  /** Bound on the in-memory fallback; the least recently written keys go first. */
  maxMemoryEntries?: number;
}

interface MemoryEntry {
  value: string | Buffer;
  expiresAt: number;
}

const SCAN_COUNT = 500;
/** Invalidations made while Redis was away, replayed when it returns (bounded). */
const MAX_PENDING = 1_000;

/**
 * Redis first, memory when Redis is unconfigured or unreachable. Never stalls a request: the
 * connection has no offline queue, so while it is down we do not even try (status check) and a
 * command that fails mid-flight falls back to memory for that call. Transitions are logged once
 * each way; deletions made during an outage are replayed on Redis when it comes back, so a view
 * invalidated meanwhile is not served again from Redis.
 */
export class CacheManager {
  private readonly redis: Redis | undefined;
  private readonly prefix: string;
  private readonly defaultTtl: number;
  private readonly log: CacheLogger | undefined;
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly memory = new Map<string, MemoryEntry>();
  private readonly pendingDeletes = new Set<string>();
  private readonly pendingPatterns = new Set<string>();
  private hits = 0;
  private misses = 0;
  private backend: 'redis' | 'memory';
  private readonly onReady = () => {
    // Writes made during the outage are superseded by Redis from now on.
    this.memory.clear();
    void this.replayPending();
    this.noteBackend();
  };
  private readonly onClose = () => this.noteBackend();

  constructor(options: CacheManagerOptions) {
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix}cache:`;
    this.defaultTtl = options.defaultTtl;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxMemoryEntries ?? 10_000;
    // Start as "redis" so that a Redis that is down at start logs the fallback once.
    this.backend = this.redis ? 'redis' : 'memory';
    if (this.redis) {
      this.redis.on('ready', this.onReady);
      this.redis.on('close', this.onClose);
      this.redis.on('end', this.onClose);
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.getRaw(key, false);
    if (raw === undefined) return undefined;
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8')) as T;
  }

  async set(key: string, value: unknown, ttlSeconds = this.defaultTtl): Promise<void> {
    await this.setRaw(key, JSON.stringify(value), ttlSeconds);
  }

  async getBuffer(key: string): Promise<Buffer | undefined> {
    const raw = await this.getRaw(key, true);
    if (raw === undefined) return undefined;
    return typeof raw === 'string' ? Buffer.from(raw) : raw;
  }

  async setBuffer(key: string, value: Buffer, ttlSeconds = this.defaultTtl): Promise<void> {
    await this.setRaw(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    this.memory.delete(key);
    if (this.redisUsable()) {
      try {
        await this.redis!.del(this.prefix + key);
        return;
      } catch {
        this.noteBackend();
      }
    }
    if (this.redis) this.remember(this.pendingDeletes, key);
  }

  /** Deletes the keys matching a glob (`odds:nba:*`) under this instance's prefix only. */
  async clearPattern(pattern: string): Promise<number> {
    const re = globToRegExp(pattern);
    let removed = 0;
    for (const k of [...this.memory.keys()]) {
      if (re.test(k)) {
        this.memory.delete(k);
        removed++;
      }
    }
    if (this.redisUsable()) {
      try {
        return removed + (await this.scanDelete(pattern));
      } catch {
        this.noteBackend();
      }
    }
    if (this.redis) this.remember(this.pendingPatterns, pattern);
    return removed;
  }

  async stats(): Promise<CacheStats> {
    const usable = this.redisUsable();
    let keys = 0;
    if (usable) {
      try {
        keys = await this.countRedisKeys();
      } catch {
        keys = this.memoryKeyCount();
      }
    } else {
      keys = this.memoryKeyCount();
    }
    const reads = this.hits + this.misses;
    return {
      backend: usable ? 'redis' : 'memory',
      hits: this.hits,
      misses: this.misses,
      keys,
      hit_rate: reads === 0 ? 0 : this.hits / reads,
      redis_configured: this.redis !== undefined,
      redis_connected: usable,
    };
  }

  health(): CacheHealth {
    if (!this.redis) return { status: 'ok', detail: 'in-memory cache (no REDIS_URL configured)' };
    if (this.redisUsable()) return { status: 'ok', detail: 'redis' };
    return {
      status: 'degraded',
      detail: `Redis unreachable (${this.redis.status}): serving from the in-memory fallback`,
    };
  }

  /** Which backend the next call uses. */
  backendInUse(): 'redis' | 'memory' {
    return this.redisUsable() ? 'redis' : 'memory';
  }

  /** Resets the hit/miss counters (benchmarks measure a window). */
  resetCounters(): void {
    this.hits = 0;
    this.misses = 0;
  }

  close(): void {
    if (this.redis) {
      this.redis.off('ready', this.onReady);
      this.redis.off('close', this.onClose);
      this.redis.off('end', this.onClose);
    }
    this.memory.clear();
  }

  private redisUsable(): boolean {
    return this.redis !== undefined && this.redis.status === 'ready';
  }

  private noteBackend(): void {
    const current = this.redisUsable() ? 'redis' : 'memory';
    if (current === this.backend) return;
    this.backend = current;
    if (current === 'memory') {
      this.log?.warn(
        { redis_status: this.redis?.status },
        'cache: Redis unreachable, using the in-memory fallback',
      );
    } else {
      this.log?.info({}, 'cache: Redis is back, using it again');
    }
  }

  private async getRaw(key: string, asBuffer: boolean): Promise<string | Buffer | undefined> {
    if (this.redisUsable()) {
      try {
        const full = this.prefix + key;
        const v = asBuffer ? await this.redis!.getBuffer(full) : await this.redis!.get(full);
        this.count(v !== null);
        return v ?? undefined;
      } catch {
        this.noteBackend();
      }
    } else {
      this.noteBackend();
    }
    const entry = this.memory.get(key);
    if (entry && entry.expiresAt <= this.now()) this.memory.delete(key);
    const hit = entry !== undefined && entry.expiresAt > this.now();
    this.count(hit);
    return hit ? entry.value : undefined;
  }

  private async setRaw(key: string, value: string | Buffer, ttlSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    if (this.redisUsable()) {
      try {
        await this.redis!.set(this.prefix + key, value, 'EX', ttl);
        // A stale memory copy must not resurface if Redis goes away again.
        this.memory.delete(key);
        return;
      } catch {
        this.noteBackend();
      }
    } else {
      this.noteBackend();
    }
    this.memory.delete(key);
    this.memory.set(key, { value, expiresAt: this.now() + ttl * 1000 });
    if (this.memory.size > this.maxEntries) this.evict();
  }

  private count(hit: boolean): void {
    if (hit) this.hits++;
    else this.misses++;
  }

  private evict(): void {
    const now = this.now();
    for (const [k, e] of this.memory) if (e.expiresAt <= now) this.memory.delete(k);
    // Map iteration order is insertion order: the oldest writes go first.
    for (const k of this.memory.keys()) {
      if (this.memory.size <= this.maxEntries) break;
      this.memory.delete(k);
    }
  }

  private memoryKeyCount(): number {
    const now = this.now();
    for (const [k, e] of this.memory) if (e.expiresAt <= now) this.memory.delete(k);
    return this.memory.size;
  }

  private remember(set: Set<string>, value: string): void {
    if (set.size < MAX_PENDING) set.add(value);
    // Too many to track: forget them all on return instead.
    else this.pendingPatterns.add('*');
  }

  private async replayPending(): Promise<void> {
    if (!this.redisUsable()) return;
    const keys = [...this.pendingDeletes];
    const patterns = [...this.pendingPatterns];
    this.pendingDeletes.clear();
    this.pendingPatterns.clear();
    try {
      if (keys.length > 0) await this.redis!.del(...keys.map((k) => this.prefix + k));
      for (const p of patterns) await this.scanDelete(p);
    } catch {
      for (const k of keys) this.pendingDeletes.add(k);
      for (const p of patterns) this.pendingPatterns.add(p);
    }
  }

  /** SCAN (never KEYS) under our prefix, deleting as it goes. */
  private async scanDelete(pattern: string): Promise<number> {
    const match = this.prefix.replace(/[*?[\]\\]/g, '\\$&') + pattern;
    let cursor = '0';
    let removed = 0;
    do {
      const [next, found] = await this.redis!.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (found.length > 0) removed += await this.redis!.del(...found);
    } while (cursor !== '0');
    return removed;
  }

  private async countRedisKeys(): Promise<number> {
    const match = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    let n = 0;
    do {
      const [next, found] = await this.redis!.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      n += found.length;
    } while (cursor !== '0');
    return n;
  }
}

/** Redis glob (`*`, `?`) as a RegExp for the memory backend. */
function globToRegExp(glob: string): RegExp {
  const src = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${src}$`);
}
