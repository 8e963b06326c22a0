export * from './alerts';
export * from './audit';
export * from './bets';
export * from './odds';
export * from './settings';
export * from './users';
