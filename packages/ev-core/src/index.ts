/** @evision/ev-core — pure odds math. No I/O; runs in Node and the browser. */
export {
  type ArbitrageResult,
  arbitrage,
  dutch,
  type FindArbitrageOptions,
  findArbitrage,
} from './arbitrage.js';
export {
  type ConsensusBook,
  type ConsensusOptions,
  type ConsensusQuote,
  type ConsensusResult,
  consensus,
  poolLogit,
} from './consensus.js';
export {
  DEFAULT_WORST_CASE_METHODS,
  DEVIG_METHODS,
  devig,
  MAX_OUTCOMES,
  MIN_OUTCOMES,
  margin,
} from './devig.js';
export { createEngine } from './engine.js';
export { DevigError, OddsError } from './errors.js';
export { effectivePrice, expectedValue } from './ev.js';
export { HitRecord, toPlainHit } from './explain.js';
export { type FilterableHit, type HitFilterFields, hitMatches } from './filters.js';
export { fromDecimal, impliedProbability, toDecimal } from './formats.js';
export { findHits } from './hits.js';
export { type KellyOptions, kelly } from './kelly.js';
export { hitId } from './lines.js';
export { erfc, normalCdf, normalQuantile } from './normal.js';
export type {
  ArbitrageLeg,
  ArbitrageOpportunity,
  Bookmaker,
  DevigMethod,
  DevigOptions,
  DevigParams,
  DevigResult,
  Engine,
  FindHitsOptions,
  GuardExplain,
  Hit,
  HitExplain,
  Market,
  OddsEvent,
  OddsFormat,
  Outcome,
  SharpQuoteExplain,
} from './types.js';
