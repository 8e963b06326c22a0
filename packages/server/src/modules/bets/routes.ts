import {
  Bet,
  BetCreate,
  BetListQuery,
  BetListResponse,
  BetSummary,
  BetUpdate,
  DecimalId,
  ErrorBody,
} from '@evision/contract';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BetService } from './service';
import { betView } from './service';
import { summarize } from './summary';

const EXPORT_COLUMNS = [
  'id',
  'placed_at',
  'sport',
  'event',
  'event_id',
  'market',
  'outcome',
  'point',
  'book',
  'price',
  'stake',
  'fair_odds_at_placement',
  'fair_source',
  'ev',
  'closing_fair_odds',
  'clv',
  'result',
  'payout',
  'profit',
  'settled_at',
  'hit_id',
  'notes',
] as const;

const IdParams = z.strictObject({ id: DecimalId });

/** `/api/bets`: a user's own bets (never another user's: their ids answer 404). */
export async function betRoutes(app: FastifyInstance, opts: { bets: BetService }) {
  const { bets } = opts;
  const { ctx } = app;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { tags: ['bets'], security: [{ bearer: [] }] };
  const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };

  r.post(
    '/api/bets',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Log a bet (from a hit or by hand)',
        body: BetCreate,
        response: { 201: Bet, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await bets.create(request.user.id, request.body)),
  );

  r.get(
    '/api/bets',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'My bets, newest first (cursor paging)',
        querystring: BetListQuery,
        response: { 200: BetListResponse, ...errors },
      },
    },
    async (request) => bets.list(request.user.id, request.query),
  );

  r.get(
    '/api/bets/summary',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Totals of my bets, by book, sport, market and month',
        response: { 200: BetSummary, ...errors },
      },
    },
    async (request) => {
      const [rows, settings] = await Promise.all([
        bets.repo.all(request.user.id),
        ctx.users.getSettings(request.user.id),
      ]);
      return summarize(rows, settings.timezone);
    },
  );

  r.get(
    '/api/bets/export',
    {
      onRequest: app.requireUser,
      schema: { ...base, summary: 'My bets as CSV (RFC 4180, UTF-8 BOM)' },
    },
    async (request, reply) => {
      const rows = (await bets.repo.all(request.user.id)).map(betView);
      const csv = stringify(rows, {
        header: true,
        columns: [...EXPORT_COLUMNS],
        bom: true,
        record_delimiter: '\r\n',
        cast: {
          boolean: (v) => (v ? 'true' : 'false'),
          // Spreadsheet formula injection: text cells starting with = + - @ tab CR get a leading '.
          string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v),
        },
      });
      const stamp = new Date(ctx.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return reply
        .header('content-disposition', `attachment; filename="evision-bets-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );

  r.get(
    '/api/bets/:id',
    {
      onRequest: app.requireUser,
      schema: { ...base, summary: 'One of my bets', params: IdParams, response: { 200: Bet, ...errors } },
    },
    async (request) => bets.get(request.user.id, request.params.id),
  );

  r.patch(
    '/api/bets/:id',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Edit a bet; `result` settles it (a settled one only with correction: true, audited)',
        params: IdParams,
        body: BetUpdate,
        response: { 200: Bet, ...errors },
      },
    },
    async (request) =>
      bets.update(
        { id: request.user.id, username: request.user.username, ip: request.ip },
        request.params.id,
        request.body,
      ),
  );

  r.delete(
    '/api/bets/:id',
    {
      onRequest: app.requireUser,
      schema: {
        ...base,
        summary: 'Delete one of my bets',
        params: IdParams,
        response: { 204: z.null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await bets.delete(request.user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
