import { Job, QueueEvents } from 'bullmq';
import type { OptimizerQueues } from './createQueues.js';
import { bullConnection } from './createQueues.js';
import { type ProgressView, progressView } from './listJobs.js';

export type JobOutcome =
  | { state: 'completed'; jobId: string; result: unknown; durationSec: number | null }
  | { state: 'failed'; jobId: string; failedReason: string; attemptsMade: number };

export interface WaitForJobOptions {
  /** Called with each progress report while the job runs. */
  onProgress?: (progress: ProgressView) => void;
  /** Give up after this long, ms (default: wait forever). Rejects with a timeout error. */
  timeoutMs?: number;
}

/**
 * Wait (through BullMQ `QueueEvents`) until job `jobId` of queue `type` has completed or finally
 * failed (retries exhausted or unrecoverable), reporting progress on the way. A job already
 * finished resolves at once. Rejects when the job does not exist or on timeout.
 */
export async function waitForJob<T extends string>(
  queues: OptimizerQueues<T>,
  type: T,
  jobId: string,
  options: WaitForJobOptions = {},
): Promise<JobOutcome> {
  const queue = queues.get(type);
  const events = new QueueEvents(queue.name, {
    connection: bullConnection(queues.url),
    prefix: queues.bullPrefix,
  });
  events.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await events.waitUntilReady();
    const { onProgress } = options;
    if (onProgress) {
      events.on('progress', ({ jobId: id, data }) => {
        const p = id === jobId ? progressView(data) : null;
        if (p) onProgress(p);
      });
    }
    const finished = new Promise<'completed' | 'failed'>((resolve) => {
      events.on('completed', ({ jobId: id }) => {
        if (id === jobId) resolve('completed');
      });
      events.on('failed', ({ jobId: id }) => {
        if (id === jobId) resolve('failed');
      });
    });
    const job = await Job.fromId(queue, jobId);
    if (!job) throw new Error(`job ${jobId} not found in queue ${type}`);
    const now = await job.getState();
    if (now !== 'completed' && now !== 'failed') {
      const timeout = new Promise<never>((_, reject) => {
        if (options.timeoutMs !== undefined) {
          timer = setTimeout(
            () => reject(new Error(`job ${jobId} still ${now} after ${options.timeoutMs} ms`)),
            options.timeoutMs,
          );
        }
      });
      await Promise.race([finished, timeout]);
    }
    const done = await Job.fromId(queue, jobId);
    if (!done) throw new Error(`job ${jobId} was removed from queue ${type} before it was read`);
    const state = await done.getState();
    if (state === 'completed') {
      const { processedOn, finishedOn } = done;
      return {
        state: 'completed',
        jobId,
        result: done.returnvalue,
        durationSec:
          processedOn !== undefined && finishedOn !== undefined
            ? (finishedOn - processedOn) / 1000
            : null,
      };
    }
    return {
      state: 'failed',
      jobId,
      failedReason: done.failedReason ?? 'unknown',
      attemptsMade: done.attemptsMade,
    };
  } finally {
    clearTimeout(timer);
    await events.close();
  }
}
