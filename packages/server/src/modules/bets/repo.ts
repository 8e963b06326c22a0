import { and, desc, eq, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import { bets } from '../../infra/db/schema';

export type BetRow = typeof bets.$inferSelect;
export type BetInsert = typeof bets.$inferInsert;

export interface BetListFilter {
  status?: 'open' | 'settled';
  result?: string;
  sport?: string;
  book?: string;
  limit: number;
  /** Ids below this one (the list is newest id first). */
  before?: number;
}

function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Every read and write is scoped by user id: another user's bet is never found. */
export class BetRepo {
  constructor(private readonly db: Db) {}

  async insert(row: BetInsert): Promise<BetRow> {
    const [created] = await this.db.insert(bets).values(row).returning();
    return created!;
  }

  async byId(userId: number, id: number): Promise<BetRow | undefined> {
    const [row] = await this.db
      .select()
      .from(bets)
      .where(and(eq(bets.userId, userId), eq(bets.id, id)));
    return row;
  }

  async update(userId: number, id: number, patch: Partial<BetInsert>): Promise<BetRow | undefined> {
    const [row] = await this.db
      .update(bets)
      .set(patch)
      .where(and(eq(bets.userId, userId), eq(bets.id, id)))
      .returning();
    return row;
  }

  async delete(userId: number, id: number): Promise<boolean> {
    const rows = await this.db
      .delete(bets)
      .where(and(eq(bets.userId, userId), eq(bets.id, id)))
      .returning({ id: bets.id });
    return rows.length > 0;
  }

  async list(userId: number, f: BetListFilter): Promise<BetRow[]> {
    const where: SQL[] = [eq(bets.userId, userId)];
    if (f.status === 'open') where.push(isNull(bets.result));
    if (f.status === 'settled') where.push(isNotNull(bets.result));
    if (f.result) where.push(eq(bets.result, f.result as NonNullable<BetRow['result']>));
    if (f.sport) where.push(eq(bets.sport, f.sport));
    if (f.book) where.push(eq(bets.book, f.book));
    if (f.before !== undefined) where.push(lt(bets.id, f.before));
    return this.db
      .select()
      .from(bets)
      .where(and(...where))
      .orderBy(desc(bets.id))
      .limit(f.limit);
  }

  async all(userId: number): Promise<BetRow[]> {
    return this.db.select().from(bets).where(eq(bets.userId, userId)).orderBy(desc(bets.id));
  }

  async eventKnown(eventId: string): Promise<boolean> {
    const result = await this.db.execute(
      sql`select 1 from events where id = ${eventId} union all select 1 from ev_hits where event_id = ${eventId} limit 1`,
    );
    return rowsOf(result).length > 0;
  }

  /**
   * Fills closing_fair_odds and clv (= price / closing fair odds − 1, as for hits) of every bet
   * still without them whose line has a stored closing line; `eventId` limits it to one event.
   * Returns how many bets were filled.
   */
  async fillClosing(eventId?: string): Promise<number> {
    const only = eventId === undefined ? sql`` : sql`and b.event_id = ${eventId}`;
    const result = await this.db.execute(sql`
      update bets b set closing_fair_odds = c.fair_odds, clv = b.price / c.fair_odds - 1, updated_at = now()
      from closing_lines c
      where b.closing_fair_odds is null and b.event_id = c.event_id and b.market = c.market
        and b.outcome = c.outcome and b.point is not distinct from nullif(c.point, '')::float8 ${only}
      returning b.id`);
    return rowsOf(result).length;
  }
}
