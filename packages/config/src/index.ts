// Public surface of @mm/config: curated named exports only.

export {
  CORRELATION_TOLERANCE,
  cleanCorrelation,
  correlationIssues,
  type MatrixIssue,
} from './engine/correlationMatrix.js';
export {
  type AssetConfig,
  type AssetRegimeConfig,
  assetConfigSchema,
  type CcxtVenueConfig,
  type CredentialsConfig,
  ccxtVenueConfigSchema,
  type EngineConfig,
  EngineConfigError,
  engineConfigSchema,
  type MetricsConfig,
  type ModelParams,
  modelParamsSchema,
  type OrdersConfig,
  parseEngineConfig,
  positionLimitLotsOf,
  type RedisConfig,
  type RiskLimitsConfig,
  type SimVenueConfig,
  simVenueConfigSchema,
  type VenueConfig,
  venueConfigSchema,
} from './engine/engineConfigSchema.js';
export { loadEngineConfig } from './engine/loadEngineConfig.js';
export {
  hedgingEnabled,
  type PortfolioConfig,
  type PortfolioModel,
  portfolioModelOf,
} from './engine/portfolioConfigSchema.js';
export {
  deploymentPrefix,
  finiteNonNegative,
  finiteNumber,
  finitePositive,
  integerIn,
  nonEmptyString,
  nonNegative,
  positive,
  positiveInt,
  tcpPort,
} from './fields.js';
export { formatConfigPath, formatPath } from './formatPath.js';
export { isJobType, JOB_TYPES, type JobType } from './optimizer/jobTypes.js';
export { loadOptimizerConfig } from './optimizer/loadOptimizerConfig.js';
export {
  type OptimizerConfig,
  OptimizerConfigError,
  type OptimizerConfigInput,
  type OptimizerJobsConfig,
  type OptimizerScheduleConfig,
  type OptimizerWorkersConfig,
  optimizerConfigSchema,
  parseOptimizerConfig,
} from './optimizer/optimizerConfigSchema.js';
export {
  ConfigFileError,
  isYamlPath,
  parseConfigText,
  readConfigFile,
} from './readConfigFile.js';
