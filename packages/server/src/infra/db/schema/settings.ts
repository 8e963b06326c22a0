import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Engine settings saved by an admin; they win over the environment defaults. One row per key. */
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: integer('updated_by'),
});
