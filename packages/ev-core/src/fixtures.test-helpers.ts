/** Builders for tests (not exported from index). */
import type { Bookmaker, OddsEvent, Outcome } from './types.js';

export const NOW = Date.parse('2025-01-01T12:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function book(
  key: string,
  markets: Record<string, Outcome[]>,
  ageSeconds = 10,
  marketAges: Record<string, number> = {},
): Bookmaker {
  return {
    key,
    title: key.toUpperCase(),
    last_update: iso(NOW - ageSeconds * 1000),
    markets: Object.entries(markets).map(([k, outcomes]) => ({
      key: k,
      ...(marketAges[k] !== undefined ? { last_update: iso(NOW - marketAges[k] * 1000) } : {}),
      outcomes,
    })),
  };
}

export function event(id: string, bookmakers: Bookmaker[], over: Partial<OddsEvent> = {}): OddsEvent {
  return {
    id,
    sport_key: 'basketball_nba',
    sport_title: 'NBA',
    commence_time: iso(NOW + 3600_000),
    home_team: 'Home',
    away_team: 'Away',
    bookmakers,
    ...over,
  };
}

export const h2h = (home: number, away: number, draw?: number): Outcome[] => [
  { name: 'Home', price: home },
  { name: 'Away', price: away },
  ...(draw !== undefined ? [{ name: 'Draw', price: draw }] : []),
];
