/**
 * Errors thrown by ev-core. Both carry a stable `code` so callers (the HTTP layer) can map
 * them to a 400 without parsing messages.
 */

/** Invalid odds or probability: decimal ≤ 1, American in (−100, 100), NaN, ±∞, bad fraction… */
export class OddsError extends Error {
  readonly code = 'invalid_odds';
  constructor(message: string) {
    super(message);
    this.name = 'OddsError';
  }
}

/** A devig that cannot be done: wrong outcome count, unknown method, solver failure, p ≤ 0. */
export class DevigError extends Error {
  readonly code = 'devig_failed';
  constructor(message: string) {
    super(message);
    this.name = 'DevigError';
  }
}
