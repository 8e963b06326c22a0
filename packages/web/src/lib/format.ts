/** Formatters shared by every page; Intl formatters are built once per option set and cached. */
export type OddsFormat = 'decimal' | 'american' | 'fractional';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function formatOdds(decimal: number, format: OddsFormat): string {
  if (!Number.isFinite(decimal) || decimal <= 1) return '—';
  if (format === 'american') {
    const v = decimal >= 2 ? (decimal - 1) * 100 : -100 / (decimal - 1);
    return `${v > 0 ? '+' : ''}${Math.round(v)}`;
  }
  if (format === 'fractional') {
    const num = Math.round((decimal - 1) * 100);
    const d = gcd(num, 100);
    return `${num / d}/${100 / d}`;
  }
  return decimal.toFixed(2);
}

export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—';
  return numberFormat(`pct:${digits}`, () =>
    Intl.NumberFormat(undefined, {
      style: 'percent',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }),
  ).format(fraction);
}

export function formatMoney(amount: number, currency: string): string {
  if (!Number.isFinite(amount)) return '—';
  return numberFormat(`money:${currency}`, () =>
    Intl.NumberFormat(undefined, { style: 'currency', currency }),
  ).format(amount);
}

export function formatTime(iso: string, timeZone?: string): string {
  const key = `time:${timeZone ?? ''}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    cache.set(key, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : f.format(d);
}
