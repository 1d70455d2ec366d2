// Public surface of @mm/optimizer: curated named exports only.

export { loadOptimizerConfig } from './config/loadOptimizerConfig.js';
export {
  formatOptimizerConfigPath,
  type OptimizerConfig,
  OptimizerConfigError,
  type OptimizerConfigInput,
  optimizerConfigSchema,
  parseOptimizerConfig,
} from './config/optimizerConfigSchema.js';
export { EmbeddedOptimizer, type EmbeddedOptimizerDeps } from './embedded/EmbeddedOptimizer.js';
export { jobIdFor } from './jobs/jobId.js';
export {
  type BacktestResult,
  type CalibrateResult,
  type GridSearchResult,
  JobDataError,
  type JobDataMap,
  type JobInputMap,
  type JobResultMap,
  type ParsedJobData,
  parseJobData,
  type SolveResult,
} from './jobs/jobSchemas.js';
export { isJobType, JOB_TYPES, type JobType } from './jobs/jobTypes.js';
export {
  createOptimizerMetrics,
  FAILURE_REASONS,
  type FailureReason,
  JOB_DURATION_BUCKETS_SEC,
  type OptimizerMetrics,
  QUEUE_STATES,
  type QueueState,
} from './metrics/optimizerMetrics.js';
export {
  Optimizer,
  type OptimizerDeps,
  OptimizerStartError,
  type OptimizerStopReport,
} from './Optimizer.js';
export { exactGridSearch } from './processors/gridSearch.js';
export { type JobContext, runJob } from './processors/index.js';
export {
  bullConnection,
  type CreateQueuesOptions,
  createQueues,
  defaultJobOptions,
  type JobDefaults,
  type OptimizerQueues,
} from './queue/createQueues.js';
export {
  type EnqueueOptions,
  type EnqueueResult,
  enqueueJob,
  InvalidJobDataError,
} from './queue/enqueue.js';
export {
  type JobSummary,
  listJobs,
  type ProgressView,
  progressView,
  type QueueListing,
} from './queue/listJobs.js';
export { bullPrefix, publishedKey, queueNameFor } from './queue/queueNames.js';
export {
  type ScheduledJob,
  type ScheduleReport,
  upsertSchedules,
} from './queue/schedule.js';
export { SCHEDULE_IDS, schedulesFromConfig } from './queue/schedulesFromConfig.js';
export { type JobOutcome, type WaitForJobOptions, waitForJob } from './queue/waitForJob.js';
export {
  type CreateWorkersOptions,
  createWorkers,
  defaultProcessorFile,
  type OptimizerWorkers,
} from './worker/createWorkers.js';
export {
  type JobProgressValue,
  makeSandboxedProcessor,
  SANDBOX_ENV,
  type SandboxJobContext,
} from './worker/processJob.js';
export {
  type CompletedJob,
  type PublishOutcome,
  paramsMessageFor,
  ResultPublisher,
  type ResultPublisherOptions,
} from './worker/publishResults.js';
