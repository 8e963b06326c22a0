import type { EvHistogramBin, EvHit } from '@evision/contract';

const pct = (v: number) => `${Math.round(v * 1000) / 10}`;

/** "<0%", "0–1%", …, "≥20%". */
export function binLabel(b: EvHistogramBin): string {
  if (b.from === null) return `<${pct(b.to ?? 0)}%`;
  if (b.to === null) return `≥${pct(b.from)}%`;
  return `${pct(b.from)}–${pct(b.to)}%`;
}

/** The `n` largest counts, largest first; the rest summed into "other". */
export function topCounts(counts: Record<string, number>, n: number): Array<[string, number]> {
  const all = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (all.length <= n) return all;
  const rest = all.slice(n - 1).reduce((s, [, c]) => s + c, 0);
  return [...all.slice(0, n - 1), ['other', rest]];
}

export interface ClvDay {
  /** Unix seconds of the day's start (UTC midnight of the local calendar date, for the axis). */
  t: number;
  day: string;
  count: number;
  meanClv: number | null;
}

/** Closed hits per calendar day (viewer's zone) with the day's mean CLV; totals over all of them. */
export function clvByDay(hits: EvHit[], timeZone: string) {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const days = new Map<string, { count: number; sum: number; n: number }>();
  let sum = 0;
  let withClv = 0;
  let beat = 0;
  let closed = 0;
  for (const h of hits) {
    if (!h.closed_at) continue;
    const d = new Date(h.closed_at);
    if (Number.isNaN(d.getTime())) continue;
    closed++;
    const key = fmt.format(d);
    const day = days.get(key) ?? { count: 0, sum: 0, n: 0 };
    day.count++;
    if (h.clv !== null && Number.isFinite(h.clv)) {
      day.sum += h.clv;
      day.n++;
      sum += h.clv;
      withClv++;
      if (h.clv > 0) beat++;
    }
    days.set(key, day);
  }
  const rows: ClvDay[] = [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, v]) => ({
      day,
      t: Date.parse(`${day}T00:00:00Z`) / 1000,
      count: v.count,
      meanClv: v.n > 0 ? v.sum / v.n : null,
    }));
  return {
    rows,
    closed,
    withClv,
    meanClv: withClv > 0 ? sum / withClv : null,
    beatShare: withClv > 0 ? beat / withClv : null,
  };
}
