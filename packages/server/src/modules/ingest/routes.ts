import {
  IngestHitsRequest,
  IngestHitsResponse,
  IngestOddsRequest,
  IngestOddsResponse,
} from '@evision/contract';
import { OddsError, type OddsEvent, toDecimal } from '@evision/ev-core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { badRequest, type FieldError } from '../../infra/errors';
import type { Scanner } from '../scanner/scanner';

/** Ingest bodies may be large snapshots (ARCHITECTURE §11): 10 MB on these routes only. */
export const INGEST_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * Bots push odds snapshots or ready-made hits with a service token (scope `ingest`).
 * Both are idempotent: odds merge by event and book (an unchanged book changes nothing, line
 * history stores changes only); hits are keyed by their derived id.
 */
export async function ingestRoutes(app: FastifyInstance, opts: { scanner: Scanner }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const guard = app.requireScope('ingest');
  const security = [{ bearer: [] }];

  r.post(
    '/api/ingest/odds',
    {
      onRequest: guard,
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags: ['ingest'],
        summary: 'Merge v4 events into the snapshot (their books replace those books) and price them',
        security,
        body: IngestOddsRequest,
        response: { 200: IngestOddsResponse },
      },
    },
    async (request) => {
      const { events, odds_format } = request.body;
      const details: FieldError[] = [];
      const normalized: OddsEvent[] = events.map((ev, e) => ({
        ...ev,
        bookmakers: ev.bookmakers.map((bm, b) => ({
          ...bm,
          markets: bm.markets.map((mk, m) => ({
            ...mk,
            outcomes: mk.outcomes.map((o, i) => {
              let price = Number.NaN;
              try {
                price = toDecimal(o.price, odds_format);
              } catch (err) {
                if (!(err instanceof OddsError)) throw err;
                details.push({
                  field: `events.${e}.bookmakers.${b}.markets.${m}.outcomes.${i}.price`,
                  message: err.message,
                });
              }
              return { ...o, price };
            }),
          })),
        })),
      }));
      if (details.length) throw badRequest('Invalid odds', details.slice(0, 50));
      return opts.scanner.ingestOdds(normalized);
    },
  );

  r.post(
    '/api/ingest/hits',
    {
      onRequest: guard,
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags: ['ingest'],
        summary: 'Push bot hits; they close when not re-sent within ttl_seconds',
        security,
        body: IngestHitsRequest,
        response: { 200: IngestHitsResponse },
      },
    },
    async (request) => opts.scanner.ingestHits(request.body.hits, request.body.ttl_seconds),
  );
}
