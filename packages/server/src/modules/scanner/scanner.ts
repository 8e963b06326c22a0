import type { IngestHit } from '@evision/contract';
import { createEngine, type Engine, type FindHitsOptions, findHits, type OddsEvent } from '@evision/ev-core';
import type { EngineSettings } from '../../config';
import type { LeaderLock } from '../../infra/leader-lock';
import type { PubSub } from '../../infra/pubsub';
import { type HitObservation, hitId, observationFromEngine, outcomeKey } from '../ev/hit';
import { changedRecords, emptyChanges, type HitChanges } from '../ev/hit-book';
import type { ClosingLineRow, EventRow, LinePrice } from '../ev/repo';
import type { HitService } from '../ev/service';

/** Where odds come from (ctx.odds): the provider's snapshot per sport, and bot snapshots merged in. */
export interface OddsSource {
  trackedSports(): string[];
  /** With `throwOnError` a failed fetch throws (the scanner records it per sport). */
  fetchSport(sport: string, options?: { throwOnError?: boolean }): Promise<OddsEvent[]>;
  merge?(events: OddsEvent[]): OddsEvent[] | Promise<OddsEvent[]>;
}

export interface ScanSummary {
  sports: number;
  events: number;
  hits_active: number;
  new: number;
  updated: number;
  closed: number;
  reopened: number;
  duration_ms: number;
  errors: { sport: string; message: string }[];
}

export interface IngestOddsResult {
  events: number;
  events_changed: number;
  hits_new: number;
  hits_updated: number;
  hits_closed: number;
  hits_reopened: number;
}

/** A bot hit as validated at the ingest edge (the contract's shape). */
export type BotHitInput = IngestHit;

export interface ScannerDeps {
  odds: OddsSource;
  hits: HitService;
  pubsub: PubSub;
  lock: LeaderLock;
  settings: () => EngineSettings | Promise<EngineSettings>;
  now: () => number;
  /** Called once an event's closing line is stored (fills the CLV of its bets). */
  onClosingLine?: (eventId: string) => Promise<unknown> | undefined;
  log: {
    info(o: unknown, m?: string): void;
    warn(o: unknown, m?: string): void;
    error(o: unknown, m?: string): void;
  };
}

/** An event the provider stops listing is dropped unless a bot sent it within this window. */
const INGESTED_EVENT_GRACE_MS = 10 * 60_000;

export function engineOptions(s: EngineSettings): Omit<FindHitsOptions, 'now'> {
  return {
    sharpBooks: s.sharp_books,
    minSharpBooks: s.min_sharp_books,
    method: s.devig_method,
    minEv: s.min_ev,
    suspectEv: s.suspect_ev,
    sharpMaxAgeSeconds: s.sharp_max_age,
    softMaxAgeSeconds: s.soft_max_age,
    commission: s.exchange_commission,
  };
}

/**
 * The scanner: one cycle fetches every tracked sport, feeds the ev-core engine, diffs the
 * priced hits against the HitBook, persists and publishes. Ingested odds take the same path
 * for the events they touch. Cycles and ingests are serialized (one engine, one writer).
 * `start()` schedules cycles every `scan_interval` seconds on the leader only.
 */
export class Scanner {
  readonly engine: Engine;
  private optionsKey = '';
  private settings: EngineSettings | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /**
   * Last stored price per line, by event then market|outcome|point|book: line history stores
   * changes only. Dropped with the event.
   */
  private readonly linePrices = new Map<string, Map<string, number>>();
  /** Market objects already diffed into line history (providers hand out immutable objects). */
  private readonly recordedMarkets = new WeakSet<object>();
  /**
   * The provider's last event object per id. The demo provider shares unchanged event and
   * bookmaker objects between fetches, so an identical object needs no engine merge, and only
   * the bookmakers that are new objects are handed to the engine (which deep-compares them).
   */
  private readonly lastFetched = new Map<string, OddsEvent>();
  private readonly knownEvents = new Map<string, string>();
  private readonly lastPricedAt = new Map<string, number>();
  private readonly ingestedAt = new Map<string, number>();
  lastSummary: ScanSummary | undefined;

  constructor(private readonly deps: ScannerDeps) {
    this.engine = createEngine({ sharpBooks: [], method: 'multiplicative', minEv: 0 });
  }

  /** One full cycle now (the CLI's `scan --once`), whether or not this process is the leader. */
  runOnce(): Promise<ScanSummary> {
    return this.exclusive(() => this.cycle());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => {});
    await this.deps.lock.release();
  }

  /** Re-reads the engine settings before the next cycle (settings saves call this). */
  settingsChanged(settings?: EngineSettings): void {
    if (settings) this.applySettings(settings);
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    let interval = 30;
    try {
      const settings = await this.deps.settings();
      interval = settings.scan_interval;
      if (await this.deps.lock.acquire()) {
        await this.runOnce();
      } else {
        // A follower: still closes its own bot hits on time.
        await this.exclusive(() => this.expireBotHits());
      }
    } catch (err) {
      this.deps.log.error({ err }, 'scan cycle failed');
    }
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), interval * 1000);
    this.timer.unref?.();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private applySettings(settings: EngineSettings): void {
    const key = JSON.stringify(engineOptions(settings));
    this.settings = settings;
    if (key !== this.optionsKey) {
      this.engine.setOptions(engineOptions(settings));
      this.optionsKey = key;
    }
  }

  private async refreshSettings(): Promise<EngineSettings> {
    this.applySettings(await this.deps.settings());
    return this.settings as EngineSettings;
  }

  private async cycle(): Promise<ScanSummary> {
    const started = performance.now();
    const now = this.deps.now();
    await this.refreshSettings();
    const sports = this.deps.odds.trackedSports();
    const errors: ScanSummary['errors'] = [];
    const results = await Promise.all(
      sports.map(async (sport) => {
        try {
          return { sport, events: await this.deps.odds.fetchSport(sport, { throwOnError: true }) };
        } catch (err) {
          errors.push({ sport, message: err instanceof Error ? err.message : String(err) });
          return { sport, events: null };
        }
      }),
    );

    const incoming: OddsEvent[] = [];
    const listed = new Set<string>();
    const fetchedSports = new Set<string>();
    for (const r of results) {
      if (!r.events) continue;
      fetchedSports.add(r.sport);
      for (const ev of r.events) {
        listed.add(ev.id);
        const delta = this.delta(ev);
        if (delta) incoming.push(delta);
      }
    }
    const changed = this.engine.upsert(incoming);

    // Events the provider no longer lists (and no bot refreshed lately) leave the engine.
    const gone: string[] = [];
    for (const ev of this.engine.events()) {
      if (listed.has(ev.id) || !fetchedSports.has(ev.sport_key)) continue;
      if (now - (this.ingestedAt.get(ev.id) ?? 0) < INGESTED_EVENT_GRACE_MS) continue;
      if (Date.parse(ev.commence_time) > now) gone.push(ev.id);
    }
    this.removeEvents(gone);

    const changes = emptyChanges();
    await this.closeStartedEvents(now, changes);
    const hits = this.engine.priceAll(now);
    merge(changes, this.deps.hits.book.applyEngine(hits.map(observationFromEngine)));
    merge(changes, this.deps.hits.book.expire());
    for (const ev of this.engine.events()) this.lastPricedAt.set(ev.id, now);

    await this.recordOdds(incoming, changed, now);
    await this.deps.hits.commit(changes);
    for (const sport of fetchedSports) {
      this.deps.pubsub.publish(`odds:${sport}`, 'odds.updated', {
        sport,
        events: results.find((r) => r.sport === sport)?.events?.length ?? 0,
        changed: changed.length,
        at: new Date(now).toISOString(),
      });
    }
    for (const e of errors) this.deps.log.warn({ sport: e.sport, err: e.message }, 'odds fetch failed');

    const summary: ScanSummary = {
      sports: sports.length,
      events: this.engine.size(),
      hits_active: this.deps.hits.book.size,
      new: changes.new.length,
      updated: changes.updated.length,
      closed: changes.closed.length,
      reopened: changes.reopened.length,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      errors,
    };
    this.lastSummary = summary;
    return summary;
  }

  /**
   * Events that started: the last fair price of each sharp line becomes its closing line
   * (stored, and each hit of the event gets closing_fair_odds and clv), then the event leaves
   * the engine. The fair line is re-derived at the time of the last pricing before the start,
   * with every soft price admitted (minEv −∞) so that every quoted outcome gets its fair price.
   */
  private async closeStartedEvents(now: number, changes: HitChanges): Promise<void> {
    const started = this.engine.events().filter((ev) => Date.parse(ev.commence_time) <= now);
    if (started.length === 0) return;
    const settings = this.settings as EngineSettings;
    for (const ev of started) {
      const commence = Date.parse(ev.commence_time);
      const at = Math.min(this.lastPricedAt.get(ev.id) ?? commence - 1, commence - 1);
      const closing = new Map<string, number>();
      const rows: ClosingLineRow[] = [];
      try {
        const all = findHits([ev], {
          ...engineOptions(settings),
          minEv: Number.NEGATIVE_INFINITY,
          suspectEv: undefined,
          softMaxAgeSeconds: undefined,
          now: at,
        });
        for (const h of all) {
          const x = h.explain;
          x.line.forEach((o, i) => {
            const key = outcomeKey(h.market, o.name, o.point);
            if (closing.has(key)) return;
            const p = x.fair_probabilities[i];
            closing.set(key, 1 / p);
            rows.push({
              event_id: ev.id,
              market: h.market,
              outcome: o.name,
              point: o.point === null ? '' : String(o.point),
              fair_odds: 1 / p,
              fair_probability: p,
              at: new Date(at).toISOString(),
            });
          });
        }
      } catch (err) {
        this.deps.log.warn({ err, event: ev.id }, 'closing line failed');
      }
      merge(changes, this.deps.hits.book.closeEvent(ev.id, closing));
      await this.deps.hits.repo.applyClosingLine(ev.id, rows).catch((err) => {
        this.deps.log.error({ err, event: ev.id }, 'storing the closing line failed');
      });
      if (rows.length > 0 && this.deps.onClosingLine) {
        await Promise.resolve(this.deps.onClosingLine(ev.id)).catch((err) => {
          this.deps.log.error({ err, event: ev.id }, 'filling the CLV of bets failed');
        });
      }
      this.lastPricedAt.delete(ev.id);
      this.ingestedAt.delete(ev.id);
    }
    this.removeEvents(started.map((e) => e.id));
  }

  /**
   * What the engine must merge of a fetched event: nothing when it is the very object fetched
   * last time, only the bookmakers that are new objects when the event is otherwise the same,
   * the whole event when the engine does not hold it or its teams or start moved.
   */
  private delta(ev: OddsEvent): OddsEvent | null {
    const prev = this.lastFetched.get(ev.id);
    this.lastFetched.set(ev.id, ev);
    if (!prev || !this.engine.event(ev.id)) return ev;
    if (prev === ev) return null;
    if (
      prev.commence_time !== ev.commence_time ||
      prev.home_team !== ev.home_team ||
      prev.away_team !== ev.away_team ||
      prev.sport_key !== ev.sport_key ||
      prev.sport_title !== ev.sport_title
    )
      return ev;
    const before = prev.bookmakers ?? [];
    const books = (ev.bookmakers ?? []).filter((bm, i) => before[i] !== bm);
    return books.length === 0 ? null : { ...ev, bookmakers: books };
  }

  /** Events leave the engine and the scanner's per-event memory. */
  private removeEvents(ids: string[]): void {
    if (ids.length === 0) return;
    this.engine.remove(ids);
    for (const id of ids) {
      this.lastFetched.delete(id);
      this.linePrices.delete(id);
      this.knownEvents.delete(id);
    }
  }

  /**
   * Stores new events and the price changes (only changes) of the events that changed, from the
   * objects just merged into the engine (`events`; for a provider fetch, only its new bookmaker
   * objects). All of it in two statements.
   */
  private async recordOdds(events: OddsEvent[], changedIds: string[], now: number): Promise<void> {
    if (changedIds.length === 0) return;
    const changedSet = new Set(changedIds);
    const repo = this.deps.hits.repo;
    const nowIso = new Date(now).toISOString();
    try {
      // After a restart the memory is empty: start from the last stored prices.
      const fresh = changedIds.filter((id) => !this.knownEvents.has(id) && this.engine.event(id));
      for (const p of await repo.lastPrices(fresh)) {
        this.linesOf(p.event_id).set(`${p.market}|${p.outcome}|${p.point}|${p.book}`, p.price);
      }
      const rows: EventRow[] = [];
      const history: LinePrice[] = [];
      for (const ev of events) {
        const id = ev.id;
        if (!changedSet.has(id)) continue;
        const stored = this.engine.event(id);
        if (!stored) continue;
        const meta = `${stored.sport_key}|${stored.home_team}|${stored.away_team}|${stored.commence_time}`;
        if (this.knownEvents.get(id) !== meta) {
          this.knownEvents.set(id, meta);
          rows.push({
            id,
            sport: stored.sport_key,
            home_team: stored.home_team,
            away_team: stored.away_team,
            commence_time: stored.commence_time,
          });
        }
        const lines = this.linesOf(id);
        for (const bm of ev.bookmakers ?? []) {
          for (const mk of bm.markets ?? []) {
            if (this.recordedMarkets.has(mk)) continue;
            this.recordedMarkets.add(mk);
            const at = mk.last_update ?? bm.last_update ?? nowIso;
            for (const o of mk.outcomes ?? []) {
              const point = o.point === null || o.point === undefined ? '' : String(o.point);
              const key = `${mk.key}|${o.name}|${point}|${bm.key}`;
              if (lines.get(key) === o.price) continue;
              lines.set(key, o.price);
              history.push({
                event_id: id,
                market: mk.key,
                outcome: o.name,
                point,
                book: bm.key,
                price: o.price,
                at,
              });
            }
          }
        }
      }
      await repo.upsertEvents(rows);
      await repo.insertLineHistory(history);
    } catch (err) {
      this.deps.log.error({ err }, 'storing odds failed');
    }
  }

  private linesOf(eventId: string): Map<string, number> {
    let lines = this.linePrices.get(eventId);
    if (!lines) {
      lines = new Map();
      this.linePrices.set(eventId, lines);
    }
    return lines;
  }

  private async expireBotHits(): Promise<void> {
    await this.deps.hits.commit(this.deps.hits.book.expire());
  }

  /** Closes bot hits past their TTL (and hits of started events) now; run on a timer. */
  expireNow(): Promise<void> {
    return this.exclusive(() => this.expireBotHits());
  }

  /** `POST /api/ingest/odds`: merged like provider odds and priced at once for the touched events. */
  ingestOdds(events: OddsEvent[]): Promise<IngestOddsResult> {
    return this.exclusive(async () => {
      const now = this.deps.now();
      await this.refreshSettings();
      const merged = this.deps.odds.merge ? await this.deps.odds.merge(events) : events;
      const changed = this.engine.upsert(merged);
      for (const ev of events) {
        this.ingestedAt.set(ev.id, now);
        // The engine now holds books the provider did not send: next cycle merges its whole event.
        this.lastFetched.delete(ev.id);
      }
      const observations: HitObservation[] = [];
      for (const id of changed) {
        for (const h of this.engine.priceEvent(id, now)) observations.push(observationFromEngine(h));
      }
      const changes = this.deps.hits.book.applyEngine(observations, { eventIds: new Set(changed) });
      await this.recordOdds(merged, changed, now);
      await this.deps.hits.commit(changes);
      const sports = new Set(events.map((e) => e.sport_key));
      for (const sport of sports) {
        this.deps.pubsub.publish(`odds:${sport}`, 'odds.updated', {
          sport,
          events: events.filter((e) => e.sport_key === sport).length,
          changed: changed.length,
          at: new Date(now).toISOString(),
        });
      }
      return {
        events: events.length,
        events_changed: changed.length,
        hits_new: changes.new.length,
        hits_updated: changes.updated.length,
        hits_closed: changes.closed.length,
        hits_reopened: changes.reopened.length,
      };
    });
  }

  /** `POST /api/ingest/hits`: the server derives id, ev and kelly; they close after `ttlSeconds`. */
  ingestHits(inputs: BotHitInput[], ttlSeconds: number) {
    return this.exclusive(async () => {
      const now = this.deps.now();
      const settings = await this.refreshSettings();
      const expiresAt = now + ttlSeconds * 1000;
      const byId = new Map<string, HitObservation>();
      for (const h of inputs) {
        const point = h.point ?? null;
        const ev = h.fair_probability * h.price - 1;
        const kelly = Math.max(0, ev / (h.price - 1));
        const id = hitId(h.event_id, h.market, h.outcome, point, h.book);
        byId.set(id, {
          id,
          event_id: h.event_id,
          sport: h.sport,
          home_team: h.home_team,
          away_team: h.away_team,
          commence_time: h.commence_time,
          market: h.market,
          outcome: h.outcome,
          point,
          book: h.book,
          price: h.price,
          fair_probability: h.fair_probability,
          fair_odds: 1 / h.fair_probability,
          ev,
          kelly,
          suspect: ev > settings.suspect_ev,
          source: 'bot',
          expires_at: expiresAt,
          explain: {
            source: 'bot',
            fair_probability: h.fair_probability,
            price: h.price,
            ev_formula: 'p × price − 1',
            kelly_formula: '(p × price − 1) / (price − 1)',
          },
        });
      }
      const changes = this.deps.hits.book.applyBot([...byId.values()]);
      await this.deps.hits.commit(changes);
      // A refreshed TTL must reach the database too (without being published as a change).
      const published = new Set(changedRecords(changes));
      const refreshed = [...byId.keys()]
        .map((id) => this.deps.hits.book.get(id))
        .filter((r): r is NonNullable<typeof r> => r !== undefined && !published.has(r));
      await this.deps.hits.persist(refreshed);
      return {
        hits: byId.size,
        hits_new: changes.new.length,
        hits_updated: changes.updated.length,
        hits_reopened: changes.reopened.length,
        expires_at: new Date(expiresAt).toISOString(),
      };
    });
  }
}

function merge(into: HitChanges, from: HitChanges): void {
  into.new.push(...from.new);
  into.updated.push(...from.updated);
  into.closed.push(...from.closed);
  into.reopened.push(...from.reopened);
  into.clv.push(...from.clv);
}
