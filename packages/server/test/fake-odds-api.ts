import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A local HTTP server speaking The Odds API v4 (`/v4/sports`, `/odds`, `/scores`) from the
 * fixtures in test/fixtures/odds, with quota headers and switches for every documented error.
 * Bodies of errors are `{message, error_code, details_url}` like the real API.
 * @see https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'odds');
const DOCS = 'https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html';

export type FakeErrorCode =
  | 'MISSING_KEY'
  | 'INVALID_KEY'
  | 'DEACTIVATED_KEY'
  | 'OUT_OF_USAGE_CREDITS'
  | 'EXCEEDED_FREQ_LIMIT'
  | 'INVALID_MARKET'
  | 'MISSING_REGION'
  | 'UNKNOWN_SPORT';

const ERRORS: Record<FakeErrorCode, { status: number; message: string }> = {
  MISSING_KEY: { status: 401, message: 'API key is missing. Get an API key at https://the-odds-api.com' },
  INVALID_KEY: { status: 401, message: 'API key is not valid. Get an API key at https://the-odds-api.com' },
  DEACTIVATED_KEY: { status: 401, message: 'API key has been deactivated' },
  OUT_OF_USAGE_CREDITS: {
    status: 401,
    message: 'Usage quota has been reached. See usage plans at https://the-odds-api.com',
  },
  EXCEEDED_FREQ_LIMIT: { status: 429, message: 'Requests are being sent too frequently' },
  INVALID_MARKET: { status: 422, message: 'Markets not supported by this endpoint: player_points' },
  MISSING_REGION: { status: 422, message: 'Missing regions or bookmakers key' },
  UNKNOWN_SPORT: { status: 404, message: 'Unknown sport' },
};

/** One scripted answer, used instead of the normal one. */
export type FakeReply =
  | { error: FakeErrorCode }
  | { status: number; raw: string; contentType?: string }
  | { delayMs: number }
  | { malformedJson: true };

export interface FakeRequest {
  path: string;
  query: Record<string, string>;
}

export interface FakeOddsApi {
  url: string;
  apiKey: string;
  requests: FakeRequest[];
  /** Credits left; each /odds call costs markets × regions (or × bookmakers/10), like the real API. */
  quota: { remaining: number; used: number };
  /** Answers the next calls with these, in order (then back to normal). */
  queue(...replies: FakeReply[]): void;
  /** Every call answers this until cleared (`undefined`). */
  always: FakeReply | undefined;
  /** Extra raw events appended to /odds answers (to test malformed-event dropping). */
  extraEvents: unknown[];
  count(pathPart: string): number;
  close(): Promise<void>;
}

const MARKETS = new Set(['h2h', 'spreads', 'totals', 'h2h_lay', 'outrights']);
const REGIONS = new Set(['us', 'us2', 'uk', 'au', 'eu']);

export async function startFakeOddsApi(
  options: { apiKey?: string; remaining?: number } = {},
): Promise<FakeOddsApi> {
  const apiKey = options.apiKey ?? 'test-odds-key';
  const pending: FakeReply[] = [];
  const state: FakeOddsApi = {
    url: '',
    apiKey,
    requests: [],
    quota: { remaining: options.remaining ?? 500, used: 0 },
    queue: (...replies) => pending.push(...replies),
    always: undefined,
    extraEvents: [],
    count: (part) => state.requests.filter((r) => r.path.includes(part)).length,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const fixture = (name: string): unknown | undefined => {
    try {
      return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  };

  const send = (res: ServerResponse, status: number, body: unknown, last = 0) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-requests-remaining': String(state.quota.remaining),
      'x-requests-used': String(state.quota.used),
      'x-requests-last': String(last),
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, code: FakeErrorCode) => {
    const e = ERRORS[code];
    send(res, e.status, {
      message: e.message,
      error_code: code,
      details_url: `${DOCS}#${code.toLowerCase()}`,
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    state.requests.push({ path: url.pathname, query });

    const scripted = pending.shift() ?? state.always;
    if (scripted) {
      if ('delayMs' in scripted) await new Promise((r) => setTimeout(r, scripted.delayMs));
      else if ('error' in scripted) return fail(res, scripted.error);
      else if ('malformedJson' in scripted) return send(res, 200, '[{"id": "broken",');
      else {
        res.writeHead(scripted.status, { 'content-type': scripted.contentType ?? 'text/html' });
        return res.end(scripted.raw);
      }
    }

    if (!query.apiKey) return fail(res, 'MISSING_KEY');
    if (query.apiKey !== apiKey) return fail(res, 'INVALID_KEY');

    if (url.pathname === '/v4/sports' || url.pathname === '/v4/sports/')
      return send(res, 200, fixture('sports'));

    const m = /^\/v4\/sports\/([^/]+)\/(odds|scores)\/?$/.exec(url.pathname);
    if (!m) return send(res, 404, { message: 'Not found', error_code: 'NOT_FOUND', details_url: DOCS });
    const [, sport, kind] = m;
    if (kind === 'scores') {
      const scores = fixture(`scores_${sport}`);
      if (!scores) return fail(res, 'UNKNOWN_SPORT');
      const cost = query.daysFrom ? 2 : 1;
      state.quota.remaining -= cost;
      state.quota.used += cost;
      return send(res, 200, scores, cost);
    }
    const events = fixture(sport);
    if (!events) return fail(res, 'UNKNOWN_SPORT');
    const markets = (query.markets ?? 'h2h').split(',');
    if (markets.some((x) => !MARKETS.has(x))) return fail(res, 'INVALID_MARKET');
    const regions = query.regions ? query.regions.split(',') : [];
    if (regions.length === 0 && !query.bookmakers) return fail(res, 'MISSING_REGION');
    if (regions.some((x) => !REGIONS.has(x))) {
      return send(res, 422, { message: 'Invalid regions', error_code: 'INVALID_REGION', details_url: DOCS });
    }
    const cost = markets.length * Math.max(1, regions.length);
    if (state.quota.remaining < cost) return fail(res, 'OUT_OF_USAGE_CREDITS');
    state.quota.remaining -= cost;
    state.quota.used += cost;
    return send(res, 200, [...(events as unknown[]), ...state.extraEvents], cost);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
