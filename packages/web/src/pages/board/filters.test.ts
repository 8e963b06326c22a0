import { describe, expect, it } from 'vitest';
import { filtersFromParams, filtersToParams, hitsApiQuery } from './filters';

describe('board filters in the URL', () => {
  it('round-trips every HitFilterSet field through the URL', () => {
    const q = {
      filters: {
        sport: ['basketball_nba', 'icehockey_nhl'],
        market: ['h2h'],
        book: ['draftkings', 'fanduel'],
        min_ev: 0.02,
        max_ev: 0.3,
        min_odds: 1.5,
        max_odds: 4,
        starts_within: 120,
        status: 'all' as const,
        include_suspect: true,
        q: 'Lakers',
      },
      sort: '-price',
    };
    const params = filtersToParams(q);
    expect(params.toString()).toBe(
      'sport=basketball_nba%2Cicehockey_nhl&market=h2h&book=draftkings%2Cfanduel&min_ev=0.02&max_ev=0.3&min_odds=1.5&max_odds=4&starts_within=120&status=all&include_suspect=true&q=Lakers&sort=-price',
    );
    expect(filtersFromParams(new URLSearchParams(params.toString()))).toEqual(q);
  });

  it('drops values the contract refuses instead of breaking the page', () => {
    const f = filtersFromParams(
      new URLSearchParams(
        'min_odds=0.5&min_ev=abc&sport=NBA!,basketball_nba&starts_within=1.5&status=gone&sort=;drop',
      ),
    );
    expect(f).toEqual({ filters: {}, sort: null });
    expect(filtersFromParams(new URLSearchParams('include_suspect=yes&q=%20%20'))).toEqual({
      filters: {},
      sort: null,
    });
  });

  it('an empty view has an empty URL, and the API query keeps API units', () => {
    expect(filtersToParams({ filters: {}, sort: null }).toString()).toBe('');
    expect(hitsApiQuery({ min_ev: 0.05, sport: ['soccer_epl'] })).toBe(
      'sport=soccer_epl&min_ev=0.05&limit=500&sort=-ev',
    );
  });
});
