// Public surface of @mm/simulator: curated named exports only.
// Everything is pure and seeded except `src/replay/` (file reading and recording).

// book
export { type BookModel, type BookPath, type BookView, spreadOf } from './book/BookModel.js';
export { type FlatBookParams, flatBook } from './book/flatBook.js';
export { type SyntheticBookParams, syntheticBook } from './book/syntheticBook.js';
// fees
export {
  type BpsFeesParams,
  bpsFees,
  type FeeModel,
  type Role,
  zeroFees,
} from './fees/FeeModel.js';
// order flow and fills
export { type BookAwareFillsParams, bookAwareFills } from './fills/bookAwareFills.js';
export { type ExponentialFillsParams, exponentialFills } from './fills/exponentialFills.js';
export { type FillModel, type FillProbability, fillProbability } from './fills/FillModel.js';
// L2 replay: format, queue model, engine, synthetic generator
export {
  generateSyntheticL2,
  SAMPLE_L2_CONFIG,
  type SyntheticL2Config,
} from './l2/generateSyntheticL2.js';
export {
  checkL2Event,
  formatL2Event,
  type L2BookEvent,
  type L2Event,
  L2FormatError,
  type L2TradeEvent,
  type PriceLevel,
  parseL2Line,
} from './l2/L2Event.js';
export {
  L2ReplayEngine,
  levelSize,
  type ReplayConfig,
  type ReplayPath,
  type ReplayResult,
  replayL2,
  replayL2Async,
} from './l2/L2Replay.js';
export {
  type CancelBehindProbability,
  logProbability,
  type ProbQueueOptions,
  powerProbability,
  probQueue,
  type QueueModel,
  type QueuePosition,
  riskAverseQueue,
} from './l2/QueueModel.js';
// latency
export {
  constantLatency,
  empiricalLatency,
  exponentialLatency,
  type LatencyModel,
  logNormalLatency,
  zeroLatency,
} from './latency/LatencyModel.js';
// mid-price processes
export { type ArithmeticBrownianParams, arithmeticBrownian } from './mid/arithmeticBrownian.js';
export { type BinomialMidParams, binomialMid } from './mid/binomialMid.js';
export { type GeometricBrownianParams, geometricBrownian } from './mid/geometricBrownian.js';
export type { MidModel, MidPath } from './mid/MidModel.js';
export { type MarkovSwitchingMidParams, markovSwitchingMid } from './mid/markovSwitchingMid.js';
export { type JumpParams, withJumps } from './mid/withJumps.js';
// multi-asset
export { choleskyOfCorrelation, correlate } from './multi/cholesky.js';
export {
  type MultiAssetConfig,
  type MultiAssetResult,
  type PortfolioPolicy,
  perAssetPolicies,
  simulateMultiAsset,
} from './multi/simulateMultiAsset.js';
// file I/O (the only module that touches the file system)
export {
  createL2Recorder,
  type L2Recorder,
  type L2RecorderOptions,
  writeL2File,
} from './replay/L2Recorder.js';
export { readL2Events } from './replay/readL2Events.js';
// randomness
export type { Rng } from './rng/Rng.js';
export { createRng, Xoshiro128 } from './rng/xoshiro128.js';
export { InventoryAccumulator, type InventoryIntegrals } from './sim/InventoryAccumulator.js';
// closed-loop simulation
export type {
  MarketConfig,
  QuotePolicy,
  RunConfig,
  SimulationConfig,
} from './sim/SimulationConfig.js';
export type {
  Fill,
  FillCounts,
  SimulationPath,
  SimulationResult,
  TradingTotals,
} from './sim/SimulationResult.js';
export { simulate } from './sim/simulate.js';
