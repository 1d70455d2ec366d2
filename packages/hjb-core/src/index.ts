// Public surface of @mm/hjb-core: curated named exports only.

// closed forms
export {
  type AvellanedaStoikovParams,
  type AvellanedaStoikovQuote,
  avellanedaStoikovQuote,
  validateAvellanedaStoikovParams,
} from './closedForm/avellanedaStoikov.js';
export {
  type GueantCoefficients,
  type GueantParams,
  type GueantQuote,
  gueantApproxValue,
  gueantCoefficients,
  gueantQuote,
  validateGueantParams,
} from './closedForm/gueantApprox.js';
// exact evaluation of a policy (DESIGN 3.9)
export {
  type ChainPiece,
  expectedObjective,
} from './evaluation/expectedObjective.js';
export {
  type ChainMarket,
  type InventoryChain,
  inventoryChainOf,
  type LevelControls,
} from './evaluation/inventoryChain.js';
export { levelControlsOf } from './evaluation/levelControls.js';
export {
  expectedObjectiveFrom,
  longHorizonObjective,
} from './evaluation/longHorizonObjective.js';
export { evaluateStationary, type StationaryEvaluation } from './evaluation/stationaryRate.js';
export {
  ExtrapolatedIntegrator,
  type LinearlyImplicitSystem,
  type StiffOptions,
} from './exact/extrapolatedIntegrator.js';
// exact solvers
export {
  type HjbProblem,
  type TakerCosts,
  type TerminalPenalty,
  terminalValues,
  validateHjbProblem,
} from './exact/HjbProblem.js';
export { type HjbRhs, hjbSlopes, makeHjbRhs } from './exact/hjbRhs.js';
export { projectTaker } from './exact/projectTaker.js';
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
  validateHorizon,
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
export { compareGridWithClosedForm, type QuoteComparison } from './multi/compareQuotes.js';
export {
  gridQuotesFor,
  gridStateIndex,
  type MultiAssetGridOptions,
  type MultiAssetGridSolution,
  solveMultiAssetGrid,
} from './multi/multiAssetGrid.js';
export {
  type AssetSpec,
  type MultiAssetProblem,
  type PreparedMultiAsset,
  prepareMultiAsset,
  type VenueLiquidity,
} from './multi/multiAssetProblem.js';
export {
  type MultiAssetRiccati,
  type MultiAssetStationarySolution,
  multiAssetRiccati,
  solveMultiAssetFiniteHorizon,
  solveMultiAssetStationary,
} from './multi/multiAssetRiccati.js';
export {
  createMultiAssetQuotes,
  type MultiAssetQuotes,
  type MultiAssetSolution,
  quotesFor,
  quotesForUnits,
  solutionFromValueMatrix,
} from './multi/multiAssetSolution.js';
// multi-asset (docs/math.md §6): penalty q' Phi q, Gueant's closed form, Riccati, exact grid, hedging
export {
  covarianceFromCorrelation,
  type PenaltySpec,
  penaltyMatrix,
  UNIT_DIAGONAL_TOLERANCE,
  validatePenaltyMatrix,
} from './multi/penalty.js';
export { psdSqrt } from './multi/psdSqrt.js';
export { type SymmetricEigen, symmetricEigen, symmetricFunction } from './multi/symmetricEigen.js';
export {
  type HedgeMode,
  hedgeRatesFor,
  type TakerHedgeCost,
  type TakerHedgeCosts,
  takerHedgeCosts,
  takerHedgeRate,
} from './multi/takerHedging.js';
export { ClosedFormPolicy } from './policy/closedFormPolicy.js';
export { controlFromTable } from './policy/controlFromTable.js';
export {
  ExactPolicy,
  type ExactPolicyOptions,
  type FeatureQuantum,
  type ModelFeatures,
} from './policy/exactPolicy.js';
export { GridPolicy } from './policy/gridPolicy.js';
export { HeuristicPolicy } from './policy/heuristicPolicy.js';
// policies
export {
  bpsToPrice,
  type Control,
  type MarketState,
  type Policy,
  type PolicyName,
  priceToBps,
} from './policy/Policy.js';
export { type SeedPolicyConfig, toSeedState } from './policy/seedPolicyConfig.js';
// the portfolio decision core (issue 10; portfolio/README.md)
export {
  type BoundaryInput,
  createBoundaryInput,
  createQuoteSlots,
  placeQuotes,
  type QuoteSlots,
} from './portfolio/boundary.js';
export {
  portfolioCovariance,
  portfolioRisk,
  validateCovariance,
} from './portfolio/covariance.js';
export { IndependentPolicy } from './portfolio/IndependentPolicy.js';
export { MultiPolicy } from './portfolio/MultiPolicy.js';
export type {
  PortfolioAssetSpec,
  PortfolioAssetState,
  PortfolioDecision,
  PortfolioHedgingSpec,
  PortfolioPolicy,
  PortfolioPolicyName,
  PortfolioQuote,
  PortfolioSpec,
  PortfolioState,
  PortfolioTaker,
  PortfolioVenueQuotes,
  PortfolioVenueSpec,
  PortfolioVenueState,
  TakerReason,
} from './portfolio/PortfolioSpec.js';
export {
  HORIZON_STEPS,
  type PortfolioSolution,
  resolvePortfolio,
  solvePortfolio,
} from './portfolio/portfolioSolution.js';
export { ceilToTick, floorToTick, roundSizeLots, tickAbove, tickBelow } from './portfolio/ticks.js';
export { validatePortfolioSpec } from './portfolio/validateSpec.js';
export {
  evaluateControl,
  evaluateControlPrice,
  type SeedEvaluationContext,
  seedEvaluationContext,
} from './seed/evaluateControl.js';
export { optimizeControl, SEED_GRID_MULTIPLIERS, type SeedGridResult } from './seed/gridSearch.js';
export { applyStateAdjustments } from './seed/heuristic.js';
export { NoTradeValue, type NoTradeValueParams } from './seed/noTradeValue.js';
// the seed's baselines (docs/math.md §11)
export {
  SEED_DEFAULTS,
  type SeedControl,
  type SeedState,
  validateSeedState,
} from './seed/SeedState.js';
export { type SeedIntensities, seedIntensities } from './seed/seedIntensities.js';
export {
  SEED_TAKER_RATE_SLOPE_PER_SEC,
  SEED_URGENCY_THRESHOLD,
  seedTakerRatePerSec,
  seedUrgency,
} from './seed/urgency.js';
export {
  type HeuristicGap,
  heuristicGapAgainst,
  relativeGap,
  type SeedValidation,
  seedValidationGap,
} from './seed/validationGap.js';
