/** Timestamp helpers. Numbers are milliseconds since the Unix epoch (JavaScript's convention). */

/** Milliseconds since the epoch, or NaN when `t` is missing or unparsable. */
export function toMillis(t: string | number | Date | undefined | null): number {
  if (t === undefined || t === null) return Number.NaN;
  if (typeof t === 'number') return t;
  if (t instanceof Date) return t.getTime();
  return parseIso(t);
}

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

/**
 * ISO-8601 UTC timestamps ("2025-01-01T12:00:00Z", optional fraction) parsed by hand: the
 * provider sends one per book and market, and Date.parse costs ~10× more. Anything else
 * (offsets, date-only, garbage) goes to Date.parse, so the result is always Date.parse's.
 */
export function parseIso(s: string): number {
  const n = s.length;
  if (
    n >= 20 &&
    n <= 31 &&
    s.charCodeAt(n - 1) === 90 &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58
  ) {
    // Each digit read once; (c − 48) >>> 0 > 9 rejects anything that is not 0–9.
    const y0 = s.charCodeAt(0) - 48;
    const y1 = s.charCodeAt(1) - 48;
    const y2 = s.charCodeAt(2) - 48;
    const y3 = s.charCodeAt(3) - 48;
    const mo0 = s.charCodeAt(5) - 48;
    const mo1 = s.charCodeAt(6) - 48;
    const d0 = s.charCodeAt(8) - 48;
    const d1 = s.charCodeAt(9) - 48;
    const h0 = s.charCodeAt(11) - 48;
    const h1 = s.charCodeAt(12) - 48;
    const mi0 = s.charCodeAt(14) - 48;
    const mi1 = s.charCodeAt(15) - 48;
    const s0 = s.charCodeAt(17) - 48;
    const s1 = s.charCodeAt(18) - 48;
    let ok =
      y0 >>> 0 <= 9 &&
      y1 >>> 0 <= 9 &&
      y2 >>> 0 <= 9 &&
      y3 >>> 0 <= 9 &&
      mo0 >>> 0 <= 9 &&
      mo1 >>> 0 <= 9 &&
      d0 >>> 0 <= 9 &&
      d1 >>> 0 <= 9 &&
      h0 >>> 0 <= 9 &&
      h1 >>> 0 <= 9 &&
      mi0 >>> 0 <= 9 &&
      mi1 >>> 0 <= 9 &&
      s0 >>> 0 <= 9 &&
      s1 >>> 0 <= 9;
    let ms = 0;
    if (ok && n !== 20) {
      // fraction: milliseconds are its first three digits (Date.parse truncates the rest)
      if (s.charCodeAt(19) !== 46 || n < 22) ok = false;
      else {
        let scale = 100;
        for (let i = 20; i < n - 1; i++) {
          const dg = s.charCodeAt(i) - 48;
          if (dg >>> 0 > 9) ok = false;
          if (scale >= 1) ms += dg * scale;
          scale /= 10;
        }
      }
    }
    if (ok) {
      const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
      const mo = mo0 * 10 + mo1;
      const d = d0 * 10 + d1;
      const h = h0 * 10 + h1;
      const mi = mi0 * 10 + mi1;
      const sec = s0 * 10 + s1;
      if (
        y >= 1000 &&
        mo >= 1 &&
        mo <= 12 &&
        d >= 1 &&
        d <= daysInMonth(y, mo) &&
        h <= 23 &&
        mi <= 59 &&
        sec <= 59
      ) {
        return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms;
      }
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
