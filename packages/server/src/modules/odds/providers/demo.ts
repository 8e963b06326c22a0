import { createHash } from 'node:crypto';
import type { OddsBookmaker, OddsMarket } from '@evision/contract';
import { BOOKS, type BookInfo } from './books';
import { DEMO_SPORTS, type DemoSport } from './demo-sports';
import {
  type EventScore,
  type FetchOddsOptions,
  type OddsEvent,
  type OddsProvider,
  ProviderError,
  type Sport,
} from './types';

/**
 * A seeded market simulator speaking the v4 shape. Each event has true probabilities (logits)
 * that random-walk, with occasional jumps ("news"). Sharp books and exchanges re-price every
 * tick at 2–3 % (exchanges ~1 %); soft books re-price at random intervals of 10–60 s at 4–8 %,
 * each with a small bias. Between their updates a soft book's price is stale, so after a jump
 * it can beat the fair price: a +EV hit that closes when the book catches up, within a minute.
 *
 * Deterministic for a seed and a clock: time advances in fixed ticks from the first call,
 * and every random draw happens in tick order, never in response to a read.
 */
export interface DemoOddsProviderOptions {
  seed: number;
  now: () => number;
  eventsPerSport?: number;
  /** Restrict to these sport keys (default: all the demo knows). */
  sports?: string[];
}

export const DEMO_TICK_MS = 5_000;
/** Beyond this many ticks behind, the simulator jumps in one step instead of replaying each tick. */
const MAX_REPLAY_TICKS = 120;
const DRIFT_SIGMA = 0.012;
const JUMP_PROBABILITY = 1 / 100;
const SOFT_MIN_INTERVAL_MS = 10_000;
const SOFT_MAX_INTERVAL_MS = 60_000;
const RESULTS_KEPT_MS = 3 * 86_400_000;
const LOGIT_BOUND = 2.4;

interface SimBook {
  info: BookInfo;
  margin: number;
  nextUpdate: number;
  lastUpdate: number;
  /** The book's belief per market, outcome order as quoted. */
  h2h: number[];
  spreads: number[];
  totals: number[];
  /** Built on demand from the beliefs; dropped when the book re-prices. */
  built: OddsBookmaker | undefined;
}

interface SimEvent {
  id: string;
  sport: DemoSport;
  home: string;
  away: string;
  commence: number;
  commenceIso: string;
  /** h2h logits in outcome order [home, away, (draw)]; the last stays 0 as the reference. */
  h2h: number[];
  spreads: number;
  totals: number;
  spreadHome: number;
  total: number;
  books: SimBook[];
}

interface FinishedEvent {
  event: SimEvent;
  completeAt: number;
  homeScore: number;
  awayScore: number;
}

interface SportState {
  sport: DemoSport;
  events: SimEvent[];
  finished: FinishedEvent[];
  serial: number;
  lastScheduled: number;
}

export class DemoOddsProvider implements OddsProvider {
  readonly name = 'demo' as const;
  private readonly rng: () => number;
  private readonly now: () => number;
  private readonly perSport: number;
  private readonly seed: number;
  private readonly sports: Map<string, SportState> = new Map();
  private tick = -1;
  /**
   * Books some request has asked for. Only those are simulated (the others cost nothing); a book
   * joins when first requested, priced from the truth at that moment.
   */
  private readonly active: boolean[] = BOOKS.map(() => false);

  constructor(options: DemoOddsProviderOptions) {
    this.seed = options.seed;
    this.rng = sfc32(options.seed);
    this.now = options.now;
    this.perSport = Math.max(1, options.eventsPerSport ?? 12);
    for (const sport of DEMO_SPORTS) {
      if (options.sports && !options.sports.includes(sport.key)) continue;
      this.sports.set(sport.key, { sport, events: [], finished: [], serial: 0, lastScheduled: 0 });
    }
  }

  async listSports(): Promise<Sport[]> {
    return [...this.sports.values()].map(({ sport: s }) => ({
      key: s.key,
      group: s.group,
      title: s.title,
      description: s.description,
      active: true,
      has_outrights: false,
    }));
  }

  async fetchOdds(sport: string, options: FetchOddsOptions): Promise<{ events: OddsEvent[] }> {
    const state = this.sportState(sport);
    const now = this.now();
    this.advance(now);
    const markets = new Set(options.markets);
    if (markets.has('h2h')) markets.add('h2h_lay');
    const byKey = options.bookmakers && options.bookmakers.length > 0 ? new Set(options.bookmakers) : null;
    const wanted = BOOKS.map((info) =>
      byKey ? byKey.has(info.key) : info.regions.some((r) => options.regions.includes(r)),
    );
    this.activate(wanted);
    const allMarkets = ['h2h', 'h2h_lay', 'spreads', 'totals'].every((m) => markets.has(m));
    const events: OddsEvent[] = [];
    for (const ev of state.events) {
      if (ev.commence <= now) continue;
      const bookmakers: OddsBookmaker[] = [];
      for (let i = 0; i < ev.books.length; i++) {
        if (!wanted[i]) continue;
        const full = this.build(ev, ev.books[i]);
        if (allMarkets) {
          bookmakers.push(full);
          continue;
        }
        const kept = full.markets.filter((m) => markets.has(m.key));
        if (kept.length > 0) bookmakers.push({ ...full, markets: kept });
      }
      events.push({
        id: ev.id,
        sport_key: ev.sport.key,
        sport_title: ev.sport.title,
        commence_time: ev.commenceIso,
        home_team: ev.home,
        away_team: ev.away,
        bookmakers,
      });
    }
    return { events };
  }

  async fetchScores(sport: string, options: { daysFrom?: number } = {}): Promise<EventScore[]> {
    const state = this.sportState(sport);
    const now = this.now();
    this.advance(now);
    const out: EventScore[] = [];
    const base = (ev: SimEvent) => ({
      id: ev.id,
      sport_key: ev.sport.key,
      sport_title: ev.sport.title,
      commence_time: ev.commenceIso,
      home_team: ev.home,
      away_team: ev.away,
    });
    const since = options.daysFrom ? now - options.daysFrom * 86_400_000 : Number.POSITIVE_INFINITY;
    for (const f of state.finished) {
      const done = now >= f.completeAt;
      if (done && f.event.commence < since) continue;
      // Live games show the score so far, in proportion to the time played.
      const share = done ? 1 : Math.max(0, (now - f.event.commence) / (f.completeAt - f.event.commence));
      out.push({
        ...base(f.event),
        completed: done,
        scores: [
          { name: f.event.home, score: String(Math.floor(f.homeScore * share)) },
          { name: f.event.away, score: String(Math.floor(f.awayScore * share)) },
        ],
        last_update: iso(done ? f.completeAt : now),
      });
    }
    for (const ev of state.events)
      out.push({ ...base(ev), completed: false, scores: null, last_update: null });
    return out;
  }

  private activate(wanted: boolean[]): void {
    const t = this.tick * DEMO_TICK_MS;
    for (let i = 0; i < wanted.length; i++) {
      if (!wanted[i] || this.active[i]) continue;
      this.active[i] = true;
      for (const state of this.sports.values())
        for (const ev of state.events) this.reprice(ev, ev.books[i], t);
    }
  }

  private sportState(sport: string): SportState {
    const state = this.sports.get(sport);
    if (!state) {
      throw new ProviderError('unknown_sport', `The demo provider has no sport "${sport}"`, {
        setting: 'odds_sports',
      });
    }
    return state;
  }

  /** Runs the simulation up to `now`, tick by tick (or in one leap after a long pause). */
  private advance(now: number): void {
    const target = Math.floor(now / DEMO_TICK_MS);
    if (this.tick < 0) {
      this.tick = target;
      this.init(target * DEMO_TICK_MS);
      return;
    }
    const gap = target - this.tick;
    if (gap <= 0) return;
    if (gap > MAX_REPLAY_TICKS) {
      const leap = gap - MAX_REPLAY_TICKS;
      this.tick += leap;
      this.step(this.tick * DEMO_TICK_MS, Math.sqrt(leap), true);
    }
    while (this.tick < target) {
      this.tick++;
      this.step(this.tick * DEMO_TICK_MS, 1, false);
    }
  }

  private init(t: number): void {
    for (const state of this.sports.values()) {
      const spacing = (state.sport.horizonDays * 86_400_000) / this.perSport;
      // The first game soon, so a fresh start sees events begin and drop off.
      state.lastScheduled = t + 20 * 60_000 + this.rng() * 20 * 60_000 - spacing;
      for (let i = 0; i < this.perSport; i++) state.events.push(this.spawn(state, t, spacing));
    }
  }

  private spawn(state: SportState, t: number, spacing: number): SimEvent {
    const { sport } = state;
    const rng = this.rng;
    const commence = roundTo(
      Math.max(t + 10 * 60_000, state.lastScheduled + spacing * (0.6 + 0.8 * rng())),
      5 * 60_000,
    );
    state.lastScheduled = commence;
    const serial = state.serial++;
    const hi = Math.floor(rng() * sport.teams.length);
    let ai = Math.floor(rng() * (sport.teams.length - 1));
    if (ai >= hi) ai++;
    // Home advantage on average; a spread of team strengths.
    const homeLogit = clamp(0.15 + 0.6 * gauss(rng), LOGIT_BOUND);
    // Soccer: logits of home and away against the draw (0); both stay above DRAW_FLOOR so the draw
    // is never the favourite (its price stays above ~3).
    const h2h = sport.threeWay
      ? [soccerSide(0.6 + 0.45 * gauss(rng)), soccerSide(0.3 + 0.45 * gauss(rng)), 0]
      : [homeLogit, 0];
    const strength = sport.threeWay ? h2h[0] - h2h[1] : homeLogit;
    const ev: SimEvent = {
      id: createHash('md5').update(`${this.seed}:${sport.key}:${serial}`).digest('hex'),
      sport,
      home: sport.teams[hi],
      away: sport.teams[ai],
      commence,
      commenceIso: iso(commence),
      h2h,
      // Lines sit near the median; run/puck lines leave the favourite under 50 % to cover.
      spreads: 0.08 * gauss(rng) + (sport.key === 'baseball_mlb' || sport.key === 'icehockey_nhl' ? -0.5 : 0),
      totals: 0.1 * gauss(rng),
      spreadHome: sport.spreadPoint(strength, rng()),
      total: sport.totalPoint(rng()),
      books: [],
    };
    for (const info of BOOKS) {
      const margin =
        info.kind === 'sharp'
          ? 0.02 + 0.01 * rng()
          : info.kind === 'exchange'
            ? 0.005 + 0.01 * rng()
            : 0.04 + 0.04 * rng();
      const book: SimBook = {
        info,
        margin,
        nextUpdate: 0,
        lastUpdate: 0,
        h2h: [],
        spreads: [],
        totals: [],
        built: undefined,
      };
      ev.books.push(book);
      if (this.active[ev.books.length - 1])
        this.reprice(ev, book, t - Math.floor(rng() * SOFT_MAX_INTERVAL_MS));
    }
    return ev;
  }

  /** One tick (or a leap of `scale` ticks' worth of drift, every book re-pricing). */
  private step(t: number, scale: number, leap: boolean): void {
    const rng = this.rng;
    for (const state of this.sports.values()) {
      this.lifecycle(state, t);
      for (const ev of state.events) {
        const sigma = DRIFT_SIGMA * scale;
        if (ev.sport.threeWay) {
          ev.h2h[0] = soccerSide(ev.h2h[0] + sigma * gauss(rng));
          ev.h2h[1] = soccerSide(ev.h2h[1] + sigma * gauss(rng));
        } else {
          ev.h2h[0] = clamp(ev.h2h[0] + sigma * gauss(rng), LOGIT_BOUND);
        }
        ev.spreads = clamp(ev.spreads + sigma * gauss(rng), 1.5);
        ev.totals = clamp(ev.totals + sigma * gauss(rng), 1.5);
        if (rng() < JUMP_PROBABILITY) {
          const size = (0.15 + 0.2 * rng()) * (rng() < 0.5 ? -1 : 1);
          const which = Math.floor(rng() * 3);
          if (which === 0)
            ev.h2h[0] = ev.sport.threeWay
              ? soccerSide(ev.h2h[0] + size)
              : clamp(ev.h2h[0] + size, LOGIT_BOUND);
          else if (which === 1) ev.spreads = clamp(ev.spreads + size, 1.5);
          else ev.totals = clamp(ev.totals + size, 1.5);
        }
        for (let i = 0; i < ev.books.length; i++) {
          const book = ev.books[i];
          if (this.active[i] && (leap || book.nextUpdate <= t)) this.reprice(ev, book, t);
        }
      }
    }
  }

  /** Events whose start has passed leave the board with a result; new ones are scheduled. */
  private lifecycle(state: SportState, t: number): void {
    const rng = this.rng;
    if (state.events.length > 0 && state.events[0].commence > t) {
      this.trimFinished(state, t);
      return;
    }
    const spacing = (state.sport.horizonDays * 86_400_000) / this.perSport;
    const keep: SimEvent[] = [];
    for (const ev of state.events) {
      if (ev.commence > t) {
        keep.push(ev);
        continue;
      }
      const p = softmax(ev.h2h);
      const u = rng();
      // Outcome order [home, away, draw]; a two-way game cannot end level.
      const result = u < p[0] ? 'home' : u < p[0] + p[1] ? 'away' : 'draw';
      const [w, l] = ev.sport.score(result === 'draw' ? 'draw' : 'win', rng(), rng());
      state.finished.push({
        event: ev,
        completeAt: ev.commence + ev.sport.durationMinutes * 60_000,
        homeScore: result === 'away' ? l : w,
        awayScore: result === 'away' ? w : l,
      });
    }
    while (keep.length < this.perSport) keep.push(this.spawn(state, t, spacing));
    keep.sort((a, b) => a.commence - b.commence);
    state.events = keep;
    this.trimFinished(state, t);
  }

  private trimFinished(state: SportState, t: number): void {
    if (state.finished.length > 0 && state.finished[0].event.commence < t - RESULTS_KEPT_MS) {
      state.finished = state.finished.filter((f) => f.event.commence >= t - RESULTS_KEPT_MS);
    }
  }

  /** The book takes the current truth, with its own bias, and picks its next update time. */
  private reprice(ev: SimEvent, book: SimBook, t: number): void {
    const rng = this.rng;
    const kind = book.info.kind;
    const bias = kind === 'soft' ? 0.03 : book.info.key === 'pinnacle' ? 0 : 0.01;
    const h = ev.h2h.map((x, i) => (i === ev.h2h.length - 1 ? x : x + bias * gauss(rng)));
    book.h2h = softmax(h);
    const s = sigmoid(ev.spreads + bias * gauss(rng));
    book.spreads = [s, 1 - s];
    const o = sigmoid(ev.totals + bias * gauss(rng));
    book.totals = [o, 1 - o];
    book.lastUpdate = Math.max(book.lastUpdate, t - Math.floor(rng() * 1000));
    book.nextUpdate =
      kind === 'soft'
        ? t + SOFT_MIN_INTERVAL_MS + Math.floor(rng() * (SOFT_MAX_INTERVAL_MS - SOFT_MIN_INTERVAL_MS))
        : t + DEMO_TICK_MS * (1 + Math.floor(rng() * 2));
    book.built = undefined;
  }

  /** The v4 bookmaker object for the book's current beliefs (cached until it re-prices). */
  private build(ev: SimEvent, book: SimBook): OddsBookmaker {
    if (book.built) return book.built;
    const at = iso(book.lastUpdate);
    const market = (key: string, names: string[], probs: number[], margin: number, points?: number[]) => {
      const prices = priceWithMargin(probs, margin);
      return {
        key,
        last_update: at,
        outcomes: names.map((name, i) =>
          points ? { name, price: prices[i], point: points[i] } : { name, price: prices[i] },
        ),
      } satisfies OddsMarket;
    };
    const names = ev.sport.threeWay ? [ev.home, ev.away, 'Draw'] : [ev.home, ev.away];
    const markets: OddsMarket[] = [market('h2h', names, book.h2h, book.margin)];
    if (book.info.kind === 'exchange') {
      // Lay prices sit just above the back prices: a small negative "margin".
      const lay = market('h2h_lay', names, book.h2h, -0.012);
      const back = markets[0].outcomes;
      for (let i = 0; i < lay.outcomes.length; i++) {
        lay.outcomes[i].price = Math.max(lay.outcomes[i].price, round2(back[i].price + 0.01));
      }
      markets.push(lay);
    } else {
      markets.push(
        market('spreads', [ev.home, ev.away], book.spreads, book.margin, [ev.spreadHome, -ev.spreadHome]),
        market('totals', ['Over', 'Under'], book.totals, book.margin, [ev.total, ev.total]),
      );
    }
    book.built = { key: book.info.key, title: book.info.title, last_update: at, markets };
    return book.built;
  }
}

/**
 * Applies a margin the way books shade longshots more than favourites: implied q_i = p_i^k with
 * Σ q_i = 1 + margin (the "power" model), solved by Newton's method from k = 1.
 */
export function priceWithMargin(probs: number[], margin: number): number[] {
  const target = 1 + margin;
  let k = 1;
  for (let it = 0; it < 8; it++) {
    let f = -target;
    let df = 0;
    for (const p of probs) {
      const pk = p ** k;
      f += pk;
      df += pk * Math.log(p);
    }
    if (Math.abs(f) < 1e-9 || df === 0) break;
    k -= f / df;
  }
  return probs.map((p) => Math.max(1.01, round2(1 / p ** k)));
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const roundTo = (x: number, step: number) => Math.round(x / step) * step;
const clamp = (x: number, bound: number) => Math.max(-bound, Math.min(bound, x));
const DRAW_FLOOR = 0.15;
const soccerSide = (x: number) => Math.max(DRAW_FLOOR, Math.min(2.6, x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function softmax(xs: number[]): number[] {
  const e = xs.map(Math.exp);
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

function gauss(rng: () => number): number {
  // Box–Muller; 1 − u keeps log away from 0.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** sfc32: small, fast, good enough for a simulation, and seedable. */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}
