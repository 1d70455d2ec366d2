// Public surface of @mm/marketdata: curated named exports only.

// calibration from recorded books and trades
export {
  type AssetCalibrationJson,
  type CalibrateOptions,
  type Calibration,
  type CalibrationJson,
  calibrateFiles,
  type IntensityFitJson,
  symbolOf,
} from './calibrate/calibrateFiles.js';
export { fitOrderIntensity, type OrderIntensityFit } from './calibrate/fitOrderIntensity.js';
export {
  type MarketOrder,
  MarketOrderGrouper,
  type TouchState,
} from './calibrate/MarketOrderGrouper.js';
export { MidGrid } from './calibrate/MidGrid.js';
export type { ImportSummary } from './import/ImportSummary.js';
// import of venue recordings
export {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  importFiles,
} from './import/importFiles.js';
export { importToFile } from './import/importToFile.js';
// reading and writing event files
export { DataFormatError } from './io/DataFormatError.js';
export { createEventWriter, type EventWriter, isMmbPath } from './io/EventWriter.js';
export { readEvents, readL2Lines } from './io/readEvents.js';
export { isGzip, type NumberedLine, readLines } from './io/readLines.js';
// the .mmb binary format
export { MmbEncoder } from './mmb/MmbEncoder.js';
export { isMmb, readMmb } from './mmb/readMmb.js';
// replay backtests (mm backtest with "market": {"data": ...})
export {
  isReplayConfig,
  type ReplayBacktestConfig,
  replayConfigSchema,
} from './replay/replayConfig.js';
export {
  type ReplayComparisonRun,
  type ReplayFileFacts,
  type ReplayModel,
  replayModels,
  runReplayBacktest,
} from './replay/runReplayBacktest.js';
