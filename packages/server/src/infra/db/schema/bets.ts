import { boolean, doublePrecision, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users';

/** Bets a user logged (from a hit or by hand), settled by hand, with CLV once the event starts. */
export const bets = pgTable(
  'bets',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    hitId: text('hit_id'),
    eventId: text('event_id'),
    sport: text('sport').notNull(),
    event: text('event').notNull(),
    market: text('market').notNull(),
    outcome: text('outcome').notNull(),
    point: doublePrecision('point'),
    book: text('book').notNull(),
    /** Decimal price. */
    price: doublePrecision('price').notNull(),
    stake: doublePrecision('stake').notNull(),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
    fairOddsAtPlacement: doublePrecision('fair_odds_at_placement'),
    fairSource: text('fair_source', { enum: ['hit', 'line_at_logging'] }),
    closingFairOdds: doublePrecision('closing_fair_odds'),
    clv: doublePrecision('clv'),
    result: text('result', { enum: ['won', 'lost', 'push', 'void', 'half-won', 'half-lost'] }),
    payout: doublePrecision('payout'),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    notes: text('notes'),
    /** False when the event is unknown to the server: the bet will get no CLV. */
    clvExpected: boolean('clv_expected').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('bets_user_id_idx').on(t.userId, t.id), index('bets_event_idx').on(t.eventId)],
);
