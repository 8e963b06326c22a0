import type { Sport } from './types';

/** How the demo simulator prices one sport: teams, lines and scores that look like the real thing. */
export interface DemoSport extends Sport {
  teams: readonly string[];
  /** Soccer: h2h has a Draw outcome. */
  threeWay: boolean;
  /** Spread for the home side given its win-probability logit: ±x.5 lines or a fixed run/puck line. */
  spreadPoint(homeLogit: number, u: number): number;
  /** The total's line; `u` is a uniform draw. */
  totalPoint(u: number): number;
  /** Minutes from start to final result. */
  durationMinutes: number;
  /** Events are scheduled over this many days ahead. */
  horizonDays: number;
  /** Final score [winner, loser] (or [a, a] for a draw); `u1`, `u2` uniform draws. */
  score(outcome: 'win' | 'draw', u1: number, u2: number): [number, number];
}

const halfPoint = (margin: number) => {
  const h = Math.floor(Math.abs(margin)) + 0.5;
  return margin >= 0 ? -h : h;
};
const pick = <T>(xs: readonly T[], u: number): T => xs[Math.min(xs.length - 1, Math.floor(u * xs.length))];

export const DEMO_SPORTS: readonly DemoSport[] = [
  {
    key: 'americanfootball_nfl',
    group: 'American Football',
    title: 'NFL',
    description: 'US Football',
    active: true,
    has_outrights: false,
    threeWay: false,
    // ~6.5 points per unit of logit: p 0.75 → about −7.5.
    spreadPoint: (s) => halfPoint(s * 6.5),
    totalPoint: (u) => 38.5 + Math.floor(u * 13),
    durationMinutes: 195,
    horizonDays: 6,
    score: (o, u1, u2) => {
      const loser = pick([3, 6, 10, 13, 14, 17, 20, 21, 24, 27], u1);
      return o === 'draw' ? [loser, loser] : [loser + 1 + Math.floor(u2 * 14), loser];
    },
    teams: [
      'Arizona Cardinals',
      'Atlanta Falcons',
      'Baltimore Ravens',
      'Buffalo Bills',
      'Carolina Panthers',
      'Chicago Bears',
      'Cincinnati Bengals',
      'Cleveland Browns',
      'Dallas Cowboys',
      'Denver Broncos',
      'Detroit Lions',
      'Green Bay Packers',
      'Houston Texans',
      'Indianapolis Colts',
      'Jacksonville Jaguars',
      'Kansas City Chiefs',
      'Las Vegas Raiders',
      'Los Angeles Chargers',
      'Los Angeles Rams',
      'Miami Dolphins',
      'Minnesota Vikings',
      'New England Patriots',
      'New Orleans Saints',
      'New York Giants',
      'New York Jets',
      'Philadelphia Eagles',
      'Pittsburgh Steelers',
      'San Francisco 49ers',
      'Seattle Seahawks',
      'Tampa Bay Buccaneers',
      'Tennessee Titans',
      'Washington Commanders',
    ],
  },
  {
    key: 'basketball_nba',
    group: 'Basketball',
    title: 'NBA',
    description: 'US Basketball',
    active: true,
    has_outrights: false,
    threeWay: false,
    spreadPoint: (s) => halfPoint(s * 9),
    totalPoint: (u) => 212.5 + Math.floor(u * 22),
    durationMinutes: 150,
    horizonDays: 3,
    score: (o, u1, u2) => {
      const loser = 96 + Math.floor(u1 * 22);
      return o === 'draw' ? [loser, loser] : [loser + 1 + Math.floor(u2 * 18), loser];
    },
    teams: [
      'Atlanta Hawks',
      'Boston Celtics',
      'Brooklyn Nets',
      'Charlotte Hornets',
      'Chicago Bulls',
      'Cleveland Cavaliers',
      'Dallas Mavericks',
      'Denver Nuggets',
      'Detroit Pistons',
      'Golden State Warriors',
      'Houston Rockets',
      'Indiana Pacers',
      'Los Angeles Clippers',
      'Los Angeles Lakers',
      'Memphis Grizzlies',
      'Miami Heat',
      'Milwaukee Bucks',
      'Minnesota Timberwolves',
      'New Orleans Pelicans',
      'New York Knicks',
      'Oklahoma City Thunder',
      'Orlando Magic',
      'Philadelphia 76ers',
      'Phoenix Suns',
      'Portland Trail Blazers',
      'Sacramento Kings',
      'San Antonio Spurs',
      'Toronto Raptors',
      'Utah Jazz',
      'Washington Wizards',
    ],
  },
  {
    key: 'baseball_mlb',
    group: 'Baseball',
    title: 'MLB',
    description: 'Major League Baseball',
    active: true,
    has_outrights: false,
    threeWay: false,
    // The run line: the favourite gives 1.5 runs.
    spreadPoint: (s) => (s >= 0 ? -1.5 : 1.5),
    totalPoint: (u) => pick([7.5, 8.5, 8.5, 8.5, 9.5], u),
    durationMinutes: 180,
    horizonDays: 3,
    score: (o, u1, u2) => {
      const loser = Math.floor(u1 * 6);
      return o === 'draw' ? [loser + 1, loser] : [loser + 1 + Math.floor(u2 * 4), loser];
    },
    teams: [
      'Arizona Diamondbacks',
      'Atlanta Braves',
      'Baltimore Orioles',
      'Boston Red Sox',
      'Chicago Cubs',
      'Chicago White Sox',
      'Cincinnati Reds',
      'Cleveland Guardians',
      'Colorado Rockies',
      'Detroit Tigers',
      'Houston Astros',
      'Kansas City Royals',
      'Los Angeles Angels',
      'Los Angeles Dodgers',
      'Miami Marlins',
      'Milwaukee Brewers',
      'Minnesota Twins',
      'New York Mets',
      'New York Yankees',
      'Oakland Athletics',
      'Philadelphia Phillies',
      'Pittsburgh Pirates',
      'San Diego Padres',
      'San Francisco Giants',
      'Seattle Mariners',
      'St. Louis Cardinals',
      'Tampa Bay Rays',
      'Texas Rangers',
      'Toronto Blue Jays',
      'Washington Nationals',
    ],
  },
  {
    key: 'icehockey_nhl',
    group: 'Ice Hockey',
    title: 'NHL',
    description: 'US Ice Hockey',
    active: true,
    has_outrights: false,
    threeWay: false,
    // The puck line: the favourite gives 1.5 goals.
    spreadPoint: (s) => (s >= 0 ? -1.5 : 1.5),
    totalPoint: (u) => pick([5.5, 6.5, 6.5, 6.5], u),
    durationMinutes: 150,
    horizonDays: 3,
    score: (o, u1, u2) => {
      const loser = Math.floor(u1 * 4);
      return o === 'draw' ? [loser + 1, loser] : [loser + 1 + Math.floor(u2 * 3), loser];
    },
    teams: [
      'Anaheim Ducks',
      'Boston Bruins',
      'Buffalo Sabres',
      'Calgary Flames',
      'Carolina Hurricanes',
      'Chicago Blackhawks',
      'Colorado Avalanche',
      'Columbus Blue Jackets',
      'Dallas Stars',
      'Detroit Red Wings',
      'Edmonton Oilers',
      'Florida Panthers',
      'Los Angeles Kings',
      'Minnesota Wild',
      'Montréal Canadiens',
      'Nashville Predators',
      'New Jersey Devils',
      'New York Islanders',
      'New York Rangers',
      'Ottawa Senators',
      'Philadelphia Flyers',
      'Pittsburgh Penguins',
      'San Jose Sharks',
      'Seattle Kraken',
      'St Louis Blues',
      'Tampa Bay Lightning',
      'Toronto Maple Leafs',
      'Utah Hockey Club',
      'Vancouver Canucks',
      'Vegas Golden Knights',
      'Washington Capitals',
      'Winnipeg Jets',
    ],
  },
  {
    key: 'soccer_epl',
    group: 'Soccer',
    title: 'EPL',
    description: 'English Premier League',
    active: true,
    has_outrights: false,
    threeWay: true,
    // Asian handicap: half a goal, a goal and a half against a clear favourite.
    spreadPoint: (s) => (Math.abs(s) > 0.9 ? (s > 0 ? -1.5 : 1.5) : s >= 0 ? -0.5 : 0.5),
    totalPoint: (u) => (u < 0.85 ? 2.5 : 3.5),
    durationMinutes: 115,
    horizonDays: 6,
    score: (o, u1, u2) => {
      const loser = Math.floor(u1 * 2.6);
      return o === 'draw' ? [loser, loser] : [loser + 1 + Math.floor(u2 * 2.2), loser];
    },
    teams: [
      'Arsenal',
      'Aston Villa',
      'Bournemouth',
      'Brentford',
      'Brighton and Hove Albion',
      'Chelsea',
      'Crystal Palace',
      'Everton',
      'Fulham',
      'Ipswich Town',
      'Leicester City',
      'Liverpool',
      'Manchester City',
      'Manchester United',
      'Newcastle United',
      'Nottingham Forest',
      'Southampton',
      'Tottenham Hotspur',
      'West Ham United',
      'Wolverhampton Wanderers',
    ],
  },
];
