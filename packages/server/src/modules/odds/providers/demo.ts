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
 * that random-walk slowly, with occasional jumps ("news"). The feed refreshes each event on its
 * own clock, every 20–30 s (as The Odds API re-reads an event's books, all at once): at each
 * refresh the sharp books and exchanges (2–3 %, exchanges ~1 %) have re-quoted every market,
 * while each soft book (4–8 %) has re-quoted a given market only half the time, and never
 * skips two refreshes running — so a soft price lags by 20–60 s. Each book keeps a small fixed
 * lean per market. A re-quote takes the truth as it is then and rounds it to the price ladder
 * (2 decimals below 2.0, coarser above, like an exchange's), so between news most re-quotes
 * leave the price where it was and only move `last_update`. After a jump a soft price is stale
 * until its book re-quotes, so it can beat the fair price: a +EV hit that closes within a minute.
 * Between an event's refreshes nothing of it changes, so most events are unchanged in a fetch.
 *
 * Deterministic for a seed and a clock: time advances in fixed ticks from the first call,
 * and every random draw happens in tick order, never in response to a read.
 *
 * Cheap to read: a market's v4 object is built when it re-quotes and shared until the next
 * re-quote; bookmaker and event objects are rebuilt only when one of their markets re-quoted.
 * Returned objects are shared between calls and must not be mutated (see `OddsProvider`).
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
/** The truth's drift per tick (logit): slow between news, so most re-quotes keep their price. */
const DRIFT_SIGMA = 0.0003;
const JUMP_PROBABILITY = 1 / 100;
/** An event's refresh period: one of these (ms), drawn when it is scheduled. */
const REFRESH_PERIODS_MS = [20_000, 25_000, 30_000];
/** The chance that a soft book has re-quoted a market by a refresh (it never misses two running). */
const SOFT_REQUOTE_PROBABILITY = 0.5;
/** A book's fixed lean against the truth per market (logit sd, and its bound). */
const LEAN_SD: Record<BookInfo['kind'], number> = { sharp: 0.01, exchange: 0.01, soft: 0.015 };
const LEAN_BOUND = 0.03;
const RESULTS_KEPT_MS = 3 * 86_400_000;
const LOGIT_BOUND = 2.4;

type MarketKey = 'h2h' | 'spreads' | 'totals';

interface SimMarket {
  key: MarketKey;
  /** The book's fixed lean (logit) on the first outcome(s). */
  lean: number[];
  /** A soft book skipped this market at the last refresh (so it re-quotes at the next). */
  skipped: boolean;
  lastUpdate: number;
  /** The v4 objects of the last re-quote (exchanges: h2h and h2h_lay), shared until the next. */
  built: OddsMarket[];
}

interface SimBook {
  info: BookInfo;
  margin: number;
  markets: SimMarket[];
  /** The bookmaker object with every market; dropped when a market re-quotes. */
  built: OddsBookmaker | undefined;
  /** The same restricted to some markets (`sig`), for requests that ask for fewer. */
  filtered: { sig: string; bm: OddsBookmaker | null } | undefined;
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
  /** The feed's refresh period of this event and its next refresh (ms). */
  period: number;
  nextRefresh: number;
  /** The event object last returned for a request signature; dropped when a book re-quotes. */
  view: { sig: string; event: OddsEvent } | undefined;
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
    const marketSig = allMarkets ? '*' : [...markets].sort().join(',');
    const sig = `${wanted.map((w) => (w ? 1 : 0)).join('')}|${marketSig}`;
    const events: OddsEvent[] = [];
    for (const ev of state.events) {
      if (ev.commence <= now) continue;
      if (ev.view?.sig === sig) {
        events.push(ev.view.event);
        continue;
      }
      const bookmakers: OddsBookmaker[] = [];
      for (let i = 0; i < ev.books.length; i++) {
        if (!wanted[i]) continue;
        const book = ev.books[i];
        const full = this.build(book);
        if (allMarkets) {
          bookmakers.push(full);
          continue;
        }
        if (book.filtered?.sig !== marketSig) {
          const kept = full.markets.filter((m) => markets.has(m.key));
          book.filtered = { sig: marketSig, bm: kept.length > 0 ? { ...full, markets: kept } : null };
        }
        if (book.filtered.bm) bookmakers.push(book.filtered.bm);
      }
      const event: OddsEvent = {
        id: ev.id,
        sport_key: ev.sport.key,
        sport_title: ev.sport.title,
        commence_time: ev.commenceIso,
        home_team: ev.home,
        away_team: ev.away,
        bookmakers,
      };
      ev.view = { sig, event };
      events.push(event);
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
        for (const ev of state.events)
          for (const m of ev.books[i].markets) this.requote(ev, ev.books[i], m, t);
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
      period: REFRESH_PERIODS_MS[Math.floor(rng() * REFRESH_PERIODS_MS.length)],
      nextRefresh: 0,
      view: undefined,
    };
    ev.nextRefresh = t + DEMO_TICK_MS * (1 + Math.floor((rng() * ev.period) / DEMO_TICK_MS));
    for (const info of BOOKS) {
      const margin =
        info.kind === 'sharp'
          ? 0.02 + 0.01 * rng()
          : info.kind === 'exchange'
            ? 0.005 + 0.01 * rng()
            : 0.04 + 0.04 * rng();
      const sd = LEAN_SD[info.kind];
      const lean = (n: number) =>
        Array.from({ length: n }, () => (info.key === 'pinnacle' ? 0 : clamp(sd * gauss(rng), LEAN_BOUND)));
      const keys: MarketKey[] = info.kind === 'exchange' ? ['h2h'] : ['h2h', 'spreads', 'totals'];
      const book: SimBook = {
        info,
        margin,
        markets: keys.map((key) => ({
          key,
          lean: lean(key === 'h2h' ? h2h.length - 1 : 1),
          skipped: false,
          lastUpdate: 0,
          built: [],
        })),
        built: undefined,
        filtered: undefined,
      };
      ev.books.push(book);
      if (this.active[ev.books.length - 1]) {
        // As if last re-quoted at an earlier refresh (soft books: up to two back).
        const back = info.kind === 'soft' ? 2 * ev.period : ev.period;
        for (const m of book.markets) this.requote(ev, book, m, t - Math.floor(rng() * back));
      }
    }
    return ev;
  }

  /** One tick (or a leap of `scale` ticks' worth of drift, every book re-pricing). */
  private step(t: number, scale: number, leap: boolean): void {
    const rng = this.rng;
    const active: number[] = [];
    for (let i = 0; i < this.active.length; i++) if (this.active[i]) active.push(i);
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
        if (!leap && ev.nextRefresh > t) continue;
        ev.nextRefresh = t + ev.period;
        for (const i of active) {
          const book = ev.books[i];
          const soft = book.info.kind === 'soft';
          for (const m of book.markets) {
            if (leap || !soft || m.skipped || rng() < SOFT_REQUOTE_PROBABILITY) {
              m.skipped = false;
              this.requote(ev, book, m, t);
            } else m.skipped = true;
          }
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

  /**
   * The book re-quotes one market from the truth now (plus its lean), on the price ladder. The market's v4 object is rebuilt (its `last_update` moves even
   * when the prices stay), and the book's and event's cached objects are dropped.
   */
  private requote(ev: SimEvent, book: SimBook, m: SimMarket, t: number): void {
    m.lastUpdate = Math.max(m.lastUpdate, t - Math.floor(this.rng() * 1000));
    const at = iso(m.lastUpdate);
    if (m.key === 'h2h') {
      const logits = ev.h2h.slice();
      for (let i = 0; i < m.lean.length; i++) logits[i] += m.lean[i];
      const probs = softmax(logits);
      const names = ev.sport.threeWay ? [ev.home, ev.away, 'Draw'] : [ev.home, ev.away];
      const back = priceWithMargin(probs, book.margin);
      m.built = [marketObject('h2h', at, names, back)];
      if (book.info.kind === 'exchange') {
        // Lay prices sit just above the back prices (at least one ladder step).
        const lay = priceWithMargin(probs, -0.012);
        for (let i = 0; i < lay.length; i++) lay[i] = Math.max(lay[i], ladderUp(back[i]));
        m.built.push(marketObject('h2h_lay', at, names, lay));
      }
    } else if (m.key === 'spreads') {
      const s = sigmoid(ev.spreads + m.lean[0]);
      const prices = priceWithMargin([s, 1 - s], book.margin);
      m.built = [marketObject('spreads', at, [ev.home, ev.away], prices, [ev.spreadHome, -ev.spreadHome])];
    } else {
      const o = sigmoid(ev.totals + m.lean[0]);
      const prices = priceWithMargin([o, 1 - o], book.margin);
      m.built = [marketObject('totals', at, ['Over', 'Under'], prices, [ev.total, ev.total])];
    }
    book.built = undefined;
    book.filtered = undefined;
    ev.view = undefined;
  }

  /** The v4 bookmaker object of the book's current quotes (cached until a market re-quotes). */
  private build(book: SimBook): OddsBookmaker {
    if (book.built) return book.built;
    let last = 0;
    const markets: OddsMarket[] = [];
    for (const m of book.markets) {
      if (m.lastUpdate > last) last = m.lastUpdate;
      markets.push(...m.built);
    }
    book.built = { key: book.info.key, title: book.info.title, last_update: iso(last), markets };
    return book.built;
  }
}

function marketObject(
  key: string,
  at: string,
  names: string[],
  prices: number[],
  points?: number[],
): OddsMarket {
  const outcomes: OddsMarket['outcomes'] = [];
  for (let i = 0; i < names.length; i++) {
    outcomes.push(
      points ? { name: names[i], price: prices[i], point: points[i] } : { name: names[i], price: prices[i] },
    );
  }
  return { key, last_update: at, outcomes };
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
  return probs.map((p) => ladder(1 / p ** k));
}

/**
 * The nearest price on the exchange-style ladder: steps of 0.01 up to 2, 0.02 to 3, 0.05 to 4,
 * 0.1 to 6, 0.2 to 10, 0.5 to 20, 1 to 30, 2 to 50, 5 to 100, then 10 (at least 1.01).
 */
export function ladder(price: number): number {
  const step = ladderStep(price);
  return Math.max(1.01, round2(Math.round(price / step) * step));
}

/** The next price up the ladder. */
function ladderUp(price: number): number {
  return round2(price + ladderStep(price + 1e-9));
}

function ladderStep(price: number): number {
  if (price < 2) return 0.01;
  if (price < 3) return 0.02;
  if (price < 4) return 0.05;
  if (price < 6) return 0.1;
  if (price < 10) return 0.2;
  if (price < 20) return 0.5;
  if (price < 30) return 1;
  if (price < 50) return 2;
  if (price < 100) return 5;
  return 10;
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
