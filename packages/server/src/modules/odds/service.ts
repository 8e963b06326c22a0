import type { OddsEvent, Sport } from '@evision/contract';
import type { Config, EngineSettings } from '../../config';
import type { CacheManager } from '../../infra/cache/cache-manager';
import { DemoOddsProvider } from './providers/demo';
import { TheOddsApiProvider } from './providers/theoddsapi';
import { type EventScore, type OddsProvider, ProviderError, type ProviderQuota } from './providers/types';

export interface OddsSnapshot {
  events: OddsEvent[];
  /** When the provider (or an ingest) last delivered this sport; null = never. */
  fetched_at: number | null;
  /** The last fetch failed: these are the last good data. */
  stale: boolean;
}

export interface OddsStatus {
  status: 'ok' | 'degraded';
  detail: string;
  provider: 'demo' | 'theoddsapi';
  last_success_at: string | null;
  last_error?: { code: string; message: string; at: string; sport: string };
  quota?: ProviderQuota;
}

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OddsServiceOptions {
  provider: OddsProvider;
  cache: CacheManager;
  config: Config;
  now: () => number;
  log: Logger;
  /** The engine settings in force (admin-saved ones win over the environment). */
  engineSettings: () => EngineSettings | Promise<EngineSettings>;
}

interface SportSnapshot extends OddsSnapshot {
  byId: Map<string, OddsEvent>;
}

const SPORTS_CACHE_KEY = 'sports:v4';
const SETTINGS_REFRESH_MS = 5_000;
/** A snapshot older than this many scan intervals makes the provider check degraded. */
const STALE_AFTER_INTERVALS = 3;

export function createOddsProvider(config: Config, deps: { now: () => number; log?: Logger }): OddsProvider {
  if (config.odds.provider === 'theoddsapi') {
    return new TheOddsApiProvider({
      apiKey: config.odds.apiKey ?? '',
      baseUrl: config.odds.apiBaseUrl,
      minRemaining: config.odds.minRemaining,
      now: deps.now,
      log: deps.log,
    });
  }
  return new DemoOddsProvider({
    seed: config.demoSeed,
    now: deps.now,
    eventsPerSport: config.odds.demoEventsPerSport,
  });
}

/**
 * The odds the scanner fetched, per sport, and what the API reads from. Reads never call the
 * provider; `fetchSport` does (the scanner, or a user's `refresh=true`). A failed fetch keeps
 * the last good events and marks them stale.
 */
export class OddsService {
  readonly provider: OddsProvider;
  private readonly cache: CacheManager;
  private readonly config: Config;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly engineSettings: OddsServiceOptions['engineSettings'];
  private readonly snapshots = new Map<string, SportSnapshot>();
  private sportsList: Sport[] | undefined;
  private lastSuccessAt: number | null = null;
  private lastError: OddsStatus['last_error'];
  private lastQuota: ProviderQuota | undefined;
  private costLogged = '';
  private readonly loggedErrors = new Map<string, string>();
  private settings: EngineSettings;
  private settingsReadAt = Number.NEGATIVE_INFINITY;
  private settingsReading = false;

  constructor(options: OddsServiceOptions) {
    this.provider = options.provider;
    this.cache = options.cache;
    this.config = options.config;
    this.now = options.now;
    this.log = options.log;
    this.engineSettings = options.engineSettings;
    this.settings = options.config.engine;
  }

  /** v4 sports list; cached for an hour (The Odds API's `/v4/sports` is free but rarely changes). */
  async listSports(): Promise<Sport[]> {
    const cached = await this.cache.get<Sport[]>(SPORTS_CACHE_KEY);
    if (cached) return cached;
    try {
      const sports = await this.provider.listSports();
      this.sportsList = sports;
      await this.cache.set(SPORTS_CACHE_KEY, sports, 3600);
      return sports;
    } catch (err) {
      if (this.sportsList) return this.sportsList;
      throw err;
    }
  }

  /**
   * The engine's sports, synchronously: the settings last read (on every fetch, and at most
   * every few seconds in the background while the API is read), the environment's before that.
   */
  trackedSports(): string[] {
    return this.currentSettings().odds_sports;
  }

  /** The engine settings as last read; starts a background re-read when they are a few seconds old. */
  currentSettings(): EngineSettings {
    if (this.now() - this.settingsReadAt > SETTINGS_REFRESH_MS && !this.settingsReading) {
      this.settingsReading = true;
      void this.readSettings()
        .catch(() => {})
        .finally(() => {
          this.settingsReading = false;
        });
    }
    return this.settings;
  }

  /** Re-reads the engine settings now (the admin's saved ones win over the environment). */
  async readSettings(): Promise<EngineSettings> {
    this.settings = await this.engineSettings();
    this.settingsReadAt = this.now();
    return this.settings;
  }

  /**
   * Fetches one sport from the provider with the engine's regions and markets and replaces its
   * snapshot. Never throws unless `throwOnError`: on failure the last good snapshot is kept,
   * marked stale, and returned.
   */
  async fetchSport(sport: string, options: { throwOnError?: boolean } = {}): Promise<OddsEvent[]> {
    const settings = await this.readSettings();
    this.logCycleCost(settings);
    const snap = this.snap(sport);
    try {
      const { events, quota } = await this.provider.fetchOdds(sport, {
        regions: settings.odds_regions,
        markets: settings.odds_markets,
      });
      if (quota) this.lastQuota = quota;
      const sorted = [...events].sort((a, b) => a.commence_time.localeCompare(b.commence_time));
      snap.events = sorted;
      snap.byId = new Map(sorted.map((e) => [e.id, e]));
      snap.fetched_at = this.now();
      snap.stale = false;
      this.lastSuccessAt = snap.fetched_at;
      if (this.loggedErrors.delete(sport)) this.log.info({ sport }, 'odds: provider fetch recovered');
      return snap.events;
    } catch (err) {
      snap.stale = true;
      const code = err instanceof ProviderError ? err.code : 'error';
      const message = err instanceof Error ? err.message : String(err);
      this.lastError = { code, message, at: new Date(this.now()).toISOString(), sport };
      // Once per sport and error code, so a dead provider does not flood the log every scan.
      if (this.loggedErrors.get(sport) !== code) {
        this.loggedErrors.set(sport, code);
        this.log.warn(
          { sport, code, err: message },
          'odds: provider fetch failed, keeping the last good data (stale)',
        );
      }
      if (options.throwOnError) throw err;
      return snap.events;
    }
  }

  snapshot(sport: string): OddsSnapshot {
    const s = this.snapshots.get(sport);
    return s
      ? { events: s.events, fetched_at: s.fetched_at, stale: s.stale }
      : { events: [], fetched_at: null, stale: false };
  }

  /**
   * Merges events (ingest, or a partial provider update) into the per-sport snapshots: the
   * books in the payload replace those books of that event; other books stay. Returns the
   * merged events. The sport's cached API views are invalidated.
   */
  merge(events: OddsEvent[]): OddsEvent[] {
    const merged: OddsEvent[] = [];
    const touched = new Set<string>();
    for (const incoming of events) {
      const snap = this.snap(incoming.sport_key);
      touched.add(incoming.sport_key);
      const existing = snap.byId.get(incoming.id);
      let next: OddsEvent;
      if (!existing) {
        next = incoming;
        snap.events = [...snap.events, next];
      } else {
        const replaced = new Set(incoming.bookmakers.map((b) => b.key));
        next = {
          ...existing,
          ...incoming,
          bookmakers: [...existing.bookmakers.filter((b) => !replaced.has(b.key)), ...incoming.bookmakers],
        };
        snap.events = snap.events.map((e) => (e.id === next.id ? next : e));
      }
      snap.byId.set(next.id, next);
      merged.push(next);
    }
    for (const sport of touched) {
      const snap = this.snap(sport);
      snap.events.sort((a, b) => a.commence_time.localeCompare(b.commence_time));
      snap.fetched_at = this.now();
      void this.invalidateViews(sport).catch(() => {});
    }
    return merged;
  }

  /** Drops events that have started from every snapshot; returns their ids. */
  removeStarted(now = this.now()): string[] {
    const removed: string[] = [];
    for (const snap of this.snapshots.values()) {
      const keep = snap.events.filter((e) => {
        const started = Date.parse(e.commence_time) <= now;
        if (started) {
          removed.push(e.id);
          snap.byId.delete(e.id);
        }
        return !started;
      });
      if (keep.length !== snap.events.length) snap.events = keep;
    }
    return removed;
  }

  async fetchScores(sport: string, daysFrom = 3): Promise<EventScore[]> {
    return this.provider.fetchScores(sport, { daysFrom });
  }

  /** Removes the cached `/api/odds` views of one sport (after a refresh or an ingest). */
  async invalidateViews(sport: string): Promise<void> {
    await this.cache.clearPattern(`odds:${sport}:*`);
  }

  /** For health: the provider's own state, or a stale/failing fetch, makes it degraded. */
  status(): OddsStatus {
    const own = this.provider.status?.();
    const quota = own?.quota ?? this.lastQuota;
    const base = {
      provider: this.provider.name,
      last_success_at: this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
      ...(this.lastError ? { last_error: this.lastError } : {}),
      ...(quota ? { quota } : {}),
    };
    if (own && own.status !== 'ok') return { status: 'degraded', detail: own.detail, ...base };
    const staleSports = [...this.snapshots.entries()].filter(([, s]) => s.stale).map(([k]) => k);
    if (staleSports.length > 0) {
      return {
        status: 'degraded',
        detail: `stale odds for ${staleSports.join(', ')}: ${this.lastError?.message ?? 'last fetch failed'}`,
        ...base,
      };
    }
    const maxAge = this.config.engine.scan_interval * STALE_AFTER_INTERVALS * 1000;
    if (this.config.scanner && this.lastSuccessAt !== null && this.now() - this.lastSuccessAt > maxAge) {
      return {
        status: 'degraded',
        detail: `no successful fetch for ${Math.round((this.now() - this.lastSuccessAt) / 1000)} s`,
        ...base,
      };
    }
    return { status: 'ok', detail: this.provider.name, ...base };
  }

  private snap(sport: string): SportSnapshot {
    let s = this.snapshots.get(sport);
    if (!s) {
      s = { events: [], byId: new Map(), fetched_at: null, stale: false };
      this.snapshots.set(sport, s);
    }
    return s;
  }

  /** A cycle costs markets × regions credits per sport on The Odds API: said once per setting. */
  private logCycleCost(settings: EngineSettings): void {
    if (this.provider.name !== 'theoddsapi') return;
    const key = `${settings.odds_sports.join(',')}|${settings.odds_regions.join(',')}|${settings.odds_markets.join(',')}`;
    if (key === this.costLogged) return;
    this.costLogged = key;
    const perSport = settings.odds_markets.length * settings.odds_regions.length;
    this.log.info(
      {
        credits_per_sport: perSport,
        credits_per_cycle: perSport * settings.odds_sports.length,
        scan_interval: settings.scan_interval,
        sports: settings.odds_sports,
      },
      `odds: each scan cycle costs ${perSport * settings.odds_sports.length} The Odds API credits (markets × regions × sports)`,
    );
  }
}
