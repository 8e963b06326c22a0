/**
 * Odds format conversion. Decimal odds are the internal currency: decimal = stake-inclusive
 * payout per unit staked. American: +a pays a per 100 staked (decimal 1 + a/100); −a needs a
 * staked to win 100 (decimal 1 + 100/a). Fractional "a/b" pays a per b (decimal 1 + a/b).
 * Implied probability is 1/decimal (it still contains the book's margin).
 */
import { OddsError } from './errors.js';
import type { OddsFormat } from './types.js';

const FORMATS: readonly OddsFormat[] = ['decimal', 'american', 'fractional', 'implied'];

function parseNumber(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    if (!Number.isNaN(n)) return n;
  }
  throw new OddsError(`${what} odds must be a number or numeric string, got ${JSON.stringify(value)}`);
}

/** Throws unless `d` is a finite decimal price > 1. Returns it. */
export function assertDecimal(d: unknown, what = 'decimal odds'): number {
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= 1) {
    throw new OddsError(`${what} must be a finite number greater than 1, got ${String(d)}`);
  }
  return d;
}

function parseFractional(value: unknown): number {
  if (typeof value !== 'string') {
    throw new OddsError(`fractional odds must be a string "a/b", got ${JSON.stringify(value)}`);
  }
  const s = value.trim().toLowerCase();
  if (s === 'evens' || s === 'evs' || s === 'even') return 2;
  const m = /^(\d+(?:\.\d+)?)\s*[/-]\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) throw new OddsError(`fractional odds must look like "5/2", got ${JSON.stringify(value)}`);
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!(a > 0) || !(b > 0) || !Number.isFinite(a / b)) {
    throw new OddsError(`fractional odds need a positive numerator and denominator, got ${value}`);
  }
  return 1 + a / b;
}

/** Converts odds in `format` to decimal odds. Throws OddsError on anything that is not a valid price. */
export function toDecimal(value: number | string, format: OddsFormat): number {
  switch (format) {
    case 'decimal':
      return assertDecimal(parseNumber(value, 'decimal'));
    case 'american': {
      const a = parseNumber(value, 'American');
      if (!Number.isFinite(a)) throw new OddsError(`American odds must be finite, got ${String(a)}`);
      // (−100, +100) exclusive is not a price in the American convention.
      if (a > -100 && a < 100) {
        throw new OddsError(`American odds must be ≤ −100 or ≥ +100, got ${a}`);
      }
      return a > 0 ? 1 + a / 100 : 1 + 100 / -a;
    }
    case 'fractional':
      return parseFractional(value);
    case 'implied': {
      const p = parseNumber(value, 'implied');
      if (!Number.isFinite(p) || p <= 0 || p >= 1) {
        throw new OddsError(`an implied probability must be in (0, 1), got ${String(p)}`);
      }
      return 1 / p;
    }
    default:
      throw new OddsError(`unknown odds format ${JSON.stringify(format)}; use one of ${FORMATS.join(', ')}`);
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Nearest fraction a/b to x with 1 ≤ b ≤ maxDen and a ≥ 1, reduced. A brute-force scan over
 * denominators (100 steps) is exact and cheap; ties go to the smaller denominator.
 */
function nearestFraction(x: number, maxDen: number): [number, number] {
  let bestA = 1;
  let bestB = 1;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let b = 1; b <= maxDen; b++) {
    const a = Math.max(1, Math.round(x * b));
    const err = Math.abs(a / b - x);
    if (err < bestErr - 1e-15) {
      bestErr = err;
      bestA = a;
      bestB = b;
    }
  }
  const g = gcd(bestA, bestB);
  return [bestA / g, bestB / g];
}

/**
 * Converts decimal odds to `format`. American is rounded to a whole number (the market
 * convention: 1.91 → −110, 2.5 → +150); fractional is the nearest reduced fraction with a
 * denominator ≤ 100 ("5/2"); implied is 1/decimal.
 */
export function fromDecimal(decimal: number, format: 'fractional'): string;
export function fromDecimal(decimal: number, format: 'decimal' | 'american' | 'implied'): number;
export function fromDecimal(decimal: number, format: OddsFormat): number | string;
export function fromDecimal(decimal: number, format: OddsFormat): number | string {
  const d = assertDecimal(decimal);
  switch (format) {
    case 'decimal':
      return d;
    case 'american': {
      // d ≥ 2 → +(d−1)·100 ≥ +100; d < 2 → −100/(d−1) < −100, so rounding never lands in (−100, 100).
      const a = d >= 2 ? Math.round((d - 1) * 100) : -Math.round(100 / (d - 1));
      return a;
    }
    case 'fractional': {
      const [a, b] = nearestFraction(d - 1, 100);
      return `${a}/${b}`;
    }
    case 'implied':
      return 1 / d;
    default:
      throw new OddsError(`unknown odds format ${JSON.stringify(format)}; use one of ${FORMATS.join(', ')}`);
  }
}

/** 1 / decimal: the book's implied probability (margin included). */
export function impliedProbability(decimal: number): number {
  return 1 / assertDecimal(decimal);
}
