import {
  ArbitrageRequest,
  ArbitrageResponse,
  DevigRequest,
  DevigResponse,
  DutchRequest,
  DutchResponse,
  EvRequest,
  EvResponse,
} from '@evision/contract';
import {
  arbitrage,
  DevigError,
  devig,
  dutch,
  effectivePrice,
  kelly,
  OddsError,
  toDecimal,
} from '@evision/ev-core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { badRequest } from '../../infra/errors';
import { evPercent } from '../ev/hit';

/** Turns an ev-core OddsError/DevigError into a 400 naming the field it came from. */
function asBadRequest(err: unknown, field: string): never {
  if (err instanceof OddsError || err instanceof DevigError || err instanceof RangeError) {
    throw badRequest(`Invalid ${field}: ${err.message}`, [{ field, message: err.message }]);
  }
  throw err;
}

function decimal(
  value: number | string,
  format: 'decimal' | 'american' | 'fractional',
  field: string,
): number {
  try {
    return toDecimal(value, format);
  } catch (err) {
    return asBadRequest(err, field);
  }
}

/** The calculators of the web app, server-side: devig, EV/Kelly, dutching and arbitrage. */
export async function toolsRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearer: [] }];

  r.post(
    '/api/tools/devig',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['tools'],
        summary: 'Fair probabilities and odds of one book market (margin removed)',
        security,
        body: DevigRequest,
        response: { 200: DevigResponse },
      },
    },
    async (request) => {
      const { odds, format, method } = request.body;
      const prices = odds.map((o, i) => decimal(o, format, `odds.${i}`));
      let result: ReturnType<typeof devig>;
      try {
        result = devig(prices, method);
      } catch (err) {
        return asBadRequest(err, err instanceof OddsError ? 'odds' : 'method');
      }
      return {
        fair_probabilities: result.probabilities,
        fair_odds: result.fairOdds,
        margin: result.margin,
        method: result.method,
        params: { ...result.params },
      };
    },
  );

  r.post(
    '/api/tools/ev',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['tools'],
        summary: 'EV and Kelly stake of a price against a fair probability',
        security,
        body: EvRequest,
        response: { 200: EvResponse },
      },
    },
    async (request) => {
      const b = request.body;
      const price = decimal(b.price, b.format, 'price');
      const p = b.fair_probability ?? 1 / decimal(b.fair_odds as number | string, b.format, 'fair_odds');
      const ev = p * effectivePrice(price, 0) - 1;
      let k: number;
      try {
        k = kelly(p, price);
      } catch (err) {
        return asBadRequest(err, 'fair_probability');
      }
      return {
        ev,
        ev_percent: evPercent(ev),
        kelly: k,
        stake: b.bankroll === undefined ? null : b.bankroll * k * b.kelly_multiplier,
      };
    },
  );

  r.post(
    '/api/tools/dutch',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['tools'],
        summary: 'Dutching: stakes that return the same whatever wins',
        security,
        body: DutchRequest,
        response: { 200: DutchResponse },
      },
    },
    async (request) => {
      const b = request.body;
      const prices = b.odds.map((o, i) => decimal(o, b.format, `odds.${i}`));
      let result: ReturnType<typeof dutch>;
      try {
        result = dutch(prices, b.total_stake);
      } catch (err) {
        return asBadRequest(err, err instanceof RangeError ? 'total_stake' : 'odds');
      }
      return { stakes: result.stakes, payout: b.total_stake + result.profit, profit: result.profit };
    },
  );

  r.post(
    '/api/tools/arbitrage',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['tools'],
        summary: 'Arbitrage check of the best price per outcome, net of commission',
        security,
        body: ArbitrageRequest,
        response: { 200: ArbitrageResponse },
      },
    },
    async (request) => {
      const b = request.body;
      const prices = b.odds.map((o, i) => decimal(o, b.format, `odds.${i}`));
      try {
        return arbitrage(prices, b.total_stake, b.commissions);
      } catch (err) {
        return asBadRequest(err, err instanceof RangeError ? 'commissions' : 'odds');
      }
    },
  );
}
