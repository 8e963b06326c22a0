import {
  bigint,
  boolean,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** EV hits, current and past. `id` = event_id|market|outcome|point|book (stable across scans). */
export const evHits = pgTable(
  'ev_hits',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id').notNull(),
    sport: text('sport').notNull(),
    homeTeam: text('home_team').notNull(),
    awayTeam: text('away_team').notNull(),
    commenceTime: timestamp('commence_time', { withTimezone: true }).notNull(),
    market: text('market').notNull(),
    outcome: text('outcome').notNull(),
    point: doublePrecision('point'),
    book: text('book').notNull(),
    price: doublePrecision('price').notNull(),
    fairOdds: doublePrecision('fair_odds').notNull(),
    fairProbability: doublePrecision('fair_probability').notNull(),
    ev: doublePrecision('ev').notNull(),
    kelly: doublePrecision('kelly').notNull(),
    suspect: boolean('suspect').notNull().default(false),
    source: text('source', { enum: ['engine', 'bot'] }).notNull(),
    status: text('status', { enum: ['active', 'closed'] }).notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    bestEv: doublePrecision('best_ev').notNull(),
    closingFairOdds: doublePrecision('closing_fair_odds'),
    clv: doublePrecision('clv'),
    /** Bot hits close when not re-sent before this time. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    explain: jsonb('explain'),
  },
  (t) => [
    index('ev_hits_status_idx').on(t.status),
    index('ev_hits_event_idx').on(t.eventId),
    index('ev_hits_closed_at_idx').on(t.closedAt),
    index('ev_hits_sport_idx').on(t.sport),
    // Keyset paging in the default sort (-ev, ties by id): history reads and exports.
    index('ev_hits_ev_id_idx').on(t.ev, t.id),
  ],
);

/** Price changes of every line (only changes are stored). */
export const lineHistory = pgTable(
  'line_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    market: text('market').notNull(),
    outcome: text('outcome').notNull(),
    /** Empty string for markets without a point, so the key is never NULL. */
    point: text('point').notNull().default(''),
    book: text('book').notNull(),
    price: doublePrecision('price').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('line_history_line_idx').on(t.eventId, t.market, t.outcome, t.point, t.book, t.at)],
);

/** The last fair price of the sharp line before an event started: its closing line. */
export const closingLines = pgTable(
  'closing_lines',
  {
    eventId: text('event_id').notNull(),
    market: text('market').notNull(),
    outcome: text('outcome').notNull(),
    point: text('point').notNull().default(''),
    fairOdds: doublePrecision('fair_odds').notNull(),
    fairProbability: doublePrecision('fair_probability').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.market, t.outcome, t.point] })],
);

/** Events seen by the scanner, with results once known (for CLV and, later, bet settlement). */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    sport: text('sport').notNull(),
    homeTeam: text('home_team').notNull(),
    awayTeam: text('away_team').notNull(),
    commenceTime: timestamp('commence_time', { withTimezone: true }).notNull(),
    completed: boolean('completed').notNull().default(false),
    scores: jsonb('scores'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('events_commence_idx').on(t.commenceTime)],
);
