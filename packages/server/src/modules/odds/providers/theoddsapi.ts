import { EventScore, OddsEvent, Sport } from '@evision/contract';
import { z } from 'zod';
import {
  type FetchOddsOptions,
  type OddsProvider,
  ProviderError,
  type ProviderQuota,
  type ProviderStatus,
} from './types';

/**
 * The Odds API v4 over HTTP. Branches on the body's `error_code` (not only the status):
 * key problems stop all requests until restart, `OUT_OF_USAGE_CREDITS` pauses, 429 and 5xx
 * back off and retry a bounded number of times, 422s name the engine setting at fault.
 * Below `minRemaining` credits it refuses odds requests (`quota_low`) and only probes the free
 * `/v4/sports` endpoint now and then to learn whether credits came back.
 * @see https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html
 */
export interface TheOddsApiOptions {
  apiKey: string;
  baseUrl: string;
  minRemaining: number;
  now?: () => number;
  log?: ProviderLogger;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries after a 429/5xx/timeout/network failure (default 3), doubling from `retryBaseMs`. */
  retries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long to pause after OUT_OF_USAGE_CREDITS (default 10 min). */
  creditsPauseMs?: number;
  /** While below minRemaining, how often to probe the free endpoint for new credits (default 10 min). */
  quotaProbeMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface ProviderLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const KEY_ERRORS: Record<string, 'missing_key' | 'invalid_key' | 'deactivated_key'> = {
  MISSING_KEY: 'missing_key',
  INVALID_KEY: 'invalid_key',
  DEACTIVATED_KEY: 'deactivated_key',
};

/** 422s and the engine setting each one points at. */
const SETTING_ERRORS: Record<string, string> = {
  INVALID_MARKET: 'odds_markets',
  INVALID_MARKET_COMBO: 'odds_markets',
  MISSING_MARKET: 'odds_markets',
  MISSING_REGION: 'odds_regions',
  INVALID_REGION: 'odds_regions',
  INVALID_BOOKMAKERS: 'odds_regions',
  UNKNOWN_SPORT: 'odds_sports',
  INVALID_SPORT: 'odds_sports',
};

const ErrorBodySchema = z.object({ message: z.string().optional(), error_code: z.string().optional() });

export class TheOddsApiProvider implements OddsProvider {
  readonly name = 'theoddsapi' as const;
  private readonly opts: Required<Omit<TheOddsApiOptions, 'log'>> & { log?: ProviderLogger };
  private quota: ProviderQuota | undefined;
  /** Set once a key error is seen: no request is made again until restart. */
  private fatal: ProviderError | undefined;
  private pausedUntil = 0;
  private pauseError: ProviderError | undefined;
  private quotaLowLogged = false;
  private lastProbe = 0;
  private lastError: ProviderError | undefined;

  constructor(options: TheOddsApiOptions) {
    this.opts = {
      now: Date.now,
      timeoutMs: 10_000,
      retries: 3,
      retryBaseMs: 1_000,
      retryMaxMs: 30_000,
      creditsPauseMs: 10 * 60_000,
      quotaProbeMs: 10 * 60_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
  }

  /** Free: costs no credits. */
  async listSports(): Promise<Sport[]> {
    const body = await this.request('/v4/sports', {});
    const parsed = z.array(Sport).safeParse(body);
    if (!parsed.success)
      throw new ProviderError('bad_response', 'The Odds API sent a sports list of another shape');
    return parsed.data;
  }

  async fetchOdds(
    sport: string,
    options: FetchOddsOptions,
  ): Promise<{ events: OddsEvent[]; quota?: ProviderQuota }> {
    await this.checkQuota();
    const params: Record<string, string> = {
      markets: options.markets.join(','),
      oddsFormat: 'decimal',
      dateFormat: 'iso',
    };
    if (options.bookmakers && options.bookmakers.length > 0) params.bookmakers = options.bookmakers.join(',');
    else params.regions = options.regions.join(',');
    const body = await this.request(`/v4/sports/${encodeURIComponent(sport)}/odds`, params);
    if (!Array.isArray(body))
      throw new ProviderError('bad_response', `The Odds API sent odds for ${sport} that are not a list`);
    const events: OddsEvent[] = [];
    let dropped = 0;
    for (const raw of body) {
      const parsed = OddsEvent.safeParse(raw);
      if (!parsed.success) {
        dropped++;
        continue;
      }
      events.push(normalizeEvent(parsed.data));
    }
    if (dropped > 0) {
      this.opts.log?.warn({ sport, dropped, kept: events.length }, 'theoddsapi: dropped malformed events');
    }
    return { events, quota: this.quota };
  }

  async fetchScores(sport: string, options: { daysFrom?: number } = {}): Promise<EventScore[]> {
    await this.checkQuota();
    const params: Record<string, string> = { dateFormat: 'iso' };
    if (options.daysFrom) params.daysFrom = String(Math.min(3, Math.max(1, Math.round(options.daysFrom))));
    const body = await this.request(`/v4/sports/${encodeURIComponent(sport)}/scores`, params);
    if (!Array.isArray(body))
      throw new ProviderError('bad_response', `The Odds API sent scores for ${sport} that are not a list`);
    return body.flatMap((raw) => {
      const parsed = EventScore.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  }

  status(): ProviderStatus {
    const quota = this.quota;
    if (this.fatal) return { status: 'degraded', detail: this.fatal.message, quota };
    if (this.pausedUntil > this.opts.now() && this.pauseError) {
      return { status: 'degraded', detail: this.pauseError.message, quota };
    }
    if (quota?.remaining != null && quota.remaining < this.opts.minRemaining) {
      return {
        status: 'degraded',
        detail: `The Odds API credits low: ${quota.remaining} left, polling stops below ${this.opts.minRemaining} (ODDS_API_MIN_REMAINING)`,
        quota,
      };
    }
    if (this.lastError) return { status: 'degraded', detail: this.lastError.message, quota };
    return { status: 'ok', detail: 'theoddsapi', quota };
  }

  /** Refuses without a request when the key is bad, credits are paused or below the minimum. */
  private async checkQuota(): Promise<void> {
    if (this.fatal) throw this.fatal;
    const now = this.opts.now();
    if (this.pausedUntil > now && this.pauseError) throw this.pauseError;
    const remaining = this.quota?.remaining;
    if (remaining == null || remaining >= this.opts.minRemaining) {
      this.quotaLowLogged = false;
      return;
    }
    // /v4/sports is free and answers with the quota headers: learn whether credits came back.
    if (now - this.lastProbe >= this.opts.quotaProbeMs) {
      this.lastProbe = now;
      await this.request('/v4/sports', {}).catch(() => undefined);
      if ((this.quota?.remaining ?? 0) >= this.opts.minRemaining) {
        this.opts.log?.info(
          { remaining: this.quota?.remaining },
          'theoddsapi: credits are back, polling again',
        );
        this.quotaLowLogged = false;
        return;
      }
    }
    const err = new ProviderError(
      'quota_low',
      `The Odds API credits low: ${this.quota?.remaining} left, below ODDS_API_MIN_REMAINING=${this.opts.minRemaining}; odds polling stopped`,
    );
    if (!this.quotaLowLogged) {
      this.quotaLowLogged = true;
      this.opts.log?.warn({ remaining: this.quota?.remaining, min: this.opts.minRemaining }, err.message);
    }
    throw err;
  }

  private async request(path: string, params: Record<string, string>): Promise<unknown> {
    if (this.fatal) throw this.fatal;
    const url = new URL(this.opts.baseUrl + path);
    url.searchParams.set('apiKey', this.opts.apiKey);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let attempt = 0;
    for (;;) {
      try {
        const body = await this.once(url, path);
        this.lastError = undefined;
        return body;
      } catch (err) {
        const e =
          err instanceof ProviderError
            ? err
            : new ProviderError('network', `The Odds API unreachable: ${String(err)}`);
        const retryable = ['rate_limited', 'upstream_error', 'timeout', 'network'].includes(e.code);
        if (!retryable || attempt >= this.opts.retries) {
          this.lastError = e;
          throw e;
        }
        const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** attempt);
        attempt++;
        this.opts.log?.warn(
          { path, code: e.code, attempt, delay_ms: delay },
          'theoddsapi: retrying after backoff',
        );
        await this.opts.sleep(delay);
      }
    }
  }

  private async once(url: URL, path: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ProviderError(
          'timeout',
          `The Odds API did not answer ${path} within ${this.opts.timeoutMs} ms`,
        );
      }
      throw new ProviderError('network', `The Odds API unreachable: ${(err as Error).message}`);
    }
    this.readQuota(res.headers);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const name = (err as Error).name;
      throw new ProviderError(
        name === 'TimeoutError' ? 'timeout' : 'network',
        `The Odds API body for ${path} was cut off`,
      );
    }
    if (res.ok) {
      try {
        return JSON.parse(text);
      } catch {
        throw new ProviderError('bad_response', `The Odds API sent malformed JSON for ${path}`, {
          status: res.status,
        });
      }
    }
    throw this.classify(res.status, text, path);
  }

  private classify(status: number, text: string, path: string): ProviderError {
    let body: z.infer<typeof ErrorBodySchema> = {};
    try {
      body = ErrorBodySchema.parse(JSON.parse(text));
    } catch {
      // Not the documented body (a proxy's HTML page…): the status alone decides.
    }
    const code = body.error_code;
    const message = body.message ?? `HTTP ${status}`;
    const extra = { status, errorCode: code };
    if (code && KEY_ERRORS[code]) {
      this.fatal = new ProviderError(
        KEY_ERRORS[code],
        `The Odds API rejected ODDS_API_KEY (${code}: ${message}); polling stopped until the key is fixed and the server restarted`,
        extra,
      );
      this.opts.log?.error({ error_code: code }, this.fatal.message);
      return this.fatal;
    }
    if (code === 'OUT_OF_USAGE_CREDITS') {
      this.pausedUntil = this.opts.now() + this.opts.creditsPauseMs;
      this.pauseError = new ProviderError(
        'out_of_credits',
        `The Odds API is out of usage credits (${message}); paused for ${Math.round(this.opts.creditsPauseMs / 60_000)} min`,
        extra,
      );
      this.opts.log?.error(
        { error_code: code, paused_until: new Date(this.pausedUntil).toISOString() },
        this.pauseError.message,
      );
      return this.pauseError;
    }
    if (code === 'EXCEEDED_FREQ_LIMIT' || status === 429) {
      return new ProviderError('rate_limited', `The Odds API rate limit hit (${message})`, extra);
    }
    if (status >= 500)
      return new ProviderError('upstream_error', `The Odds API failed with ${status} on ${path}`, extra);
    if (code && SETTING_ERRORS[code]) {
      const setting = SETTING_ERRORS[code];
      return new ProviderError(
        code === 'UNKNOWN_SPORT' ? 'unknown_sport' : 'invalid_setting',
        `The Odds API refused the ${setting} setting (${code}: ${message})`,
        { ...extra, setting },
      );
    }
    if (status === 401) {
      this.fatal = new ProviderError(
        'invalid_key',
        `The Odds API rejected ODDS_API_KEY (HTTP 401: ${message})`,
        extra,
      );
      return this.fatal;
    }
    if (status === 404) {
      return new ProviderError('unknown_sport', `The Odds API does not know ${path} (${message})`, {
        ...extra,
        setting: 'odds_sports',
      });
    }
    return new ProviderError(
      'invalid_setting',
      `The Odds API refused ${path} (${code ?? status}: ${message})`,
      extra,
    );
  }

  private readQuota(headers: Headers): void {
    const num = (name: string) => {
      const v = headers.get(name);
      if (v === null || v.trim() === '') return null;
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    };
    const remaining = num('x-requests-remaining');
    const used = num('x-requests-used');
    const last = num('x-requests-last');
    if (remaining === null && used === null && last === null) return;
    this.quota = {
      remaining: remaining ?? this.quota?.remaining ?? null,
      used: used ?? this.quota?.used ?? null,
      last: last ?? this.quota?.last ?? null,
    };
  }
}

/** Older responses have no market `last_update`: the bookmaker's stands in, so freshness guards work. */
function normalizeEvent(ev: OddsEvent): OddsEvent {
  for (const b of ev.bookmakers) for (const m of b.markets) if (!m.last_update) m.last_update = b.last_update;
  return ev;
}
