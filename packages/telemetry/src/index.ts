// Public surface of @mm/telemetry: curated named exports only.

export {
  APP_NAMES,
  type AppName,
  createLogger,
  type Logger,
  type LoggerOptions,
  REDACTED_PATHS,
} from './logger.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metricsServer.js';
