/** Validation and normalization of FindHitsOptions, shared by findHits and the engine. */
import { DEVIG_METHODS } from './devig.js';
import { DevigError } from './errors.js';
import type { DevigMethod, FindHitsOptions } from './types.js';

export interface NormalizedOptions {
  sharp: Set<string>;
  sharpBooks: string[];
  minSharpBooks: number;
  sharpMaxAgeSeconds: number | undefined;
  softMaxAgeSeconds: number | undefined;
  method: DevigMethod;
  methods: DevigMethod[] | undefined;
  minEv: number;
  suspectEv: number | undefined;
  minOdds: number;
  maxOdds: number;
  books: Set<string> | null;
  markets: Set<string> | null;
  commission: Record<string, number>;
  /** Echoed in explain. */
  raw: Omit<FindHitsOptions, 'now'>;
}

function optionalNonNegative(v: number | undefined, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v >= 0))
    throw new RangeError(`${name} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

export function normalizeOptions(o: Omit<FindHitsOptions, 'now'>): NormalizedOptions {
  if (!o || !Array.isArray(o.sharpBooks))
    throw new RangeError('sharpBooks must be an array of bookmaker keys');
  if (!DEVIG_METHODS.includes(o.method)) {
    throw new DevigError(
      `unknown devig method ${JSON.stringify(o.method)}; use one of ${DEVIG_METHODS.join(', ')}`,
    );
  }
  if (o.methods !== undefined) {
    for (const m of o.methods) {
      if (!DEVIG_METHODS.includes(m) || m === 'worst_case')
        throw new DevigError(`invalid worst_case method ${m}`);
    }
  }
  if (typeof o.minEv !== 'number' || Number.isNaN(o.minEv)) throw new RangeError('minEv must be a number');
  const minSharpBooks = o.minSharpBooks ?? 1;
  if (!Number.isInteger(minSharpBooks) || minSharpBooks < 1) {
    throw new RangeError(`minSharpBooks must be a positive integer, got ${String(o.minSharpBooks)}`);
  }
  const commission = o.commission ?? {};
  for (const [book, rate] of Object.entries(commission)) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`commission for ${book} must be in [0, 1), got ${String(rate)}`);
    }
  }
  return {
    sharp: new Set(o.sharpBooks),
    sharpBooks: o.sharpBooks.slice(),
    minSharpBooks,
    sharpMaxAgeSeconds: optionalNonNegative(o.sharpMaxAgeSeconds, 'sharpMaxAgeSeconds'),
    softMaxAgeSeconds: optionalNonNegative(o.softMaxAgeSeconds, 'softMaxAgeSeconds'),
    method: o.method,
    methods: o.methods?.slice(),
    minEv: o.minEv,
    suspectEv: o.suspectEv ?? undefined,
    minOdds: o.minOdds ?? 1,
    maxOdds: o.maxOdds ?? Number.POSITIVE_INFINITY,
    books: o.books ? new Set(o.books) : null,
    markets: o.markets ? new Set(o.markets) : null,
    commission,
    raw: { ...o },
  };
}

/** Commission rate of a book (0 when none). Own-property lookup so "toString" etc. are not rates. */
export function commissionRate(opts: NormalizedOptions, book: string): number {
  return Object.hasOwn(opts.commission, book) ? opts.commission[book] : 0;
}
