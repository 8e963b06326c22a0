import { describe, expect, it } from 'vitest';
import { type FilterableHit, hitMatches } from './filters';

const now = Date.parse('2026-12-07T12:00:00Z');
const hit: FilterableHit = {
  sport: 'basketball_nba',
  market: 'h2h',
  book: 'draftkings',
  ev: 0.03,
  price: 2.1,
  commence_time: '2026-12-07T13:00:00Z',
  status: 'active',
  suspect: false,
  home_team: 'Boston Celtics',
  away_team: 'Miami Heat',
};

describe('hitMatches', () => {
  it('matches an empty filter set for an active, unsuspect hit only', () => {
    expect(hitMatches(hit, {}, now)).toBe(true);
    expect(hitMatches({ ...hit, status: 'closed' }, {}, now)).toBe(false);
    expect(hitMatches({ ...hit, suspect: true }, {}, now)).toBe(false);
    expect(hitMatches({ ...hit, suspect: true }, { include_suspect: true }, now)).toBe(true);
    expect(hitMatches({ ...hit, status: 'closed' }, { status: 'all' }, now)).toBe(true);
  });

  it('applies lists, ranges, start window and team search', () => {
    expect(hitMatches(hit, { sport: ['icehockey_nhl'] }, now)).toBe(false);
    expect(hitMatches(hit, { book: ['fanduel', 'draftkings'] }, now)).toBe(true);
    expect(hitMatches(hit, { min_ev: 0.03 }, now)).toBe(true);
    expect(hitMatches(hit, { min_ev: 0.031 }, now)).toBe(false);
    expect(hitMatches(hit, { max_odds: 2 }, now)).toBe(false);
    expect(hitMatches(hit, { starts_within: 59 }, now)).toBe(false);
    expect(hitMatches(hit, { starts_within: 60 }, now)).toBe(true);
    expect(hitMatches(hit, { q: 'HEAT' }, now)).toBe(true);
    expect(hitMatches(hit, { q: 'lakers' }, now)).toBe(false);
  });
});
