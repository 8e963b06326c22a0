import type { Bet, BetCreate, BetListQuery, BetResult, BetUpdate } from '@evision/contract';
import { OddsError, toDecimal } from '@evision/ev-core';
import type { AuditChain } from '../../infra/audit/chain';
import { AppError, badRequest, notFound } from '../../infra/errors';
import type { HitService } from '../ev/service';
import type { BetInsert, BetRepo, BetRow } from './repo';
import { payoutFor } from './settle-math';

/** A fair line read "at logging" only counts when the bet is placed now (not a past placed_at). */
const NOW_TOLERANCE_MS = 5 * 60_000;

export interface Actor {
  id: number;
  username: string;
  ip?: string;
}

function decimalPrice(value: number | string, format: 'decimal' | 'american' | 'fractional'): number {
  let price: number;
  try {
    price = toDecimal(value, format);
  } catch (err) {
    if (err instanceof OddsError || err instanceof RangeError) {
      throw badRequest(`Invalid price: ${err.message}`, [{ field: 'price', message: err.message }]);
    }
    throw err;
  }
  if (!(price > 1) || !Number.isFinite(price)) {
    throw badRequest('Invalid price: must be decimal odds > 1', [
      { field: 'price', message: 'must be decimal odds > 1 once converted' },
    ]);
  }
  return price;
}

const missing = (field: string) =>
  badRequest(`Missing field: ${field}`, [{ field, message: 'is required (no hit_id to fill it from)' }]);

export function betView(r: BetRow): Bet {
  const payout = r.payout;
  return {
    id: r.id,
    hit_id: r.hitId,
    event_id: r.eventId,
    sport: r.sport,
    event: r.event,
    market: r.market,
    outcome: r.outcome,
    point: r.point,
    book: r.book,
    price: r.price,
    stake: r.stake,
    placed_at: r.placedAt.toISOString(),
    notes: r.notes,
    fair_odds_at_placement: r.fairOddsAtPlacement,
    fair_source: r.fairSource,
    ev: r.fairOddsAtPlacement === null ? null : r.price / r.fairOddsAtPlacement - 1,
    closing_fair_odds: r.closingFairOdds,
    clv: r.clv,
    clv_expected: r.clvExpected,
    status: r.result === null ? 'open' : 'settled',
    result: r.result,
    payout,
    profit: payout === null ? null : payout - r.stake,
    settled_at: r.settledAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  };
}

export class BetService {
  constructor(
    readonly repo: BetRepo,
    private readonly deps: { hits: HitService; audit: AuditChain; now: () => number },
  ) {}

  /** The fair odds of this line right now (any book's active hit on it), or null. */
  private fairNow(eventId: string, market: string, outcome: string, point: number | null): number | null {
    for (const h of this.deps.hits.book.active()) {
      if (h.event_id === eventId && h.market === market && h.outcome === outcome && h.point === point) {
        return h.fair_odds;
      }
    }
    return null;
  }

  async create(userId: number, b: BetCreate): Promise<Bet> {
    const now = this.deps.now();
    const placedAt = b.placed_at ? new Date(b.placed_at) : new Date(now);
    if (placedAt.getTime() > now + NOW_TOLERANCE_MS) {
      throw badRequest('Invalid placed_at: in the future', [
        { field: 'placed_at', message: 'must not be in the future' },
      ]);
    }
    let fromHit: Awaited<ReturnType<HitService['detail']>>;
    if (b.hit_id !== undefined) {
      fromHit = await this.deps.hits.detail(b.hit_id);
      if (!fromHit)
        throw new AppError(400, 'hit_not_found', 'Unknown hit_id', [
          { field: 'hit_id', message: 'no such hit' },
        ]);
    }
    const h = fromHit;
    const eventId = b.event_id ?? h?.event_id ?? null;
    const sport = b.sport ?? h?.sport;
    const event = b.event ?? h?.event;
    const market = b.market ?? h?.market;
    const outcome = b.outcome ?? h?.outcome;
    const book = b.book ?? h?.book;
    const point = b.point !== undefined ? b.point : (h?.point ?? null);
    if (sport === undefined) throw missing('sport');
    if (event === undefined) throw missing('event');
    if (market === undefined) throw missing('market');
    if (outcome === undefined) throw missing('outcome');
    if (book === undefined) throw missing('book');
    let price: number;
    if (b.price !== undefined) price = decimalPrice(b.price, b.odds_format);
    else if (h) price = h.price;
    else throw missing('price');

    let fair: number | null = null;
    let fairSource: BetInsert['fairSource'] = null;
    const sameLine =
      h && h.event_id === eventId && h.market === market && h.outcome === outcome && h.point === point;
    if (sameLine) {
      fair = h.fair_odds;
      fairSource = 'hit';
    } else if (eventId !== null && Math.abs(placedAt.getTime() - now) <= NOW_TOLERANCE_MS) {
      fair = this.fairNow(eventId, market, outcome, point);
      if (fair !== null) fairSource = 'line_at_logging';
    }
    const clvExpected = eventId !== null && (sameLine || (await this.repo.eventKnown(eventId)));
    const row = await this.repo.insert({
      userId,
      hitId: b.hit_id ?? null,
      eventId,
      sport,
      event,
      market,
      outcome,
      point,
      book,
      price,
      stake: b.stake,
      placedAt,
      notes: b.notes ?? null,
      fairOddsAtPlacement: fair,
      fairSource,
      clvExpected: Boolean(clvExpected),
    });
    // The event may have started already: its closing line is then known.
    if (eventId !== null && clvExpected) {
      await this.repo.fillClosing(eventId);
      return betView((await this.repo.byId(userId, row.id)) ?? row);
    }
    return betView(row);
  }

  async get(userId: number, id: number): Promise<Bet> {
    const row = await this.repo.byId(userId, id);
    if (!row) throw notFound('Bet not found', 'bet_not_found');
    return betView(row);
  }

  async list(userId: number, q: BetListQuery): Promise<{ bets: Bet[]; next_cursor: string | null }> {
    const limit = q.limit ?? 50;
    const rows = await this.repo.list(userId, {
      status: q.status,
      result: q.result,
      sport: q.sport,
      book: q.book,
      limit: limit + 1,
      before: q.cursor === undefined ? undefined : Number(q.cursor),
    });
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return { bets: page.map(betView), next_cursor: more ? String(page[page.length - 1]!.id) : null };
  }

  async update(actor: Actor, id: number, u: BetUpdate): Promise<Bet> {
    const row = await this.repo.byId(actor.id, id);
    if (!row) throw notFound('Bet not found', 'bet_not_found');
    const patch: Partial<BetInsert> = { updatedAt: new Date(this.deps.now()) };
    if (u.event_id !== undefined) {
      patch.eventId = u.event_id;
      patch.clvExpected = u.event_id !== null && (await this.repo.eventKnown(u.event_id));
    }
    if (u.sport !== undefined) patch.sport = u.sport;
    if (u.event !== undefined) patch.event = u.event;
    if (u.market !== undefined) patch.market = u.market;
    if (u.outcome !== undefined) patch.outcome = u.outcome;
    if (u.point !== undefined) patch.point = u.point;
    if (u.book !== undefined) patch.book = u.book;
    if (u.notes !== undefined) patch.notes = u.notes;
    if (u.placed_at !== undefined) patch.placedAt = new Date(u.placed_at);
    if (u.stake !== undefined) patch.stake = u.stake;
    if (u.price !== undefined) patch.price = decimalPrice(u.price, u.odds_format);
    const lineMoved = ['event_id', 'market', 'outcome', 'point', 'price'].some(
      (k) => u[k as keyof BetUpdate] !== undefined,
    );
    if (lineMoved) {
      // The stored closing line no longer describes this bet; refilled below when known.
      patch.closingFairOdds = null;
      patch.clv = null;
    }
    const price = patch.price ?? row.price;
    const stake = patch.stake ?? row.stake;
    let corrected: { from: BetResult | null; to: BetResult | null } | undefined;
    if (u.result !== undefined) {
      if (row.result !== null && u.result !== row.result && u.correction !== true) {
        throw new AppError(
          409,
          'bet_settled',
          'The bet is already settled: send correction: true to change its result',
          [{ field: 'result', message: `already settled as ${row.result}` }],
        );
      }
      if (row.result !== null && u.result !== row.result) corrected = { from: row.result, to: u.result };
      patch.result = u.result;
      patch.settledAt = u.result === null ? null : new Date(this.deps.now());
    }
    const result = patch.result !== undefined ? patch.result : row.result;
    patch.payout = result === null ? null : payoutFor(result, stake, price);
    const updated = await this.repo.update(actor.id, id, patch);
    if (!updated) throw notFound('Bet not found', 'bet_not_found');
    if (corrected) {
      await this.deps.audit.append({
        type: 'BET_CORRECTED',
        message: `bet ${id} result corrected from ${corrected.from} to ${corrected.to}`,
        userId: actor.id,
        username: actor.username,
        ip: actor.ip ?? null,
        details: { bet_id: id, ...corrected },
      });
    }
    if (lineMoved && updated.eventId !== null) {
      await this.repo.fillClosing(updated.eventId);
      return betView((await this.repo.byId(actor.id, id)) ?? updated);
    }
    return betView(updated);
  }

  async delete(userId: number, id: number): Promise<void> {
    if (!(await this.repo.delete(userId, id))) throw notFound('Bet not found', 'bet_not_found');
  }

  /** Called when a closing line is stored (the scanner at kick-off): fills CLV of the event's open bets. */
  async onClosingLine(eventId: string): Promise<number> {
    return this.repo.fillClosing(eventId);
  }
}
