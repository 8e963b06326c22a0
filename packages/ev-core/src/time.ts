/** Timestamp helpers. Numbers are milliseconds since the Unix epoch (JavaScript's convention). */

/** Milliseconds since the epoch, or NaN when `t` is missing or unparsable. */
export function toMillis(t: string | number | Date | undefined | null): number {
  if (t === undefined || t === null) return Number.NaN;
  if (typeof t === 'number') return t;
  if (t instanceof Date) return t.getTime();
  return parseIso(t);
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const num2 = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DIGIT_POS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
function allDigits(s: string): boolean {
  for (const i of DIGIT_POS) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * ISO-8601 UTC timestamps ("2025-01-01T12:00:00Z", optional fraction) parsed by hand: the
 * provider sends one per book and market, and Date.parse costs ~10× more. Anything else
 * (offsets, date-only, garbage) goes to Date.parse, so the result is always Date.parse's.
 */
export function parseIso(s: string): number {
  const n = s.length;
  if (
    n >= 20 &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58 &&
    s.charCodeAt(n - 1) === 90
  ) {
    const y = num2(s, 0) * 100 + num2(s, 2);
    const mo = num2(s, 5);
    const d = num2(s, 8);
    const h = num2(s, 11);
    const mi = num2(s, 14);
    const sec = num2(s, 17);
    let ms = 0;
    let ok =
      allDigits(s) &&
      y >= 1000 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= 31 &&
      h <= 23 &&
      mi <= 59 &&
      sec <= 59;
    if (n === 20) {
      // no fraction
    } else if (s.charCodeAt(19) === 46 && n >= 22 && n <= 31) {
      // fraction: milliseconds are its first three digits (Date.parse truncates the rest)
      let scale = 100;
      for (let i = 20; i < n - 1; i++) {
        const dg = digit(s, i);
        if (dg < 0 || dg > 9) ok = false;
        if (scale >= 1) ms += dg * scale;
        scale /= 10;
      }
    } else ok = false;
    if (ok && d <= daysInMonth(y, mo)) {
      return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms;
    }
  }
  return Date.parse(s);
}

/** `now` as milliseconds; throws RangeError when it is not a valid time. */
export function nowMillis(now: Date | number): number {
  const ms = toMillis(now);
  if (!Number.isFinite(ms))
    throw new RangeError(`now must be a Date or epoch milliseconds, got ${String(now)}`);
  return ms;
}

/** Age in seconds at `nowMs` of a timestamp in ms (NaN when unknown). */
export function ageSeconds(nowMs: number, tMs: number): number {
  return (nowMs - tMs) / 1000;
}

/**
 * Freshness rule shared by consensus, findHits and the engine: with no limit everything is
 * fresh; with a limit, an unknown age is treated as stale (we cannot vouch for it).
 */
export function isFresh(ageSec: number, maxAgeSeconds: number | undefined): boolean {
  if (maxAgeSeconds === undefined) return true;
  return ageSec <= maxAgeSeconds; // NaN compares false → stale
}
