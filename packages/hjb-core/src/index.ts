// Public surface of @mm/hjb-core: curated named exports only.

// exact solvers
export {
  type HjbProblem,
  type TakerCosts,
  type TerminalPenalty,
  terminalValues,
  validateHjbProblem,
} from './exact/HjbProblem.js';
export {
  type QuoteTable,
  quoteTableFromValues,
  type TakeAction,
  takeAction,
} from './exact/QuoteTable.js';
export type { StationarySolution } from './exact/StationarySolution.js';
export {
  type FiniteHorizonOptions,
  type FiniteHorizonSolution,
  solveAt,
  solveFiniteHorizon,
} from './exact/solveFiniteHorizon.js';
export { type StationaryOptions, solveStationary } from './exact/solveStationary.js';
export { solveStationaryExponential } from './exact/solveStationaryExponential.js';
export {
  BookAwareIntensity,
  type BookAwareIntensityParams,
  type Side,
} from './intensity/bookAwareIntensity.js';
export {
  ExponentialIntensity,
  type ExponentialIntensityParams,
  glftC,
  glftStaticDelta,
} from './intensity/exponentialIntensity.js';
// intensity models
export type { IntensityModel } from './intensity/IntensityModel.js';
export {
  type CarteaJaimungalParams,
  carteaJaimungalProblem,
} from './models/carteaJaimungalProblem.js';

// problem builders for the named models (glft, cj, seed)
export { type GlftModelParams, glftGueantParams, glftProblem } from './models/glftProblem.js';
export {
  type SeedBookParams,
  seedBookProblem,
  seedTakerCostPerLot,
} from './models/seedBookProblem.js';
// policies
export {
  bpsToPrice,
  type Control,
  type MarketState,
  type Policy,
  type PolicyName,
  priceToBps,
} from './policy/Policy.js';
