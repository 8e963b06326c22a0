import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../infra/db/client';
import { recoveryCodes, userSettings, users } from '../../infra/db/schema';

export type UserRow = typeof users.$inferSelect;
export type UserSettingsRow = typeof userSettings.$inferSelect;

/** The SQL of the users module. */
export class UserRepo {
  constructor(private readonly db: Db) {}

  async byId(id: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  /** By username or e-mail, case-insensitively. */
  async byLogin(login: string): Promise<UserRow | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.username}) = lower(${login}) or lower(${users.email}) = lower(${login})`)
      .limit(1);
    return row;
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username})`)
      .limit(1);
    return row;
  }

  async taken(username: string, email: string): Promise<{ username: boolean; email: boolean }> {
    const rows = await this.db
      .select({ username: users.username, email: users.email })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username}) or lower(${users.email}) = lower(${email})`);
    return {
      username: rows.some((r) => r.username.toLowerCase() === username.toLowerCase()),
      email: rows.some((r) => r.email.toLowerCase() === email.toLowerCase()),
    };
  }

  async insert(
    values: { username: string; email: string; passwordHash: string; role: 'user' | 'admin'; at: Date },
    kellyFraction: number,
  ): Promise<UserRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          username: values.username,
          email: values.email,
          passwordHash: values.passwordHash,
          role: values.role,
          createdAt: values.at,
          updatedAt: values.at,
        })
        .returning();
      await tx.insert(userSettings).values({ userId: row.id, kellyFraction });
      return row;
    });
  }

  async list(limit: number, offset: number): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(asc(users.id)).limit(limit).offset(offset);
  }

  async update(id: number, set: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
    const [row] = await this.db.update(users).set(set).where(eq(users.id, id)).returning();
    return row;
  }

  /**
   * Retires every access token of the user issued before (they carry the old `ver`). Answers
   * the new version, or null when there is no such user.
   */
  async bumpTokenVersion(id: number): Promise<number | null> {
    const [row] = await this.db
      .update(users)
      .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, id))
      .returning({ tokenVersion: users.tokenVersion });
    return row?.tokenVersion ?? null;
  }

  /**
   * Records `step` as the user's last used TOTP step, only if it is later than the stored one:
   * a conditional update, so of two concurrent logins with one code only one succeeds.
   */
  async claimTotpStep(id: number, step: number): Promise<boolean> {
    const rows = await this.db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  async delete(id: number): Promise<boolean> {
    const rows = await this.db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    return rows.length > 0;
  }

  /**
   * Counts a failed login atomically: a failure outside the current window starts a new one.
   * Reaching the threshold locks the account and resets the count.
   */
  async recordFailure(
    id: number,
    now: Date,
    windowStart: Date,
    threshold: number,
    lockedUntil: Date,
  ): Promise<{ lockedUntil: Date | null }> {
    const [row] = await this.db
      .update(users)
      .set({
        failedLogins: sql`case when ${users.failedWindowStart} is null or ${users.failedWindowStart} < ${windowStart.toISOString()}::timestamptz then 1 else ${users.failedLogins} + 1 end`,
        failedWindowStart: sql`case when ${users.failedWindowStart} is null or ${users.failedWindowStart} < ${windowStart.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${users.failedWindowStart} end`,
      })
      .where(eq(users.id, id))
      .returning({ failedLogins: users.failedLogins });
    if (!row || row.failedLogins < threshold) return { lockedUntil: null };
    await this.db
      .update(users)
      .set({ lockedUntil, failedLogins: 0, failedWindowStart: null })
      .where(eq(users.id, id));
    return { lockedUntil };
  }

  async clearFailures(id: number): Promise<void> {
    await this.db
      .update(users)
      .set({ failedLogins: 0, failedWindowStart: null, lockedUntil: null })
      .where(eq(users.id, id));
  }

  async settings(userId: number): Promise<UserSettingsRow | undefined> {
    const [row] = await this.db.select().from(userSettings).where(eq(userSettings.userId, userId)).limit(1);
    return row;
  }

  async upsertSettings(
    userId: number,
    values: Omit<typeof userSettings.$inferInsert, 'userId'> & { kellyFraction: number },
  ): Promise<UserSettingsRow> {
    const [row] = await this.db
      .insert(userSettings)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: userSettings.userId, set: values })
      .returning();
    return row;
  }

  async replaceRecoveryCodes(userId: number, hashes: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
      if (hashes.length)
        await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
    });
  }

  /** Marks an unused recovery code used; true when there was one (each works once). */
  async consumeRecoveryCode(userId: number, codeHash: string, at: Date): Promise<boolean> {
    const rows = await this.db
      .update(recoveryCodes)
      .set({ usedAt: at })
      .where(
        and(
          eq(recoveryCodes.userId, userId),
          eq(recoveryCodes.codeHash, codeHash),
          isNull(recoveryCodes.usedAt),
        ),
      )
      .returning({ id: recoveryCodes.id });
    return rows.length > 0;
  }

  async deleteRecoveryCodes(userId: number): Promise<void> {
    await this.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  }
}
