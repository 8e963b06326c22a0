import {
  ErrorBody,
  type PublicUpcomingEvent,
  PublicUpcomingQuery,
  PublicUpcomingResponse,
} from '@evision/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/**
 * `GET /api/public/upcoming`: the tracked sports' upcoming events and start times for the public
 * page — no login, never a price (prices are for users). Read from the scanner's snapshots,
 * under the default per-client rate limit (RATE_LIMIT_DEFAULT a minute).
 */
export async function publicRoutes(app: FastifyInstance) {
  const { ctx } = app;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/public/upcoming',
    {
      schema: {
        tags: ['public'],
        summary: 'Upcoming events and start times of the tracked sports (no login, no prices)',
        querystring: PublicUpcomingQuery,
        response: { 200: PublicUpcomingResponse, 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { sport, limit } = request.query;
      const now = ctx.now();
      const sports = ctx.odds.trackedSports().filter((s) => !sport || s === sport);
      const events: PublicUpcomingEvent[] = [];
      for (const s of sports) {
        for (const ev of ctx.odds.snapshot(s).events) {
          if (!(Date.parse(ev.commence_time) > now)) continue;
          events.push({
            id: ev.id,
            sport_key: ev.sport_key,
            sport_title: ev.sport_title,
            commence_time: ev.commence_time,
            home_team: ev.home_team,
            away_team: ev.away_team,
          });
        }
      }
      events.sort((a, b) => a.commence_time.localeCompare(b.commence_time) || a.id.localeCompare(b.id));
      reply.header('cache-control', 'public, max-age=30');
      return { events: events.slice(0, limit), generated_at: new Date(now).toISOString() };
    },
  );
}
