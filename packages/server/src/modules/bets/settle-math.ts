/** Bet results and the payout each one returns (stake included). */
export const BET_RESULTS = ['won', 'lost', 'push', 'void', 'half-won', 'half-lost'] as const;
export type BetResult = (typeof BET_RESULTS)[number];

/** Payout of a settled bet at decimal `price` (the stake is part of the payout). */
export function payoutFor(result: BetResult, stake: number, price: number): number {
  if (!(stake >= 0) || !Number.isFinite(stake)) throw new RangeError('stake must be a finite number >= 0');
  if (!(price > 1) || !Number.isFinite(price)) throw new RangeError('price must be a finite decimal > 1');
  switch (result) {
    case 'won':
      return stake * price;
    case 'lost':
      return 0;
    case 'push':
    case 'void':
      return stake;
    case 'half-won':
      return (stake / 2) * price + stake / 2;
    case 'half-lost':
      return stake / 2;
  }
}
