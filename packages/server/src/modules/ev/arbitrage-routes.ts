import { EvArbitrageQuery, EvArbitrageResponse } from '@evision/contract';
import { findArbitrage, type OddsEvent } from '@evision/ev-core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { notFound } from '../../infra/errors';
import type { OddsService } from '../odds/service';

/**
 * `GET /api/ev/arbitrage` (a user, or a `feed` service token): sure bets over the current odds
 * snapshot of the tracked sports, with the engine's freshness guards (started events and prices
 * older than `soft_max_age` are left out) and net of each exchange's commission.
 */
export async function arbitrageRoutes(app: FastifyInstance, opts: { odds: OddsService; now: () => number }) {
  const { odds, now } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/ev/arbitrage',
    {
      onRequest: app.requireScope('feed'),
      schema: {
        tags: ['ev'],
        summary: 'Live arbitrage across books, net of exchange commission',
        security: [{ bearer: [] }],
        querystring: EvArbitrageQuery,
        response: { 200: EvArbitrageResponse },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const settings = await odds.readSettings();
      const tracked = settings.odds_sports;
      if (q.sport && !tracked.includes(q.sport)) {
        throw notFound(
          `Sport "${q.sport}" is not tracked (ODDS_SPORTS / engine settings odds_sports)`,
          'sport_not_tracked',
        );
      }
      const at = now();
      const byId = new Map<string, OddsEvent>();
      for (const sport of q.sport ? [q.sport] : tracked) {
        for (const ev of odds.snapshot(sport).events) byId.set(ev.id, ev);
      }
      const found = findArbitrage([...byId.values()], {
        totalStake: q.total_stake,
        minMargin: q.min_margin,
        markets: q.market ? [q.market] : settings.odds_markets,
        maxAgeSeconds: settings.soft_max_age,
        commission: settings.exchange_commission,
        now: at,
      }).sort((a, b) => b.margin - a.margin || a.event_id.localeCompare(b.event_id));
      reply.header('cache-control', 'no-store');
      return {
        arbitrages: found.map((a) => {
          const ev = byId.get(a.event_id) as OddsEvent;
          return {
            event_id: a.event_id,
            sport: ev.sport_key,
            event: `${ev.away_team} @ ${ev.home_team}`,
            commence_time: new Date(Date.parse(ev.commence_time)).toISOString(),
            market: a.market,
            point: a.point,
            legs: a.legs,
            margin: a.margin,
            profit: a.profit,
          };
        }),
        total_stake: q.total_stake,
        last_updated: new Date(at).toISOString(),
      };
    },
  );
}
