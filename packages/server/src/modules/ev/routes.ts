import { PassThrough } from 'node:stream';
import { EvHitFilters, HitId, OddsHistoryQuery } from '@evision/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest, type FieldError, notFound } from '../../infra/errors';
import { fairSeries } from '../odds/fair';
import { parseHitQuery } from './query';
import type { HitService } from './service';

// Filters are parsed by the handlers (parseHitQuery) so that a cached answer skips parsing
// entirely; the schemas are attached for the OpenAPI document only.
const docsOnly = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

function rawQueryOf(request: FastifyRequest): string {
  const i = request.url.indexOf('?');
  return i < 0 ? '' : request.url.slice(i + 1);
}

function acceptsGzip(request: FastifyRequest): boolean {
  const h = request.headers['accept-encoding'];
  return typeof h === 'string' && /\bgzip\b/.test(h);
}

/** `/api/ev/*` (a user, or a service token with the `feed` scope) and `GET /api/odds/history`. */
export async function evRoutes(app: FastifyInstance, opts: { hits: HitService }) {
  const { hits } = opts;
  const feed = app.requireScope('feed');
  const security = [{ bearer: [] }];

  app.get(
    '/api/ev/hits',
    {
      onRequest: feed,
      ...docsOnly,
      schema: {
        tags: ['ev'],
        summary: 'Current EV hits, filtered, sorted and paged (cursor)',
        security,
        querystring: EvHitFilters.omit({ from: true, to: true, format: true }),
      },
    },
    async (request, reply) => {
      const { body, gzipped } = await hits.listBody(rawQueryOf(request), request.query, acceptsGzip(request));
      reply.header('cache-control', 'no-store');
      if (gzipped) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get(
    '/api/ev/hits/:id',
    {
      onRequest: feed,
      ...docsOnly,
      schema: {
        tags: ['ev'],
        summary: 'One hit with its explain (the id URL-encoded)',
        security,
        params: z.object({ id: HitId }),
      },
    },
    async (request) => {
      const parsed = HitId.safeParse((request.params as { id: unknown }).id);
      if (!parsed.success) {
        throw badRequest('Invalid path parameter: id', [
          { field: 'id', message: parsed.error.issues[0].message },
        ]);
      }
      const id = parsed.data;
      const hit = await hits.detail(id);
      if (!hit) throw notFound('Hit not found', 'hit_not_found');
      return hit;
    },
  );

  app.get(
    '/api/ev/summary',
    {
      onRequest: feed,
      ...docsOnly,
      schema: {
        tags: ['ev'],
        summary: 'Totals of the hits the same filters list',
        security,
        querystring: EvHitFilters,
      },
    },
    async (request) => hits.summary(request.query),
  );

  app.get(
    '/api/ev/history',
    {
      onRequest: feed,
      ...docsOnly,
      schema: {
        tags: ['ev'],
        summary: 'Closed hits with their CLV (from, to bound closed_at)',
        security,
        querystring: EvHitFilters,
      },
    },
    async (request) => hits.history(request.query),
  );

  app.get(
    '/api/ev/export',
    {
      onRequest: feed,
      ...docsOnly,
      schema: {
        tags: ['ev'],
        summary: 'Streamed export: CSV (RFC 4180, UTF-8 BOM) or a JSON array',
        security,
        querystring: EvHitFilters,
      },
    },
    async (request, reply) => {
      const raw = { ...(request.query as Record<string, unknown>) };
      const format = raw.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') {
        throw badRequest('Invalid query parameter: format', [
          { field: 'format', message: 'must be csv or json' },
        ]);
      }
      delete raw.limit;
      const query = parseHitQuery(raw);
      const stream = new PassThrough();
      hits.exportTo(stream, { format, query }).catch((err) => {
        request.log.error({ err }, 'export failed');
        stream.destroy(err as Error);
      });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      reply
        .header('content-disposition', `attachment; filename="evision-hits-${stamp}.${format}"`)
        .header('cache-control', 'no-store')
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      return reply.send(stream);
    },
  );

  app.get(
    '/api/odds/history',
    {
      onRequest: app.requireUser,
      ...docsOnly,
      schema: {
        tags: ['odds'],
        summary: 'Price changes of one line, with the fair price after each change of its market',
        security,
        querystring: OddsHistoryQuery,
      },
    },
    async (request) => {
      const parsed = OddsHistoryQuery.safeParse(request.query);
      if (!parsed.success) {
        const details: FieldError[] = parsed.error.issues.map((i) => ({
          field: (i as { keys?: string[] }).keys?.join(',') || String(i.path[0] ?? 'query'),
          message: i.message,
        }));
        throw badRequest(`Invalid query parameter: ${details.map((d) => d.field).join(', ')}`, details);
      }
      const q = parsed.data;
      const [points, market, meta] = await Promise.all([
        hits.repo.oddsHistory(q),
        hits.repo.marketHistory(q.event_id, q.market),
        hits.repo.eventMeta(q.event_id),
      ]);
      const fair = meta
        ? fairSeries(
            market,
            meta,
            q.market,
            { outcome: q.outcome, point: q.point },
            app.ctx.odds.currentSettings(),
          )
        : [];
      return { points, fair };
    },
  );
}
