// Public surface of @mm/backtest: curated named exports only.

// calibration: fill intensity A e^{-k d} and volatility per unit time
export {
  type BinOptions,
  binExposures,
  type DepthBin,
  type QuoteExposure,
} from './calibration/depthBins.js';
export {
  estimateVolatility,
  type VolatilityEstimate,
  type VolatilityKind,
} from './calibration/estimateVolatility.js';
export {
  type FillFitMethod,
  type FillFitOptions,
  type FillIntensityFit,
  fitFillIntensity,
  predictedFillRate,
} from './calibration/fitFillIntensity.js';
export { realizedCorrelation } from './calibration/realizedCorrelation.js';
// policy comparison
export {
  PATH_METRICS,
  type PathResult,
  type PathSeries,
  pathResultFromSeries,
  pathResultFromStats,
  validatePathResult,
} from './compare/PathResult.js';
export {
  type MetricSummary,
  type PolicyComparison,
  type PolicyRuns,
  type PolicySummary,
  type RatioMethod,
  type SummarizeOptions,
  summarizePolicies,
} from './compare/summarizePolicies.js';
// markouts (adverse selection)
export {
  MARKOUT_CURVE_SEC,
  MARKOUT_HORIZONS,
  MarkoutAccumulator,
  type MarkoutFill,
  type MarkoutStat,
  type MarkoutSummary,
  type MidSeries,
  markout,
  midSeriesOf,
} from './markouts/markouts.js';
export type { ReportMarkouts } from './report/markoutChart.js';
// the HTML report
export type {
  ReportCalibration,
  ReportData,
  ReportDistribution,
  ReportPath,
  ReportQuotes,
} from './report/ReportData.js';
export { renderReport } from './report/renderReport.js';
export { writeReport } from './report/writeReport.js';
// statistics
export {
  type BootstrapOptions,
  bootstrapCi,
  DEFAULT_RESAMPLES,
} from './stats/bootstrap.js';
export {
  type CiMethod,
  type ConfidenceInterval,
  ciContains,
  DEFAULT_CI_LEVEL,
  meanCi,
  normalInterval,
  zForLevel,
} from './stats/ConfidenceInterval.js';
export {
  covariance,
  maxOf,
  mean,
  quantileSorted,
  standardDeviation,
  standardError,
  variance,
} from './stats/descriptive.js';
export { drawdownSeries, maxDrawdown } from './stats/drawdown.js';
export { type InventoryStats, inventoryStats } from './stats/inventory.js';
export { normalCdf, normalQuantile } from './stats/normalQuantile.js';
export { ratioOfMeansBootstrapCi, ratioOfMeansDeltaCi } from './stats/ratio.js';
export { deriveSeed, seededUniform } from './stats/seededUniform.js';
export {
  annualizeSharpe,
  SECONDS_PER_YEAR,
  sharpeBootstrapCi,
  sharpeDeltaCi,
  sharpeRatio,
} from './stats/sharpe.js';
