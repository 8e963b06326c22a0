import { ErrorBody, OddsQuery, OddsView, SportList } from '@evision/contract';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound, tooManyRequests } from '../../infra/errors';
import { fairLines } from './fair';
import { buildView, type ViewParams, viewCacheKey } from './view';

interface CachedView {
  /** When the provider data behind the view was fetched (ms). */
  fetched_at: number;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `GET /api/sports` and `GET /api/odds`. Reads never call the provider: a view is built from
 * the scanner's snapshot and cached CACHE_TTL s per parameter set (serialized once, sent as is).
 * Only `refresh=true` fetches from the provider now — it spends credits on The Odds API — and
 * is allowed once per ODDS_REFRESH_MIN_INTERVAL per user.
 */
export async function oddsRoutes(app: FastifyInstance) {
  const { ctx } = app;
  const { cache, odds } = ctx;

  ctx.health.register('cache', () => cache.health());
  ctx.health.register('provider', () => {
    const s = odds.status();
    return { status: s.status, detail: s.detail };
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/sports',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['odds'],
        summary: 'Sports the odds provider offers (The Odds API v4 shape)',
        security: [{ bearer: [] }],
        response: { 200: SportList, 401: ErrorBody },
      },
    },
    async () => odds.listSports(),
  );

  r.get(
    '/api/odds',
    {
      preHandler: app.requireUser,
      schema: {
        tags: ['odds'],
        summary: 'Current odds of one tracked sport (The Odds API v4 events)',
        description:
          'A view of the scanner’s latest snapshot, filtered by `regions` / `markets` / `bookmakers` ' +
          '(`bookmakers` wins over `regions`), cached CACHE_TTL seconds per parameter set. Headers: ' +
          '`X-Cache: HIT|MISS`, `X-Data-Age` (seconds since the provider data; absent while the scanner ' +
          'has not fetched the sport yet — the body is then `[]`), `X-Data-Stale: true` when the last ' +
          'fetch failed. `refresh=true` fetches the sport from the provider now (spends The Odds API ' +
          'credits: markets × regions), at most once per ODDS_REFRESH_MIN_INTERVAL seconds per user. ' +
          '`event_id` keeps one event. Each event carries `fair`: the engine’s fair line of each market ' +
          '(devigged sharp consensus, in the requested format) beside the books’ prices.',
        security: [{ bearer: [] }],
        querystring: OddsQuery,
        response: { 200: OddsView, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (!odds.trackedSports().includes(q.sport)) {
        throw notFound(
          `Sport "${q.sport}" is not tracked (ODDS_SPORTS / engine settings odds_sports)`,
          'sport_not_tracked',
        );
      }
      const params: ViewParams = {
        sport: q.sport,
        regions: q.regions,
        markets: q.markets,
        bookmakers: q.bookmakers,
        event_id: q.event_id,
        odds_format: q.odds_format,
      };
      const key = viewCacheKey(params);

      if (q.refresh) {
        await claimRefresh(request.user?.id ?? request.ip);
        await odds.fetchSport(q.sport);
        await odds.invalidateViews(q.sport);
      } else {
        const hit = await cache.get<CachedView>(key);
        if (hit) return send(reply, 'HIT', hit.fetched_at, hit.body, q.sport);
      }

      const snap = odds.snapshot(q.sport);
      const settings = odds.currentSettings();
      const body = JSON.stringify(
        buildView(snap.events, params, (events) => fairLines(events, settings, ctx.now(), q.odds_format)),
      );
      // Nothing fetched yet: answer [] but do not cache it, or the first scan would be hidden.
      if (snap.fetched_at !== null) {
        await cache.set(key, { fetched_at: snap.fetched_at, body } satisfies CachedView);
      }
      return send(reply, 'MISS', snap.fetched_at, body, q.sport);
    },
  );

  function send(
    reply: FastifyReply,
    state: 'HIT' | 'MISS',
    fetchedAt: number | null,
    body: string,
    sport: string,
  ) {
    reply.header('x-cache', state);
    if (fetchedAt !== null) {
      reply.header('x-data-age', String(Math.max(0, Math.floor((ctx.now() - fetchedAt) / 1000))));
    }
    if (odds.snapshot(sport).stale) reply.header('x-data-stale', 'true');
    reply.header('cache-control', 'private, no-cache');
    // A string is sent as is: the view was serialized once when it was built.
    return reply.type(JSON_TYPE).send(body);
  }

  /** One refresh per user per ODDS_REFRESH_MIN_INTERVAL, counted in the shared cache. */
  async function claimRefresh(who: string | number): Promise<void> {
    const interval = ctx.config.odds.refreshMinInterval;
    if (interval <= 0) return;
    const key = `odds-refresh:${who}`;
    const last = await cache.get<number>(key);
    const now = ctx.now();
    if (last !== undefined && now - last < interval * 1000) {
      const wait = (interval * 1000 - (now - last)) / 1000;
      throw tooManyRequests(
        `refresh=true is allowed once every ${interval} s; try again in ${Math.ceil(wait)} s`,
        wait,
        'refresh_too_soon',
      );
    }
    await cache.set(key, now, interval);
  }
}
