// @mm/backtest/run: closed-loop policy comparisons on the simulator (curated exports).
export {
  type BacktestConfig,
  backtestConfigSchema,
  MAX_PARAMETER,
  MAX_PATHS,
  MAX_STEPS,
  marketSpecOf,
  phiOf,
  policySpecsOf,
} from './backtestConfig.js';
export {
  type ComparePoliciesOptions,
  comparePolicies,
  MAX_REPORT_POINTS,
  type MeanStd,
  type NamedPolicyFactory,
  type ObjectiveSpec,
  type PathDistribution,
  type PolicyComparisonRun,
  type PolicyExtras,
  pathResultOf,
  type RepresentativePath,
} from './comparePolicies.js';
export {
  type FillCalibration,
  fillCalibrationOf,
  type QuoteExposureOptions,
  quoteExposures,
} from './fillCalibration.js';
export { buildMarket, type MarketSpec } from './marketSpec.js';
export { type PolicyContext, type PolicySpec, policyFactory, policyName } from './policySpecs.js';
export {
  type ComparePortfolioOptions,
  comparePortfolioPolicies,
  type PortfolioAssetSummary,
  type PortfolioComparison,
  type PortfolioComparisonRun,
  type PortfolioPolicySummary,
  type PortfolioRepresentativePath,
} from './portfolio/comparePortfolioPolicies.js';
export {
  isPortfolioBacktestConfig,
  MAX_PORTFOLIO_ASSETS,
  type PortfolioBacktestConfig,
  type PortfolioPolicyConfig,
  portfolioBacktestConfigSchema,
} from './portfolio/portfolioBacktestConfig.js';
export {
  DEFAULT_QMAX_LOTS,
  portfolioMarkets,
  portfolioPolicyFactory,
  portfolioPolicyName,
  portfolioSpecOf,
} from './portfolio/portfolioMarket.js';
export { portfolioReport } from './portfolio/portfolioReport.js';
export { simPortfolioPolicy } from './portfolio/simPortfolioPolicy.js';
export { type ComparisonReportOptions, comparisonReport } from './reportOf.js';
export {
  type AvellanedaStoikovPolicyParams,
  avellanedaStoikovMeanHalfSpread,
  avellanedaStoikovPolicy,
  type DecidingPolicy,
  quoteControl,
  symmetricPolicy,
  withInventoryLimit,
} from './simplePolicies.js';
