/**
 * Bookmakers by The Odds API key, title and regions (a book may serve several regions).
 * The demo provider simulates them; `GET /api/odds?regions=` filters the snapshot with them.
 * @see https://the-odds-api.com/sports-odds-data/bookmaker-apis.html
 */
export type BookKind = 'sharp' | 'soft' | 'exchange';

export interface BookInfo {
  key: string;
  title: string;
  regions: string[];
  kind: BookKind;
}

const b = (key: string, title: string, regions: string[], kind: BookKind = 'soft'): BookInfo => ({
  key,
  title,
  regions,
  kind,
});

export const BOOKS: readonly BookInfo[] = [
  // us
  b('circasports', 'Circa Sports', ['us'], 'sharp'),
  b('draftkings', 'DraftKings', ['us']),
  b('fanduel', 'FanDuel', ['us']),
  b('betmgm', 'BetMGM', ['us']),
  b('williamhill_us', 'Caesars', ['us']),
  b('betrivers', 'BetRivers', ['us']),
  b('bovada', 'Bovada', ['us']),
  b('betonlineag', 'BetOnline.ag', ['us', 'eu']),
  b('mybookieag', 'MyBookie.ag', ['us']),
  b('lowvig', 'LowVig.ag', ['us']),
  b('betus', 'BetUS', ['us']),
  // us2
  b('espnbet', 'ESPN BET', ['us2']),
  b('fliff', 'Fliff', ['us2']),
  b('hardrockbet', 'Hard Rock Bet', ['us2']),
  b('ballybet', 'Bally Bet', ['us2']),
  b('betparx', 'betPARX', ['us2']),
  b('windcreek', 'Betfair Sportsbook', ['us2']),
  b('rebet', 'ReBet', ['us2']),
  b('betanysports', 'BetAnySports', ['us2']),
  // eu
  b('pinnacle', 'Pinnacle', ['eu'], 'sharp'),
  b('betfair_ex_eu', 'Betfair', ['eu'], 'exchange'),
  b('unibet_eu', 'Unibet', ['eu']),
  b('williamhill', 'William Hill', ['eu', 'uk']),
  b('marathonbet', 'Marathon Bet', ['eu']),
  b('sport888', '888sport', ['eu', 'uk']),
  b('onexbet', '1xBet', ['eu']),
  b('betsson', 'Betsson', ['eu']),
  b('nordicbet', 'Nordic Bet', ['eu']),
  b('coolbet', 'Coolbet', ['eu']),
  b('matchbook', 'Matchbook', ['eu', 'uk'], 'exchange'),
  // uk
  b('betfair_ex_uk', 'Betfair', ['uk'], 'exchange'),
  b('skybet', 'Sky Bet', ['uk']),
  b('paddypower', 'Paddy Power', ['uk']),
  b('ladbrokes_uk', 'Ladbrokes', ['uk']),
  b('coral', 'Coral', ['uk']),
  b('betway', 'Betway', ['uk']),
  b('betvictor', 'Bet Victor', ['uk']),
  b('livescorebet', 'LiveScore Bet', ['uk']),
  // au
  b('sportsbet', 'SportsBet', ['au']),
  b('tab', 'TAB', ['au']),
  b('neds', 'Neds', ['au']),
  b('ladbrokes_au', 'Ladbrokes', ['au']),
  b('pointsbetau', 'PointsBet (AU)', ['au']),
  b('betfair_ex_au', 'Betfair', ['au'], 'exchange'),
  b('unibet', 'Unibet', ['au']),
  b('playup', 'PlayUp', ['au']),
  b('betr_au', 'Betr', ['au']),
  b('tabtouch', 'TABtouch', ['au']),
];

export const BOOKS_BY_KEY: ReadonlyMap<string, BookInfo> = new Map(BOOKS.map((x) => [x.key, x]));

/** Whether a bookmaker key serves one of `regions` (unknown books serve none). */
export function bookInRegions(key: string, regions: readonly string[]): boolean {
  const info = BOOKS_BY_KEY.get(key);
  return info?.regions.some((r) => regions.includes(r)) ?? false;
}
