/** A recognisable badge per book without remote logos: a stable colour and a short name. */
const NAMES: Record<string, string> = {
  pinnacle: 'Pinnacle',
  fanduel: 'FanDuel',
  draftkings: 'DraftKings',
  betmgm: 'BetMGM',
  williamhill_us: 'Caesars',
  betrivers: 'BetRivers',
  bovada: 'Bovada',
  betonlineag: 'BetOnline',
  mybookieag: 'MyBookie',
  lowvig: 'LowVig',
  betfair_ex_eu: 'Betfair',
  betfair_ex_au: 'Betfair AU',
  sportsbet: 'Sportsbet',
  tab: 'TAB',
  neds: 'Neds',
  ladbrokes_au: 'Ladbrokes',
  unibet: 'Unibet',
  bet365: 'bet365',
  circasports: 'Circa',
  matchbook: 'Matchbook',
};

export function bookName(key: string): string {
  return NAMES[key] ?? key.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

export function bookHue(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) % 360;
  return h;
}

export function BookBadge({ book }: { book: string }) {
  return (
    <span className="badge board-book" style={{ '--book-hue': bookHue(book) } as React.CSSProperties}>
      {bookName(book)}
    </span>
  );
}
