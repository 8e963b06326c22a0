import { evPercent, type HitObservation, type HitRecord, iso, outcomeKey, type WireHit } from './hit';

/**
 * The current EV hits, in memory, keyed by their stable id, and their lifecycle:
 *
 *   new → updated (price or EV changed) → closed (gone, expired, or the event started)
 *       → reopened (the same id comes back: active again, published as `ev.hit.new`)
 *
 * Pure bookkeeping: no I/O. Each change returns a `HitChanges` that the caller persists and
 * publishes. Closed hits stay here for `closedRetentionMs` so a hit that flickers keeps its
 * first_seen_at and best_ev; older ones live only in the database.
 */
export interface HitChanges {
  new: HitRecord[];
  updated: HitRecord[];
  closed: HitRecord[];
  reopened: HitRecord[];
  /** Hits whose closing line / CLV was set (already closed ones included). */
  clv: HitRecord[];
}

export const emptyChanges = (): HitChanges => ({ new: [], updated: [], closed: [], reopened: [], clv: [] });

export function changeCount(c: HitChanges): number {
  return c.new.length + c.updated.length + c.closed.length + c.reopened.length + c.clv.length;
}

/** Every record the database must be told about, each once. */
export function changedRecords(c: HitChanges): HitRecord[] {
  const seen = new Set<HitRecord>();
  for (const list of [c.new, c.reopened, c.updated, c.closed, c.clv]) for (const r of list) seen.add(r);
  return [...seen];
}

export interface HitBookOptions {
  now: () => number;
  /** How long closed hits stay in memory (default 6 h). */
  closedRetentionMs?: number;
}

export class HitBook {
  private readonly records = new Map<string, HitRecord>();
  private readonly explains = new Map<string, HitObservation>();
  private activeCache: { version: number; hits: WireHit[] } | null = null;
  private readonly now: () => number;
  private readonly retentionMs: number;
  /** Bumped on every change; the HTTP layer caches serialized answers per version. */
  version = 0;
  lastUpdated: number;

  constructor(options: HitBookOptions) {
    this.now = options.now;
    this.retentionMs = options.closedRetentionMs ?? 6 * 3600_000;
    this.lastUpdated = this.now();
  }

  /** Active hits, in no particular order (the same array until the next change). */
  active(): WireHit[] {
    if (this.activeCache?.version !== this.version) {
      const hits: WireHit[] = [];
      for (const r of this.records.values()) if (r.hit.status === 'active') hits.push(r.hit);
      this.activeCache = { version: this.version, hits };
    }
    return this.activeCache.hits;
  }

  get size(): number {
    return this.active().length;
  }

  get(id: string): HitRecord | undefined {
    return this.records.get(id);
  }

  /** The explain of a hit: the latest one in memory, built lazily by ev-core. */
  explain(id: string): unknown {
    const obs = this.explains.get(id);
    if (obs) return obs.explain ?? null;
    return this.records.get(id)?.explain ?? null;
  }

  /** Hits restored from the database at start-up (active ones and recently closed ones). */
  load(records: HitRecord[]): void {
    for (const r of records) this.records.set(r.hit.id, r);
    this.touch();
  }

  /**
   * What the engine priced now. `scope` limits which active engine hits may close because
   * they are missing: all of them (a full scan) or those of some events (an ingest).
   */
  applyEngine(observations: HitObservation[], scope?: { eventIds: Set<string> }): HitChanges {
    const now = this.now();
    const changes = emptyChanges();
    const seen = new Set<string>();
    for (const obs of observations) {
      // A negative EV is never a hit, whatever min_ev says: unseen, so an active one closes.
      if (!isStorable(obs)) continue;
      seen.add(obs.id);
      this.observe(obs, now, changes);
    }
    for (const r of this.records.values()) {
      const h = r.hit;
      if (h.status !== 'active' || h.source !== 'engine' || seen.has(h.id)) continue;
      if (scope && !scope.eventIds.has(h.event_id)) continue;
      this.close(r, now, changes);
    }
    this.prune(now);
    this.touch(now);
    return changes;
  }

  /** Hits pushed by a bot: added or refreshed, never closed here (their TTL does that). */
  applyBot(observations: HitObservation[]): HitChanges {
    const now = this.now();
    const changes = emptyChanges();
    for (const obs of observations) {
      if (isStorable(obs)) {
        this.observe(obs, now, changes);
        continue;
      }
      // A bot price that fell below fair closes its active hit instead of storing ev < 0.
      const r = this.records.get(obs.id);
      if (r && r.hit.status === 'active') this.close(r, now, changes);
    }
    this.touch(now);
    return changes;
  }

  /** Closes bot hits not re-sent within their TTL, and any hit whose event has started. */
  expire(): HitChanges {
    const now = this.now();
    const changes = emptyChanges();
    for (const r of this.records.values()) {
      if (r.hit.status !== 'active' || r.mirrored) continue;
      const expired = r.expiresAt !== null && r.expiresAt <= now;
      if (expired || r.commenceMs <= now) this.close(r, now, changes);
    }
    if (changeCount(changes) > 0) this.touch(now);
    return changes;
  }

  /**
   * The event started: its hits close, and each gets the closing fair odds of its outcome
   * (`closing` maps market|outcome|point to fair decimal odds) and clv = price / closing − 1.
   */
  closeEvent(eventId: string, closing: Map<string, number>): HitChanges {
    const now = this.now();
    const changes = emptyChanges();
    for (const r of this.records.values()) {
      const h = r.hit;
      if (h.event_id !== eventId) continue;
      if (h.status === 'active') this.close(r, now, changes);
      const fair = closing.get(outcomeKey(h.market, h.outcome, h.point));
      if (fair !== undefined && h.closing_fair_odds !== fair) {
        h.closing_fair_odds = fair;
        h.clv = h.price / fair - 1;
        changes.clv.push(r);
      }
    }
    if (changeCount(changes) > 0) this.touch(now);
    return changes;
  }

  /**
   * A change another instance published (the leader's scanner, a bot ingest elsewhere): this
   * instance's HTTP reads then serve the same hits. Its explain is read from the database.
   */
  applyRemote(type: string, hit: WireHit): void {
    if (!hit || typeof hit.id !== 'string' || !type.startsWith('ev.hit.')) return;
    const existing = this.records.get(hit.id);
    if (existing) {
      Object.assign(existing.hit, hit);
      if (existing.mirrored || hit.status === 'closed') {
        existing.mirrored = true;
        this.explains.delete(hit.id);
      }
    } else {
      this.records.set(hit.id, {
        hit: { ...hit },
        explain: null,
        commenceMs: Date.parse(hit.commence_time),
        expiresAt: null,
        mirrored: true,
      });
    }
    this.touch();
  }

  /** Event ids that have at least one hit in memory. */
  eventIds(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.records.values()) ids.add(r.hit.event_id);
    return ids;
  }

  private observe(obs: HitObservation, now: number, changes: HitChanges): void {
    const existing = this.records.get(obs.id);
    this.explains.set(obs.id, obs);
    const expiresAt = obs.expires_at ?? null;
    if (!existing) {
      const record: HitRecord = {
        hit: wireFromObservation(obs, now),
        explain: null,
        commenceMs: Date.parse(obs.commence_time),
        expiresAt,
      };
      this.records.set(obs.id, record);
      changes.new.push(record);
      return;
    }
    const h = existing.hit;
    existing.expiresAt = expiresAt;
    existing.mirrored = false;
    h.last_seen_at = iso(now);
    if (h.status === 'closed') {
      h.status = 'active';
      h.closed_at = null;
      h.closing_fair_odds = null;
      h.clv = null;
      assignPrices(h, obs);
      changes.reopened.push(existing);
      return;
    }
    if (h.price !== obs.price || h.ev !== obs.ev || h.source !== obs.source) {
      assignPrices(h, obs);
      changes.updated.push(existing);
    }
  }

  private close(r: HitRecord, now: number, changes: HitChanges): void {
    r.hit.status = 'closed';
    r.hit.closed_at = iso(now);
    r.expiresAt = null;
    // Keep the last explain with the closed hit (the detail endpoint still shows it).
    const obs = this.explains.get(r.hit.id);
    if (obs) {
      r.explain = obs.explain ?? null;
      this.explains.delete(r.hit.id);
    }
    changes.closed.push(r);
  }

  private prune(now: number): void {
    const cutoff = now - this.retentionMs;
    for (const [id, r] of this.records) {
      if (r.hit.status === 'closed' && r.hit.closed_at !== null && Date.parse(r.hit.closed_at) < cutoff) {
        this.records.delete(id);
      }
    }
  }

  private touch(now = this.now()): void {
    this.version++;
    this.lastUpdated = now;
  }
}

function assignPrices(h: WireHit, obs: HitObservation): void {
  h.price = obs.price;
  h.fair_odds = obs.fair_odds;
  h.fair_probability = obs.fair_probability;
  h.ev = obs.ev;
  h.ev_percent = evPercent(obs.ev);
  h.kelly = obs.kelly;
  h.suspect = obs.suspect;
  h.source = obs.source;
  if (obs.ev > h.best_ev) h.best_ev = obs.ev;
}

/** The one guard on what may be stored or published as a hit: a finite EV of at least 0. */
export function isStorable(obs: Pick<HitObservation, 'ev'>): boolean {
  return Number.isFinite(obs.ev) && obs.ev >= 0;
}

export function wireFromObservation(obs: HitObservation, now: number): WireHit {
  return {
    id: obs.id,
    event_id: obs.event_id,
    event: `${obs.away_team} @ ${obs.home_team}`,
    home_team: obs.home_team,
    away_team: obs.away_team,
    sport: obs.sport,
    commence_time: new Date(obs.commence_time).toISOString(),
    market: obs.market,
    outcome: obs.outcome,
    point: obs.point,
    book: obs.book,
    price: obs.price,
    fair_odds: obs.fair_odds,
    fair_probability: obs.fair_probability,
    ev: obs.ev,
    ev_percent: evPercent(obs.ev),
    kelly: obs.kelly,
    suspect: obs.suspect,
    source: obs.source,
    status: 'active',
    first_seen_at: iso(now),
    last_seen_at: iso(now),
    closed_at: null,
    best_ev: obs.ev,
    closing_fair_odds: null,
    clv: null,
  };
}
