// Public surface of @mm/engine: curated named exports only.

export {
  type AssetConfig,
  type CcxtVenueConfig,
  type CredentialsConfig,
  type EngineConfig,
  EngineConfigError,
  engineConfigSchema,
  formatConfigPath,
  type MetricsConfig,
  type ModelParams,
  type OrdersConfig,
  parseEngineConfig,
  type RedisConfig,
  type RiskLimitsConfig,
  type SimVenueConfig,
  type VenueConfig,
} from './config/engineConfigSchema.js';
export { loadEngineConfig } from './config/loadEngineConfig.js';
export {
  type PortfolioConfig,
  type PortfolioModel,
  portfolioModelOf,
} from './config/portfolioConfigSchema.js';
export { LiveCovariance } from './decision/liveCovariance.js';
export { PortfolioDecider } from './decision/PortfolioDecider.js';
export { PortfolioQuoting, type TakerOrder } from './decision/portfolioQuoting.js';
export { type BookLayout, bookLayout, portfolioSpecOf } from './decision/portfolioSpecOf.js';
export {
  Engine,
  type EngineDeps,
  type EngineStatus,
  type ShutdownReport,
} from './engine/Engine.js';
export { type KillState, KillSwitch } from './engine/killSwitch.js';
export { createLogger, type Logger, type LoggerOptions } from './engine/logger.js';
export {
  type AcceptedUpdate,
  checkParamsUpdate,
  type RejectedUpdate,
} from './engine/paramsUpdate.js';
export { policyFromConfig, SwappablePolicy } from './engine/policyFromConfig.js';
export {
  createEngineMetrics,
  ENGINE_METRIC_LABELS,
  type EngineMetrics,
} from './metrics/engineMetrics.js';
export { startMetricsServer } from './metrics/metricsServer.js';
export type { AssetState, InvalidReason } from './model/assetState.js';
export type { BookEvent, BookLevel } from './model/book.js';
export { type LiveOrder, type LiveQuotes, NO_LIVE_QUOTES } from './model/liveQuotes.js';
export type { OrderAction } from './model/orderAction.js';
export type { PortfolioInventory } from './model/portfolioInventory.js';
export { NO_QUOTES, type Quote, type QuoteIntent, type QuoteSide } from './model/quote.js';
export {
  type AssetPipelineOptions,
  assetPipeline,
  type PipelineAsset,
} from './pipeline/assetPipeline.js';
export {
  type DiffInput,
  type DiffResult,
  diffQuotes,
  priceToTicks,
  ticksToPrice,
} from './pipeline/orderDiff.js';
export { intentFromControl } from './pipeline/quoteIntent.js';
export {
  type PullReason,
  type RiskDecision,
  type RiskGateInput,
  type RiskLimits,
  riskGate,
} from './pipeline/riskGate.js';
export {
  initialAssetState,
  makeStateReducer,
  reduceBook,
  type StateReducerOptions,
} from './pipeline/stateReducer.js';
export {
  type MarketInfo,
  type MarketTrade,
  type OrderRequest,
  type OrderSide,
  type OrderStatus,
  type Venue,
  type VenueCapabilities,
  VenueError,
  type VenueErrorKind,
  type VenueFill,
  type VenueOrder,
  type VenuePositions,
} from './venues/Venue.js';
