import type { EventScore, OddsEvent, Sport } from '@evision/contract';

export type { EventScore, OddsEvent, Sport };

export interface FetchOddsOptions {
  regions: string[];
  markets: string[];
  /** The Odds API: when given, it wins over `regions`. */
  bookmakers?: string[];
}

/** Credits as The Odds API reports them in its `x-requests-*` headers. */
export interface ProviderQuota {
  remaining: number | null;
  used: number | null;
  last: number | null;
}

export interface ProviderStatus {
  status: 'ok' | 'degraded';
  detail: string;
  quota?: ProviderQuota;
}

/**
 * Where odds come from. Events come back in the v4 shape with decimal prices; callers treat
 * them as immutable (the demo provider shares unchanged bookmaker objects between calls).
 */
export interface OddsProvider {
  readonly name: 'demo' | 'theoddsapi';
  listSports(): Promise<Sport[]>;
  fetchOdds(
    sport: string,
    options: FetchOddsOptions,
  ): Promise<{ events: OddsEvent[]; quota?: ProviderQuota }>;
  fetchScores(sport: string, options?: { daysFrom?: number }): Promise<EventScore[]>;
  /** The provider's own view of its health (keys, quota, pauses); absent = always ok. */
  status?(): ProviderStatus;
}

export type ProviderErrorCode =
  | 'missing_key'
  | 'invalid_key'
  | 'deactivated_key'
  | 'out_of_credits'
  | 'quota_low'
  | 'rate_limited'
  | 'upstream_error'
  | 'invalid_setting'
  | 'unknown_sport'
  | 'timeout'
  | 'network'
  | 'bad_response';

/** A failure the service can branch on; `setting` names the engine setting at fault (422s). */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly extra: { status?: number; errorCode?: string; setting?: string } = {},
  ) {
    super(message);
  }
}
