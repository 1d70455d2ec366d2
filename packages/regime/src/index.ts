// Public surface of @mm/regime: curated named exports only.

// calibration (offline: EM on equally spaced returns)
export {
  type BaumWelchOptions,
  type BaumWelchResult,
  baumWelch,
} from './calibration/baumWelch.js';
export { type ForwardBackwardResult, forwardBackward } from './calibration/forwardBackward.js';
export {
  type GeneratorEstimate,
  generatorFromTransition,
} from './calibration/generatorFromTransition.js';
// regime-coupled single-asset HJB (docs/math.md §8)
export {
  coupledProblemFromModel,
  type RegimeCoupledProblem,
  validateRegimeCoupledProblem,
} from './coupled/RegimeCoupledProblem.js';
export {
  type CoupledFiniteHorizonOptions,
  type CoupledFiniteHorizonSolution,
  solveCoupledFiniteHorizon,
} from './coupled/solveCoupledFiniteHorizon.js';
export {
  type CoupledStationaryOptions,
  type CoupledStationarySolution,
  solveCoupledStationary,
} from './coupled/solveCoupledStationary.js';
// ---- regime-coupled multi-asset Riccati (docs/math.md §8; src/coupledMulti) ----
export {
  type CoupledMultiAssetModel,
  type PreparedCoupledMultiAsset,
  prepareCoupledMultiAsset,
} from './coupledMulti/CoupledMultiAssetModel.js';
export {
  CoupledRiccatiFlow,
  type CoupledRiccatiFlowOptions,
} from './coupledMulti/coupledRiccatiFlow.js';
export { coupledRiccatiRhs } from './coupledMulti/coupledRiccatiRhs.js';
export {
  type CoupledMultiAssetFiniteHorizonOptions,
  type CoupledMultiAssetFiniteHorizonSolution,
  solveCoupledMultiAssetFiniteHorizon,
} from './coupledMulti/solveCoupledMultiAssetFiniteHorizon.js';
export {
  type CoupledMultiAssetStationaryOptions,
  type CoupledMultiAssetStationarySolution,
  solveCoupledMultiAssetStationary,
} from './coupledMulti/solveCoupledMultiAssetStationary.js';
export type { Estimator, Rejection } from './estimators/Estimator.js';
// incremental estimators (one contract)
export { covarianceToCorrelation, EwmaCorrelation } from './estimators/EwmaCorrelation.js';
export { EwmaCovariance, type EwmaCovarianceOptions } from './estimators/EwmaCovariance.js';
export { EwmaVolatility, type EwmaVolatilityOptions } from './estimators/EwmaVolatility.js';
export {
  RealizedVolatility,
  type RealizedVolatilityOptions,
} from './estimators/RealizedVolatility.js';
// online regime filter
export {
  MarkovSwitchingFilter,
  type MarkovSwitchingFilterOptions,
} from './filter/MarkovSwitchingFilter.js';
export { RegimeHysteresis, type RegimeHysteresisOptions } from './filter/RegimeHysteresis.js';
// small dense linear algebra for regime generators
export { MatrixExponential } from './linalg/MatrixExponential.js';
export { matrixLogarithm } from './linalg/matrixLogarithm.js';
// regime models and configuration
export {
  type GeneratorIssue,
  type GeneratorPerSec,
  generatorIssues,
  validateGenerator,
} from './model/generator.js';
export {
  type RegimeClasses,
  regimeClasses,
  stationaryDistribution,
} from './model/generatorStructure.js';
export {
  createRegimeModel,
  type RegimeModel,
  regimeCount,
  regimeModelFromConfig,
} from './model/RegimeModel.js';
export {
  parseRegimeConfig,
  type RegimeConfig,
  RegimeConfigError,
  type RegimeConfigInput,
  type RegimeParams,
  regimeConfigSchema,
  regimeParamsSchema,
  regimeSwitchingSchema,
} from './regimeConfigSchema.js';
