import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The audit hash chain. `seq` orders the chain; each record's `hash` covers its content and the
 * previous record's hash, so any edit or deletion breaks every later link.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    type: text('type').notNull(),
    userId: integer('user_id'),
    username: text('username'),
    ip: text('ip'),
    message: text('message').notNull(),
    details: jsonb('details'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_type_idx').on(t.type), index('audit_log_at_idx').on(t.at)],
);
