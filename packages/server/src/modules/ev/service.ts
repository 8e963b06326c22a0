import { once } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { EV_HISTOGRAM_EDGES } from '@evision/contract';
import { stringify } from 'csv-stringify';
import type { PubSub } from '../../infra/pubsub';
import { evBin, histogramOf } from './histogram';
import type { HitRecord, WireHit } from './hit';
import { changedRecords, type HitBook, type HitChanges } from './hit-book';
import {
  afterCursor,
  encodeCursor,
  type HitQuery,
  matches,
  parseHitQuery,
  sortHits,
  withDisplay,
} from './query';
import type { HitRepo } from './repo';

/** A serialized answer, reused until the hit set changes. */
interface CachedBody {
  version: number;
  body: Buffer;
  gzip?: Buffer;
}

const LIST_CACHE_SIZE = 256;
/**
 * An active hit's `last_seen_at` moves every cycle in memory (what the API serves); the database
 * gets it with every other change of the hit, and otherwise at most this late (one statement for
 * the hits due). Closing a hit writes the whole row, so closed hits are exact.
 */
export const LAST_SEEN_FLUSH_MS = 60_000;
const EXPORT_BATCH = 1_000;

/** CSV columns of an export, in order (the hit fields of ARCHITECTURE §6). */
export const EXPORT_COLUMNS = [
  'id',
  'event_id',
  'event',
  'home_team',
  'away_team',
  'sport',
  'commence_time',
  'market',
  'outcome',
  'point',
  'book',
  'price',
  'fair_odds',
  'fair_probability',
  'ev',
  'ev_percent',
  'kelly',
  'suspect',
  'source',
  'status',
  'first_seen_at',
  'last_seen_at',
  'closed_at',
  'best_ev',
  'closing_fair_odds',
  'clv',
] as const;

/**
 * `ctx.hits`: the HitBook plus what surrounds it — persisting and publishing its changes,
 * the cached reads of the HTTP API, history from the database, and export.
 */
export class HitService {
  private readonly listCache = new Map<string, CachedBody>();
  private writes: Promise<unknown> = Promise.resolve();
  /** last_seen_at (ms) as stored, per active hit this instance writes. */
  private readonly storedSeen = new Map<string, number>();

  constructor(
    readonly book: HitBook,
    readonly repo: HitRepo,
    private readonly pubsub: PubSub,
    private readonly now: () => number,
    private readonly log: { error(obj: unknown, msg?: string): void },
  ) {}

  /** Restores the HitBook from the database (active hits and those closed in the last 6 h). */
  async load(): Promise<void> {
    const records = await this.repo.loadForBook(this.now() - 6 * 3600_000);
    this.book.load(records);
    this.stored(records);
  }

  /**
   * Persists a change set — only the hits that changed (price, EV, status, CLV…), one batched
   * statement, plus the `last_seen_at` of active hits whose stored one is due
   * (`LAST_SEEN_FLUSH_MS`) — then publishes it. Writes are serialized.
   */
  async commit(changes: HitChanges): Promise<void> {
    const records = changedRecords(changes);
    const seen = this.dueLastSeen(new Set(records));
    if (records.length === 0 && seen.length === 0) return;
    // The explain is stored when a hit appears and when it closes; in between the detail
    // endpoint reads it from memory (building ~1,500 explains a cycle would dominate the write).
    const withExplain = new Set([...changes.new, ...changes.reopened, ...changes.closed]);
    const write = this.writes.then(async () => {
      if (records.length > 0) {
        await this.repo.upsertHits(records, (r) => (withExplain.has(r) ? this.explainFor(r) : null));
        this.stored(records);
      }
      if (seen.length > 0) {
        await this.repo.touchLastSeen(seen.map((r) => ({ id: r.hit.id, last_seen_at: r.hit.last_seen_at })));
        this.stored(seen);
      }
    });
    this.writes = write.catch(() => {});
    try {
      await write;
    } finally {
      // Publish even when the write failed: the in-memory state (what HTTP serves) changed.
      if (records.length > 0) this.publish(changes);
    }
  }

  /** Stores records without publishing them (a bot hit's refreshed TTL). */
  async persist(records: HitRecord[]): Promise<void> {
    if (records.length === 0) return;
    const write = this.writes.then(async () => {
      await this.repo.upsertHits(records, (r) => this.explainFor(r));
      this.stored(records);
    });
    this.writes = write.catch(() => {});
    await write;
  }

  /** Remembers what the database now holds of these records' last_seen_at. */
  private stored(records: HitRecord[]): void {
    for (const r of records) {
      if (r.hit.status === 'active') this.storedSeen.set(r.hit.id, Date.parse(r.hit.last_seen_at));
      else this.storedSeen.delete(r.hit.id);
    }
  }

  /** Active hits (own, not mirrored) whose stored last_seen_at lags memory by the flush interval. */
  private dueLastSeen(writing: Set<HitRecord>): HitRecord[] {
    const due: HitRecord[] = [];
    for (const h of this.book.active()) {
      const stored = this.storedSeen.get(h.id);
      if (stored === undefined || Date.parse(h.last_seen_at) - stored < LAST_SEEN_FLUSH_MS) continue;
      const r = this.book.get(h.id);
      if (r && !r.mirrored && !writing.has(r)) due.push(r);
    }
    return due;
  }

  private explainFor(r: HitRecord): unknown {
    return r.hit.status === 'active' ? this.book.explain(r.hit.id) : r.explain;
  }

  private publish(c: HitChanges): void {
    const send = (type: string, r: HitRecord) => {
      this.pubsub.publish('ev', type, r.hit);
      this.pubsub.publish(`ev:${r.hit.sport}`, type, r.hit);
    };
    for (const r of c.new) send('ev.hit.new', r);
    for (const r of c.reopened) send('ev.hit.new', r);
    for (const r of c.updated) send('ev.hit.updated', r);
    for (const r of c.closed) send('ev.hit.closed', r);
    const closed = new Set(c.closed);
    for (const r of c.clv) if (!closed.has(r)) send('ev.hit.updated', r);
  }

  /**
   * `GET /api/ev/hits`, serialized once per (hit-set version, query string) and served as bytes:
   * at 1,000 hits a per-request JSON.stringify would cost more than the rest of the request.
   * Active hits come from memory; closed/all from the database (not cached).
   */
  async listBody(
    rawQuery: string,
    query: unknown,
    gzip: boolean,
  ): Promise<{ body: Buffer; gzipped: boolean }> {
    const version = this.book.version;
    const cached = this.listCache.get(rawQuery);
    let entry: CachedBody;
    if (cached && cached.version === version) {
      entry = cached;
      this.listCache.delete(rawQuery);
      this.listCache.set(rawQuery, entry);
    } else {
      const q = parseHitQuery(query);
      const result = q.status === 'active' ? this.listActive(q) : await this.listFromDb(q);
      const body = Buffer.from(
        JSON.stringify({ ...result, last_updated: new Date(this.book.lastUpdated).toISOString() }),
      );
      entry = { version, body };
      if (q.status === 'active') {
        this.listCache.delete(rawQuery);
        this.listCache.set(rawQuery, entry);
        if (this.listCache.size > LIST_CACHE_SIZE)
          this.listCache.delete(this.listCache.keys().next().value as string);
      }
    }
    // Compressing 50 KB costs ~1 ms: do it once per cached answer, not per request.
    if (gzip && entry.body.length >= 2048) {
      entry.gzip ??= gzipSync(entry.body, { level: 6 });
      return { body: entry.gzip, gzipped: true };
    }
    return { body: entry.body, gzipped: false };
  }

  /** Active hits matching the query, sorted (ties by id). */
  filterActive(q: HitQuery): WireHit[] {
    const now = this.now();
    return sortHits(
      this.book.active().filter((h) => matches(h, q, now)),
      q.sort,
    );
  }

  private listActive(q: HitQuery) {
    const sorted = this.filterActive(q);
    const start = q.cursor ? afterCursor(sorted, q.sort, q.cursor) : 0;
    const page = sorted.slice(start, start + q.limit);
    const more = start + q.limit < sorted.length;
    return {
      hits: page.map((h) => withDisplay(h, q.oddsFormat)),
      next_cursor: more && page.length ? encodeCursor(q.sort.field, page[page.length - 1]) : null,
    };
  }

  private async listFromDb(q: HitQuery) {
    const rows = await this.repo.page(q, this.now(), q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    return {
      hits: page.map((h) => withDisplay(h, q.oddsFormat)),
      next_cursor: rows.length > q.limit ? encodeCursor(q.sort.field, page[page.length - 1]) : null,
    };
  }

  /** `GET /api/ev/history`: closed hits from the database, newest closed first by default. */
  async history(query: unknown) {
    const raw = { ...(query as Record<string, unknown>) };
    const q = parseHitQuery(raw, { sort: '-closed_at' });
    if (raw.status === undefined) q.status = 'closed';
    return this.listFromDb(q);
  }

  /** `GET /api/ev/summary`: totals over exactly what the same filters list. */
  async summary(query: unknown) {
    const q = parseHitQuery(query);
    const last_updated = new Date(this.book.lastUpdated).toISOString();
    if (q.status !== 'active') return { ...(await this.repo.summary(q, this.now())), last_updated };
    const hits = this.filterActive(q);
    const by_sport: Record<string, number> = {};
    const by_book: Record<string, number> = {};
    const by_market: Record<string, number> = {};
    let top: number | null = null;
    let sum = 0;
    const bins = new Array<number>(EV_HISTOGRAM_EDGES.length + 1).fill(0);
    for (const h of hits) {
      bins[evBin(h.ev)]++;
      by_sport[h.sport] = (by_sport[h.sport] ?? 0) + 1;
      by_book[h.book] = (by_book[h.book] ?? 0) + 1;
      by_market[h.market] = (by_market[h.market] ?? 0) + 1;
      if (top === null || h.ev > top) top = h.ev;
      sum += h.ev;
    }
    return {
      total_hits: hits.length,
      ev_histogram: histogramOf(bins),
      top_ev: top,
      mean_ev: hits.length ? sum / hits.length : null,
      by_sport,
      by_book,
      by_market,
      last_updated,
    };
  }

  /** A hit with its explain: memory first, then the database. */
  async detail(id: string): Promise<(WireHit & { explain: unknown }) | undefined> {
    const r = this.book.get(id);
    if (r) return { ...r.hit, explain: this.book.explain(id) ?? r.explain ?? null };
    const stored = await this.repo.getHit(id);
    return stored ? { ...stored.hit, explain: stored.explain } : undefined;
  }

  /**
   * Writes an export to `out` (ends it). Active-only exports come from memory; anything with
   * closed hits is read from the database in keyset pages of 1,000, so memory stays flat
   * whatever the row count. Backpressure is honoured on every write.
   */
  async exportTo(
    out: Writable,
    options: { format: 'csv' | 'json'; filters?: Record<string, unknown>; query?: HitQuery },
  ): Promise<void> {
    const q = options.query ?? parseHitQuery(options.filters ?? {});
    const rows = this.exportRows(q);
    if (options.format === 'json') {
      await writeJsonArray(out, rows, q.oddsFormat);
      return;
    }
    const columns: string[] = [...EXPORT_COLUMNS];
    if (q.oddsFormat) columns.push('price_display', 'fair_odds_display');
    const csv = stringify({
      header: true,
      columns,
      bom: true,
      record_delimiter: '\r\n',
      cast: {
        boolean: (v) => (v ? 'true' : 'false'),
        // Spreadsheet formula injection: a text cell starting with = + - @ (or tab/CR) is
        // prefixed with '. Only text cells: numbers (a negative clv, -0.05) stay numbers.
        string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v),
      },
    });
    // Every stream of the export has an 'error' listener: a failing database cursor or a
    // stringifier error ends this response (the caller destroys `out`), never the process.
    const piped = pipeline(csv, out);
    piped.catch(() => {}); // awaited below; a failure also destroys csv, which stops the loop
    try {
      for await (const h of rows) {
        if (csv.destroyed) break;
        if (!csv.write(withDisplay(h, q.oddsFormat))) await drained(csv);
      }
      csv.end();
      await piped;
    } catch (err) {
      csv.destroy();
      out.destroy(err as Error);
      throw err;
    }
  }

  /** The export as a stream (used by `evision export-hits`). Filter errors throw before it starts. */
  async export(options: { format: 'csv' | 'json'; filters?: Record<string, unknown> }): Promise<Readable> {
    const query = parseHitQuery({ ...options.filters, limit: undefined });
    const out = new PassThrough();
    this.exportTo(out, { format: options.format, query }).catch((err) => {
      this.log.error({ err }, 'export failed');
      out.destroy(err as Error);
    });
    return out;
  }

  private async *exportRows(q: HitQuery): AsyncGenerator<WireHit> {
    if (q.status === 'active') {
      yield* this.filterActive(q);
      return;
    }
    let after = undefined as HitQuery['cursor'];
    for (;;) {
      const page = await this.repo.page(q, this.now(), EXPORT_BATCH, after);
      yield* page;
      if (page.length < EXPORT_BATCH) return;
      const last = page[page.length - 1];
      after = { value: last[q.sort.field] as number | string, id: last.id };
    }
  }
}

async function writeJsonArray(out: Writable, rows: AsyncIterable<WireHit>, format: HitQuery['oddsFormat']) {
  const write = async (s: string) => {
    if (out.destroyed) throw new Error('export stream closed');
    if (!out.write(s)) await drained(out);
  };
  let first = true;
  await write('[');
  for await (const h of rows) {
    await write((first ? '\n' : ',\n') + JSON.stringify(withDisplay(h, format)));
    first = false;
  }
  await write(first ? ']\n' : '\n]\n');
  out.end();
}

/** Resolves on 'drain'; rejects when the stream errors or closes first (a client gone). */
async function drained(stream: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: ac.signal }),
      once(stream, 'close', { signal: ac.signal }).then(() => {
        throw new Error('export stream closed');
      }),
    ]);
  } finally {
    ac.abort();
  }
}
