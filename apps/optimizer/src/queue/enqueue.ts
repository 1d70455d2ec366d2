import type { JobType } from '@mm/config';
import type { Job, JobState } from 'bullmq';
import { jobIdFor } from '../jobs/jobId.js';
import { parseJobData } from '../jobs/jobSchemas.js';
import type { OptimizerQueues } from './createQueues.js';

/** Job data refused before it reached a queue; `field` names the offending path. */
export class InvalidJobDataError extends Error {
  override readonly name = 'InvalidJobDataError';
  readonly code = 'INVALID_JOB_DATA';
  constructor(
    readonly type: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`invalid ${type} job data: ${field === '' ? detail : `${field}: ${detail}`}`);
  }
}

export interface EnqueueOptions {
  /** BullMQ priority (1 = highest; default none: FIFO). */
  priority?: number;
}

export interface EnqueueResult {
  readonly job: Job;
  readonly jobId: string;
  /** True when a job with this id already existed (same data): it is returned, nothing added. */
  readonly duplicate: boolean;
  /** The existing job's state when `duplicate`, else `waiting` (or `prioritized`). */
  readonly state: JobState | 'unknown';
}

/**
 * BullMQ refuses custom ids that are integers or hold ':' (other than its own 3-part ids); map
 * such ids one-to-one onto accepted ones so that the same data keeps the same id.
 */
export function bullJobId(id: string): string {
  const safe = id.replaceAll(':', '_');
  return `${Number.parseInt(safe, 10)}` === safe ? `id-${safe}` : safe;
}

/**
 * Validate `data` for `type` and add it to the type's queue under its idempotent id
 * (`jobIdFor`): the same request twice yields one job, the second call returns the first job
 * (whatever its state, until it is removed from the kept completed/failed jobs). Bad data throws
 * an `InvalidJobDataError` naming the field and adds nothing.
 */
export async function enqueueJob(
  queues: Pick<OptimizerQueues<JobType>, 'get'>,
  type: JobType,
  data: unknown,
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const parsed = parseJobData(type, data);
  if (!parsed.ok) throw new InvalidJobDataError(type, parsed.field, parsed.message);
  const queue = queues.get(type);
  const jobId = bullJobId(jobIdFor(type, parsed.data));
  const existing = await queue.getJob(jobId);
  if (existing) {
    return { job: existing, jobId, duplicate: true, state: await existing.getState() };
  }
  const job = await queue.add(type, parsed.data, {
    jobId,
    ...(options.priority === undefined ? {} : { priority: options.priority }),
  });
  // A concurrent enqueue of the same data may have won: BullMQ then kept its job.
  const stored = await queue.getJob(jobId);
  const duplicate = stored !== undefined && stored.timestamp !== job.timestamp;
  return {
    job: stored ?? job,
    jobId,
    duplicate,
    state: stored ? await stored.getState() : 'unknown',
  };
}
