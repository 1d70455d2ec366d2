import type { JobType } from '@mm/config';
import type { Redis } from 'ioredis';
import {
  JobDataError,
  type JobDataMap,
  type JobResultMap,
  parseJobData,
} from '../jobs/jobSchemas.js';
import { runBacktest } from './backtest.js';
import { runCalibrate } from './calibrate.js';
import { runGridSearch } from './gridSearch.js';
import { type Progress, throttleProgress } from './progress.js';
import { readMarketData } from './readMarketData.js';
import { runSolve } from './solve.js';

export { runBacktest } from './backtest.js';
export { type CalibrateInput, runCalibrate } from './calibrate.js';
export { runGridSearch } from './gridSearch.js';
export { NO_PROGRESS, type Progress, throttleProgress } from './progress.js';
export { type MarketData, readMarketData } from './readMarketData.js';
export { runSolve } from './solve.js';

/** What a job runs with besides its data. */
export interface JobContext {
  /** Progress sink (e.g. `job.updateProgress`); throttled here to ~1% / 250 ms. */
  progress: Progress;
  /** The job's start, epoch ms (the computations read no clock). */
  nowMs: number;
  /** Redis holding the engine's streams (calibrate only). */
  redis?: Redis;
  /** Default stream prefix (calibrate, when the job data names none). */
  prefix?: string;
}

/** A job that cannot run for a reason other than its data (e.g. calibrate without Redis). */
export class JobContextError extends Error {
  override readonly name = 'JobContextError';
  readonly code = 'JOB_CONTEXT_INVALID';
}

/**
 * Validate `data` for `type` and run the job. Bad data throws a {@link JobDataError} naming the
 * field (the plumbing turns it into BullMQ's UnrecoverableError); errors of the computation
 * itself are thrown as they are.
 */
export async function runJob<T extends JobType>(
  type: T,
  data: unknown,
  ctx: JobContext,
): Promise<JobResultMap[T]>;
export async function runJob(
  type: JobType,
  data: unknown,
  ctx: JobContext,
): Promise<JobResultMap[JobType]> {
  const parsed = parseJobData(type, data);
  if (!parsed.ok) throw new JobDataError(parsed.field, parsed.message);
  const progress = throttleProgress(ctx.progress);
  switch (type) {
    case 'grid-search':
      return runGridSearch(parsed.data as JobDataMap['grid-search'], progress);
    case 'solve':
      return runSolve(parsed.data as JobDataMap['solve'], progress, ctx.nowMs);
    case 'backtest':
      return runBacktest(parsed.data as JobDataMap['backtest'], progress);
    case 'calibrate': {
      const d = parsed.data as JobDataMap['calibrate'];
      const prefix = d.prefix ?? ctx.prefix;
      if (prefix === undefined)
        throw new JobDataError('data.prefix', 'missing (the worker has no default prefix)');
      if (!ctx.redis) throw new JobContextError('calibrate needs a Redis connection');
      const untilMs = d.untilMs ?? Math.floor(ctx.nowMs);
      const sinceMs = d.sinceMs ?? Math.max(0, untilMs - Math.round(d.lookbackSec * 1000));
      if (sinceMs > untilMs)
        throw new JobDataError('data.sinceMs', `expected sinceMs <= untilMs (${untilMs})`);
      await progress(0, 'reading market data');
      const marketData = await readMarketData(ctx.redis, prefix, sinceMs, untilMs, {
        maxEntries: d.maxEntries,
      });
      return runCalibrate({ ...d, prefix, sinceMs, untilMs, marketData }, progress);
    }
  }
}
