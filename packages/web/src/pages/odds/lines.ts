import type { OddsViewEvent } from '@evision/contract';

export interface Quote {
  book: string;
  title: string;
  price: number;
}

export interface Line {
  name: string;
  point: number | null;
  fair: { price: number; probability: number } | null;
  /** Every book's price, best first. */
  quotes: Quote[];
  best: number | null;
}

export const MARKET_LABELS: Record<string, string> = {
  h2h: 'Moneyline',
  spreads: 'Spread',
  totals: 'Total',
};

const keyOf = (name: string, point: number | null | undefined) => `${name}|${point ?? ''}`;

/** The market keys quoted for an event, featured ones first; lay prices (not backable) are left out. */
export function marketKeys(event: OddsViewEvent): string[] {
  const keys = new Set<string>();
  for (const b of event.bookmakers) for (const m of b.markets) if (!m.key.endsWith('_lay')) keys.add(m.key);
  const order = ['h2h', 'spreads', 'totals'];
  return [...keys].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
}

/**
 * One market of an event as lines (outcome + point) across books, with the best price and the
 * fair line (prices must be decimal numbers: request `odds_format=decimal`). With `fairOnly`,
 * lines the engine has a fair price for are kept when there are any (the main spread/total).
 */
export function marketLines(event: OddsViewEvent, market: string, fairOnly = false): Line[] {
  const lines = new Map<string, Line>();
  for (const b of event.bookmakers) {
    for (const m of b.markets) {
      if (m.key !== market) continue;
      for (const o of m.outcomes) {
        const price = typeof o.price === 'number' ? o.price : Number(o.price);
        if (!Number.isFinite(price) || price <= 1) continue;
        const k = keyOf(o.name, o.point);
        let line = lines.get(k);
        if (!line) {
          line = { name: o.name, point: o.point ?? null, fair: null, quotes: [], best: null };
          lines.set(k, line);
        }
        line.quotes.push({ book: b.key, title: b.title, price });
      }
    }
  }
  const fair = event.fair.find((f) => f.key === market);
  for (const o of fair?.outcomes ?? []) {
    const line = lines.get(keyOf(o.name, o.point));
    const price = typeof o.price === 'number' ? o.price : Number(o.price);
    if (line && Number.isFinite(price)) line.fair = { price, probability: o.probability };
  }
  let out = [...lines.values()];
  for (const l of out) {
    l.quotes.sort((a, b) => b.price - a.price || a.title.localeCompare(b.title));
    l.best = l.quotes[0]?.price ?? null;
  }
  if (fairOnly && out.some((l) => l.fair)) out = out.filter((l) => l.fair);
  return out.sort((a, b) => (a.point ?? 0) - (b.point ?? 0) || a.name.localeCompare(b.name));
}

/** EV of the best price against the fair probability (p × o − 1), or null without a fair line. */
export function bestEdge(line: Line): number | null {
  return line.fair && line.best !== null ? line.fair.probability * line.best - 1 : null;
}
