import { and, asc, desc, eq, gte, ilike, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import { events, evHits, lineHistory } from '../../infra/db/schema';
import { HISTOGRAM_SQL_EDGES, histogramOf } from './histogram';
import type { HitRecord, WireHit } from './hit';
import { evPercent } from './hit';
import type { CursorKey, HitQuery } from './query';

/**
 * SQL for hits, line history, closing lines and events. Writes are one statement per batch:
 * the rows travel as one JSON parameter expanded by `json_to_recordset`, which keeps the
 * statement small and the same on PGlite and node-postgres whatever the row count.
 */

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const isoOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();

export interface LinePrice {
  event_id: string;
  market: string;
  outcome: string;
  /** '' when the outcome has no point. */
  point: string;
  book: string;
  price: number;
  at: string;
}

export interface EventRow {
  id: string;
  sport: string;
  home_team: string;
  away_team: string;
  commence_time: string;
}

export interface ClosingLineRow {
  event_id: string;
  market: string;
  outcome: string;
  point: string;
  fair_odds: number;
  fair_probability: number;
  at: string;
}

export class HitRepo {
  constructor(private readonly db: Db) {}

  /** Inserts or updates hits; the database keeps the earliest first_seen_at and the best EV. */
  async upsertHits(records: HitRecord[], explainOf: (r: HitRecord) => unknown): Promise<void> {
    for (let i = 0; i < records.length; i += 2_000) {
      const rows = records.slice(i, i + 2_000).map((r) => {
        const h = r.hit;
        return {
          id: h.id,
          event_id: h.event_id,
          sport: h.sport,
          home_team: h.home_team,
          away_team: h.away_team,
          commence_time: h.commence_time,
          market: h.market,
          outcome: h.outcome,
          point: h.point,
          book: h.book,
          price: h.price,
          fair_odds: h.fair_odds,
          fair_probability: h.fair_probability,
          ev: h.ev,
          kelly: h.kelly,
          suspect: h.suspect,
          source: h.source,
          status: h.status,
          first_seen_at: h.first_seen_at,
          last_seen_at: h.last_seen_at,
          closed_at: h.closed_at,
          best_ev: h.best_ev,
          closing_fair_odds: h.closing_fair_odds,
          clv: h.clv,
          expires_at: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
          explain: explainOf(r) ?? null,
        };
      });
      await this.db.execute(sql`
        insert into ev_hits (id, event_id, sport, home_team, away_team, commence_time, market, outcome, point,
          book, price, fair_odds, fair_probability, ev, kelly, suspect, source, status, first_seen_at, last_seen_at,
          closed_at, best_ev, closing_fair_odds, clv, expires_at, explain)
        select id, event_id, sport, home_team, away_team, commence_time, market, outcome, point,
          book, price, fair_odds, fair_probability, ev, kelly, suspect, source, status, first_seen_at, last_seen_at,
          closed_at, best_ev, closing_fair_odds, clv, expires_at, explain
        from json_to_recordset(${JSON.stringify(rows)}::json) as x(id text, event_id text, sport text,
          home_team text, away_team text, commence_time timestamptz, market text, outcome text, point float8,
          book text, price float8, fair_odds float8, fair_probability float8, ev float8, kelly float8,
          suspect boolean, source text, status text, first_seen_at timestamptz, last_seen_at timestamptz,
          closed_at timestamptz, best_ev float8, closing_fair_odds float8, clv float8, expires_at timestamptz,
          explain jsonb)
        on conflict (id) do update set
          event_id = excluded.event_id, sport = excluded.sport, home_team = excluded.home_team,
          away_team = excluded.away_team, commence_time = excluded.commence_time, price = excluded.price,
          fair_odds = excluded.fair_odds, fair_probability = excluded.fair_probability, ev = excluded.ev,
          kelly = excluded.kelly, suspect = excluded.suspect, source = excluded.source, status = excluded.status,
          first_seen_at = least(ev_hits.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(ev_hits.last_seen_at, excluded.last_seen_at),
          closed_at = excluded.closed_at, best_ev = greatest(ev_hits.best_ev, excluded.best_ev),
          closing_fair_odds = coalesce(excluded.closing_fair_odds, ev_hits.closing_fair_odds),
          clv = coalesce(excluded.clv, ev_hits.clv), expires_at = excluded.expires_at,
          explain = coalesce(excluded.explain, ev_hits.explain)`);
    }
  }

  /** Moves stored last_seen_at forward (never back), one statement for all the rows. */
  async touchLastSeen(rows: { id: string; last_seen_at: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.execute(sql`
      update ev_hits h set last_seen_at = greatest(h.last_seen_at, x.last_seen_at)
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(id text, last_seen_at timestamptz)
      where h.id = x.id`);
  }

  /** Active hits, and those closed after `closedSince` (ms), for the HitBook at start-up. */
  async loadForBook(closedSince: number, limit = 100_000): Promise<HitRecord[]> {
    const rows = await this.db
      .select()
      .from(evHits)
      .where(or(eq(evHits.status, 'active'), gte(evHits.closedAt, new Date(closedSince))))
      .limit(limit);
    return rows.map((row) => ({
      hit: wireFromRow(row),
      explain: row.explain ?? null,
      commenceMs: row.commenceTime.getTime(),
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    }));
  }

  async getHit(id: string): Promise<{ hit: WireHit; explain: unknown } | undefined> {
    const [row] = await this.db.select().from(evHits).where(eq(evHits.id, id)).limit(1);
    return row ? { hit: wireFromRow(row), explain: row.explain ?? null } : undefined;
  }

  /** One page of hits matching the query, in its sort order, after its cursor. */
  async page(query: HitQuery, now: number, limit: number, after?: CursorKey): Promise<WireHit[]> {
    const column = sortColumn(query.sort.field);
    const where = filterSql(query, now);
    if (after) {
      const numeric = query.sort.field === 'ev' || query.sort.field === 'price';
      const v = numeric
        ? sql`${Number(after.value)}::double precision`
        : sql`${new Date(after.value).toISOString()}::timestamptz`;
      // Row comparison (col, id) > (v, id): the id breaks ties in the sort's direction.
      // Written as a row-value comparison so PostgreSQL walks the (column, id) index.
      where.push(
        query.sort.desc
          ? sql`(${column}, ${evHits.id}) < (${v}, ${after.id})`
          : sql`(${column}, ${evHits.id}) > (${v}, ${after.id})`,
      );
    }
    const dir = query.sort.desc ? desc : asc;
    const rows = await this.db
      .select()
      .from(evHits)
      .where(and(...where))
      .orderBy(dir(column), dir(evHits.id))
      .limit(limit);
    return rows.map(wireFromRow);
  }

  async summary(query: HitQuery, now: number) {
    const where = and(...filterSql(query, now));
    const [totals] = await this.db
      .select({
        n: sql<number>`count(*)::int`,
        top: sql<number | null>`max(${evHits.ev})`,
        mean: sql<number | null>`avg(${evHits.ev})`,
      })
      .from(evHits)
      .where(where);
    const group = async (col: typeof evHits.sport | typeof evHits.book | typeof evHits.market) => {
      const rows = await this.db
        .select({ k: col, n: sql<number>`count(*)::int` })
        .from(evHits)
        .where(where)
        .groupBy(col);
      return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
    };
    const binRows = await this.db
      .select({
        b: sql<number>`width_bucket(${evHits.ev}, ${sql.raw(HISTOGRAM_SQL_EDGES)})`,
        n: sql<number>`count(*)::int`,
      })
      .from(evHits)
      .where(where)
      .groupBy(sql`1`);
    const bins: number[] = [];
    for (const r of binRows) bins[Number(r.b)] = Number(r.n);
    return {
      total_hits: Number(totals?.n ?? 0),
      ev_histogram: histogramOf(bins),
      top_ev: totals?.top === null || totals?.top === undefined ? null : Number(totals.top),
      mean_ev: totals?.mean === null || totals?.mean === undefined ? null : Number(totals.mean),
      by_sport: await group(evHits.sport),
      by_book: await group(evHits.book),
      by_market: await group(evHits.market),
    };
  }

  /** Sets closing fair odds and CLV on every stored hit of the event (closed long ago included). */
  async applyClosingLine(eventId: string, lines: ClosingLineRow[]): Promise<void> {
    if (lines.length === 0) return;
    const json = JSON.stringify(lines);
    await this.db.execute(sql`
      insert into closing_lines (event_id, market, outcome, point, fair_odds, fair_probability, at)
      select event_id, market, outcome, point, fair_odds, fair_probability, at
      from json_to_recordset(${json}::json) as x(event_id text, market text, outcome text, point text,
        fair_odds float8, fair_probability float8, at timestamptz)
      on conflict (event_id, market, outcome, point) do update set fair_odds = excluded.fair_odds,
        fair_probability = excluded.fair_probability, at = excluded.at`);
    await this.db.execute(sql`
      update ev_hits h set closing_fair_odds = x.fair_odds, clv = h.price / x.fair_odds - 1
      from json_to_recordset(${json}::json) as x(market text, outcome text, point text, fair_odds float8)
      where h.event_id = ${eventId} and h.market = x.market and h.outcome = x.outcome
        and h.point is not distinct from nullif(x.point, '')::float8`);
  }

  async insertLineHistory(rows: LinePrice[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 20_000) {
      await this.db.execute(sql`
        insert into line_history (event_id, market, outcome, point, book, price, at)
        select event_id, market, outcome, point, book, price, at
        from json_to_recordset(${JSON.stringify(rows.slice(i, i + 20_000))}::json) as x(event_id text,
          market text, outcome text, point text, book text, price float8, at timestamptz)`);
    }
  }

  /** The last stored price of every line of these events (to store changes only after a restart). */
  async lastPrices(eventIds: string[]): Promise<LinePrice[]> {
    if (eventIds.length === 0) return [];
    const result = await this.db.execute(sql`
      select distinct on (event_id, market, outcome, point, book) event_id, market, outcome, point, book, price, at
      from line_history where event_id in (select json_array_elements_text(${JSON.stringify(eventIds)}::json))
      order by event_id, market, outcome, point, book, at desc`);
    return rowsOf<LinePrice>(result).map((r) => ({ ...r, price: Number(r.price) }));
  }

  async upsertEvents(rows: EventRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.execute(sql`
      insert into events (id, sport, home_team, away_team, commence_time, updated_at)
      select id, sport, home_team, away_team, commence_time, now()
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(id text, sport text, home_team text,
        away_team text, commence_time timestamptz)
      on conflict (id) do update set sport = excluded.sport, home_team = excluded.home_team,
        away_team = excluded.away_team, commence_time = excluded.commence_time, updated_at = now()`);
  }

  async oddsHistory(q: { event_id: string; market: string; outcome: string; point?: number; book?: string }) {
    const conds: SQL[] = [
      eq(lineHistory.eventId, q.event_id),
      eq(lineHistory.market, q.market),
      eq(lineHistory.outcome, q.outcome),
      eq(lineHistory.point, q.point === undefined ? '' : String(q.point)),
    ];
    if (q.book) conds.push(eq(lineHistory.book, q.book));
    const rows = await this.db
      .select({ at: lineHistory.at, book: lineHistory.book, price: lineHistory.price })
      .from(lineHistory)
      .where(and(...conds))
      .orderBy(asc(lineHistory.at), asc(lineHistory.id))
      .limit(10_000);
    return rows.map((r) => ({ at: r.at.toISOString(), book: r.book, price: r.price }));
  }

  /** Every recorded price of one market of an event (all outcomes, lines and books), oldest first. */
  async marketHistory(eventId: string, market: string) {
    const rows = await this.db
      .select({
        outcome: lineHistory.outcome,
        point: lineHistory.point,
        book: lineHistory.book,
        price: lineHistory.price,
        at: lineHistory.at,
      })
      .from(lineHistory)
      .where(and(eq(lineHistory.eventId, eventId), eq(lineHistory.market, market)))
      .orderBy(asc(lineHistory.at), asc(lineHistory.id))
      .limit(50_000);
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }

  async eventMeta(id: string) {
    const [r] = await this.db.select().from(events).where(eq(events.id, id)).limit(1);
    return r
      ? {
          id: r.id,
          sport: r.sport,
          home_team: r.homeTeam,
          away_team: r.awayTeam,
          commence_time: r.commenceTime.toISOString(),
        }
      : undefined;
  }
}

function sortColumn(field: HitQuery['sort']['field']) {
  switch (field) {
    case 'ev':
      return evHits.ev;
    case 'price':
      return evHits.price;
    case 'commence_time':
      return evHits.commenceTime;
    case 'first_seen_at':
      return evHits.firstSeenAt;
    case 'closed_at':
      return evHits.closedAt;
  }
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The SQL form of the filters (the in-memory form is `matches` in query.ts; keep them in step). */
function filterSql(q: HitQuery, now: number): SQL[] {
  const w: SQL[] = [];
  if (q.status !== 'all') w.push(eq(evHits.status, q.status));
  if (q.sport) w.push(inArray(evHits.sport, q.sport));
  if (q.market) w.push(inArray(evHits.market, q.market));
  if (q.book) w.push(inArray(evHits.book, q.book));
  if (q.minEv !== undefined) w.push(gte(evHits.ev, q.minEv));
  if (q.maxEv !== undefined) w.push(lte(evHits.ev, q.maxEv));
  if (q.minOdds !== undefined) w.push(gte(evHits.price, q.minOdds));
  if (q.maxOdds !== undefined) w.push(lte(evHits.price, q.maxOdds));
  if (q.startsWithin !== undefined) w.push(lte(evHits.commenceTime, new Date(now + q.startsWithin * 60_000)));
  if (!q.includeSuspect) w.push(eq(evHits.suspect, false));
  if (q.q) w.push(or(ilike(evHits.homeTeam, likePattern(q.q)), ilike(evHits.awayTeam, likePattern(q.q)))!);
  if (q.from !== undefined) w.push(gte(evHits.closedAt, new Date(q.from)));
  if (q.to !== undefined) w.push(lt(evHits.closedAt, new Date(q.to)));
  return w;
}

type HitRow = typeof evHits.$inferSelect;

export function wireFromRow(r: HitRow): WireHit {
  return {
    id: r.id,
    event_id: r.eventId,
    event: `${r.awayTeam} @ ${r.homeTeam}`,
    home_team: r.homeTeam,
    away_team: r.awayTeam,
    sport: r.sport,
    commence_time: r.commenceTime.toISOString(),
    market: r.market,
    outcome: r.outcome,
    point: r.point,
    book: r.book,
    price: r.price,
    fair_odds: r.fairOdds,
    fair_probability: r.fairProbability,
    ev: r.ev,
    ev_percent: evPercent(r.ev),
    kelly: r.kelly,
    suspect: r.suspect,
    source: r.source,
    status: r.status,
    first_seen_at: r.firstSeenAt.toISOString(),
    last_seen_at: r.lastSeenAt.toISOString(),
    closed_at: isoOrNull(r.closedAt),
    best_ev: r.bestEv,
    closing_fair_odds: r.closingFairOdds,
    clv: r.clv,
  };
}
