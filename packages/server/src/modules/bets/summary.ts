import type { BetSummary } from '@evision/contract';
import type { BetRow } from './repo';

interface Group {
  count: number;
  staked: number;
  profit: number;
  roi: number | null;
}

/** Year-month (`2026-12`) of an instant in a time zone. */
export function monthIn(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(date);
  const y = parts.find((p) => p.type === 'year')?.value;
  const m = parts.find((p) => p.type === 'month')?.value;
  return `${y}-${m}`;
}

function add(groups: Record<string, Group>, key: string, r: BetRow): void {
  const g = groups[key] ?? { count: 0, staked: 0, profit: 0, roi: null };
  groups[key] = g;
  g.count += 1;
  if (r.payout !== null) {
    g.staked += r.stake;
    g.profit += r.payout - r.stake;
  }
}

function finish(groups: Record<string, Group>): Record<string, Group> {
  for (const g of Object.values(groups)) g.roi = g.staked > 0 ? g.profit / g.staked : null;
  return groups;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Totals of a user's bets. `count` counts every bet; `staked`, `profit` and `roi` (a fraction,
 * profit / staked) cover settled bets only; `mean_ev` and `mean_clv` average the bets that have
 * them. Months are of `placed_at` in `timeZone`. Groups are null-prototype objects (keys such as
 * `__proto__` stay plain keys).
 */
export function summarize(rows: BetRow[], timeZone: string): BetSummary {
  const byBook: Record<string, Group> = Object.create(null);
  const bySport: Record<string, Group> = Object.create(null);
  const byMarket: Record<string, Group> = Object.create(null);
  const byMonth: Record<string, Group> = Object.create(null);
  const total: Record<string, Group> = Object.create(null);
  const evs: number[] = [];
  const clvs: number[] = [];
  let settled = 0;
  for (const r of rows) {
    add(total, 'all', r);
    add(byBook, r.book, r);
    add(bySport, r.sport, r);
    add(byMarket, r.market, r);
    add(byMonth, monthIn(r.placedAt, timeZone), r);
    if (r.result !== null) settled += 1;
    if (r.fairOddsAtPlacement !== null) evs.push(r.price / r.fairOddsAtPlacement - 1);
    if (r.clv !== null) clvs.push(r.clv);
  }
  const all = finish(total).all ?? { count: 0, staked: 0, profit: 0, roi: null };
  return {
    count: all.count,
    settled,
    staked: all.staked,
    profit: all.profit,
    roi: all.roi,
    mean_ev: mean(evs),
    mean_clv: mean(clvs),
    by_book: { ...finish(byBook) },
    by_sport: { ...finish(bySport) },
    by_market: { ...finish(byMarket) },
    by_month: { ...finish(byMonth) },
  };
}
