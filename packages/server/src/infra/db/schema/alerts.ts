import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users';

/** A user's alert rules (modules/alerts). */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    filter: jsonb('filter').notNull().default({}),
    websocket: boolean('websocket').notNull().default(true),
    email: boolean('email').notNull().default(false),
    webhookUrl: text('webhook_url'),
    webhookStyle: text('webhook_style', { enum: ['discord', 'slack', 'json'] }),
    quietSeconds: integer('quiet_seconds').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    /** When the rule last delivered (not suppressed): the quiet period runs from here. */
    lastFiredAt: timestamp('last_fired_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('alert_rules_user_idx').on(t.userId)],
);

/** One row per (rule, hit, opening): the key that makes an alert fire exactly once. */
export const alertFirings = pgTable(
  'alert_firings',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    hitId: text('hit_id').notNull(),
    /** When the hit's current opening began (first seen, or reopened). */
    opening: text('opening').notNull(),
    hit: jsonb('hit').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('alert_firings_key_idx').on(t.ruleId, t.hitId, t.opening)],
);

/** Each channel's delivery of a firing: pending → sent | failed (retried with backoff) | suppressed. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    firingId: integer('firing_id')
      .notNull()
      .references(() => alertFirings.id, { onDelete: 'cascade' }),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    hitId: text('hit_id').notNull(),
    channel: text('channel', { enum: ['websocket', 'email', 'webhook'] }).notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'suppressed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    reason: text('reason'),
    statusCode: integer('status_code'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alert_deliveries_firing_channel_idx').on(t.firingId, t.channel),
    index('alert_deliveries_user_idx').on(t.userId, t.id),
    index('alert_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/**
 * Alert e-mails sent, per user: the hourly cap counts these (kept when a rule and its
 * deliveries are deleted, so deleting a rule does not reset the cap).
 */
export const alertEmailSends = pgTable(
  'alert_email_sends',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('alert_email_sends_user_idx').on(t.userId, t.sentAt)],
);

/** Single-use password reset tokens (only their SHA-256 is stored). */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('password_resets_hash_idx').on(t.tokenHash)],
);
