import { and, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import {
  alertDeliveries,
  alertEmailSends,
  alertFirings,
  alertRules,
  passwordResets,
  users,
} from '../../infra/db/schema';

export type RuleRow = typeof alertRules.$inferSelect;
export type DeliveryRow = typeof alertDeliveries.$inferSelect;
export type Channel = DeliveryRow['channel'];

/** The SQL of the alerts module. Every rule read and write is scoped by its owner. */
export class AlertRepo {
  constructor(private readonly db: Db) {}

  async listRules(userId: number): Promise<RuleRow[]> {
    return this.db.select().from(alertRules).where(eq(alertRules.userId, userId)).orderBy(alertRules.id);
  }

  async enabledRules(): Promise<RuleRow[]> {
    return this.db.select().from(alertRules).where(eq(alertRules.enabled, true));
  }

  async getRule(userId: number, id: number): Promise<RuleRow | undefined> {
    const [row] = await this.db
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.id, id), eq(alertRules.userId, userId)));
    return row;
  }

  async insertRule(values: typeof alertRules.$inferInsert): Promise<RuleRow> {
    const [row] = await this.db.insert(alertRules).values(values).returning();
    return row;
  }

  async updateRule(userId: number, id: number, set: Partial<typeof alertRules.$inferInsert>) {
    const [row] = await this.db
      .update(alertRules)
      .set(set)
      .where(and(eq(alertRules.id, id), eq(alertRules.userId, userId)))
      .returning();
    return row;
  }

  async deleteRule(userId: number, id: number): Promise<boolean> {
    const rows = await this.db
      .delete(alertRules)
      .where(and(eq(alertRules.id, id), eq(alertRules.userId, userId)))
      .returning({ id: alertRules.id });
    return rows.length > 0;
  }

  /** Claims the (rule, hit, opening) key; undefined when another instance or cycle already has it. */
  async claimFiring(ruleId: number, hitId: string, opening: string, hit: unknown, at: Date) {
    const [row] = await this.db
      .insert(alertFirings)
      .values({ ruleId, hitId, opening, hit, createdAt: at })
      .onConflictDoNothing()
      .returning({ id: alertFirings.id });
    return row?.id;
  }

  /**
   * Starts the rule's quiet period if it is not in one: true when this firing may deliver.
   * One statement, so two instances firing the same rule at once cannot both pass.
   */
  async enterQuiet(ruleId: number, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(alertRules)
      .set({ lastFiredAt: at })
      .where(
        and(
          eq(alertRules.id, ruleId),
          or(
            isNull(alertRules.lastFiredAt),
            lte(
              alertRules.lastFiredAt,
              sql`${at.toISOString()}::timestamptz - make_interval(secs => ${alertRules.quietSeconds})`,
            ),
          ),
        ),
      )
      .returning({ id: alertRules.id });
    return rows.length > 0;
  }

  async insertDeliveries(rows: Array<typeof alertDeliveries.$inferInsert>): Promise<DeliveryRow[]> {
    if (rows.length === 0) return [];
    return this.db.insert(alertDeliveries).values(rows).onConflictDoNothing().returning();
  }

  async updateDelivery(id: number, set: Partial<typeof alertDeliveries.$inferInsert>): Promise<void> {
    await this.db.update(alertDeliveries).set(set).where(eq(alertDeliveries.id, id));
  }

  /**
   * Takes a due pending delivery for this instance: moves its next attempt out by `leaseMs`
   * only if nobody else did first (compare-and-set on next_attempt_at).
   */
  async claimDue(now: Date, leaseMs: number, limit = 20): Promise<DeliveryRow[]> {
    const due = await this.db
      .select()
      .from(alertDeliveries)
      .where(and(eq(alertDeliveries.status, 'pending'), lte(alertDeliveries.nextAttemptAt, now)))
      .orderBy(alertDeliveries.nextAttemptAt)
      .limit(limit);
    const claimed: DeliveryRow[] = [];
    for (const d of due) {
      const lease = new Date(now.getTime() + leaseMs);
      const rows = await this.db
        .update(alertDeliveries)
        .set({ nextAttemptAt: lease })
        .where(
          and(
            eq(alertDeliveries.id, d.id),
            eq(alertDeliveries.status, 'pending'),
            eq(alertDeliveries.nextAttemptAt, d.nextAttemptAt!),
          ),
        )
        .returning();
      if (rows[0]) claimed.push(rows[0]);
    }
    return claimed;
  }

  async firingHit(firingId: number): Promise<unknown> {
    const [row] = await this.db
      .select({ hit: alertFirings.hit })
      .from(alertFirings)
      .where(eq(alertFirings.id, firingId));
    return row?.hit;
  }

  async ruleById(id: number): Promise<RuleRow | undefined> {
    const [row] = await this.db.select().from(alertRules).where(eq(alertRules.id, id));
    return row;
  }

  async listDeliveries(userId: number, limit: number, ruleId?: number): Promise<DeliveryRow[]> {
    const where = ruleId
      ? and(eq(alertDeliveries.userId, userId), eq(alertDeliveries.ruleId, ruleId))
      : eq(alertDeliveries.userId, userId);
    return this.db.select().from(alertDeliveries).where(where).orderBy(desc(alertDeliveries.id)).limit(limit);
  }

  /** Alert e-mails sent to a user since `since` (the hourly cap). */
  async emailsSentSince(userId: number, since: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(alertEmailSends)
      .where(and(eq(alertEmailSends.userId, userId), gte(alertEmailSends.sentAt, since)));
    return Number(row?.n ?? 0);
  }

  async recordEmailSent(userId: number, at: Date): Promise<void> {
    await this.db.insert(alertEmailSends).values({ userId, sentAt: at });
  }

  async user(userId: number) {
    const [row] = await this.db
      .select({ id: users.id, email: users.email, verified: users.emailVerifiedAt, active: users.isActive })
      .from(users)
      .where(eq(users.id, userId));
    return row;
  }

  async markEmailVerified(userId: number, email: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(users)
      .set({ emailVerifiedAt: at })
      .where(and(eq(users.id, userId), sql`lower(${users.email}) = lower(${email})`))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  async userByVerifiedEmail(email: string) {
    const [row] = await this.db
      .select()
      .from(users)
      .where(and(sql`lower(${users.email}) = lower(${email})`, eq(users.isActive, true)));
    return row && row.emailVerifiedAt ? row : undefined;
  }

  async insertReset(userId: number, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.insert(passwordResets).values({ userId, tokenHash, expiresAt });
  }

  async peekReset(tokenHash: string, now: Date): Promise<number | undefined> {
    const [row] = await this.db
      .select({ userId: passwordResets.userId })
      .from(passwordResets)
      .where(
        and(
          eq(passwordResets.tokenHash, tokenHash),
          isNull(passwordResets.usedAt),
          gte(passwordResets.expiresAt, now),
        ),
      );
    return row?.userId;
  }

  /** Uses a reset token once: the user id when it was unused and unexpired. */
  async consumeReset(tokenHash: string, now: Date): Promise<number | undefined> {
    const [row] = await this.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.tokenHash, tokenHash),
          isNull(passwordResets.usedAt),
          gte(passwordResets.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResets.userId });
    return row?.userId;
  }
}
