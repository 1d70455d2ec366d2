// Public surface of @mm/engine: curated named exports only.

export {
  type AssetConfig,
  type EngineConfig,
  EngineConfigError,
  engineConfigSchema,
  formatConfigPath,
  type ModelParams,
  parseEngineConfig,
  type RiskLimitsConfig,
  type VenueConfig,
} from './config/engineConfigSchema.js';
export {
  type AssetPipelineOptions,
  assetPipeline,
  type PipelineAsset,
  type PortfolioInventory,
} from './pipeline/assetPipeline.js';
export {
  type DiffInput,
  type DiffResult,
  diffQuotes,
  type LiveOrder,
  type LiveQuotes,
  NO_LIVE_QUOTES,
  type OrderAction,
  priceToTicks,
  ticksToPrice,
} from './pipeline/orderDiff.js';
export {
  intentFromControl,
  NO_QUOTES,
  type Quote,
  type QuoteIntent,
  type QuoteSide,
} from './pipeline/quoteIntent.js';
export {
  type PullReason,
  type RiskDecision,
  type RiskGateInput,
  type RiskLimits,
  riskGate,
} from './pipeline/riskGate.js';
export {
  type AssetState,
  type BookEvent,
  type BookLevel,
  type InvalidReason,
  initialAssetState,
  makeStateReducer,
  reduceBook,
  type StateReducerOptions,
} from './pipeline/stateReducer.js';
