import type { Job, JobProgress } from 'bullmq';
import { type QueueState, queueDepths } from '../metrics/optimizerMetrics.js';

/** States whose jobs are listed (a paused queue's jobs are in its wait list). */
const LISTED_STATES = [
  'active',
  'waiting',
  'prioritized',
  'delayed',
  'failed',
  'completed',
] as const;

import type { OptimizerQueues } from './createQueues.js';

/** A job's progress as the workers report it: fraction done in [0, 1], optional note. */
export interface ProgressView {
  fraction: number;
  note?: string;
}

/** One job as `mm jobs` shows it. Times are epoch ms; the duration is in seconds. */
export interface JobSummary {
  queue: string;
  id: string;
  /** The job type (BullMQ job name). */
  name: string;
  state: QueueState;
  progress: ProgressView | null;
  /** Attempts made so far (failed ones and the finished one). */
  attemptsMade: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Processing time of a finished job (started to finished), seconds. */
  durationSec: number | null;
  failedReason: string | null;
  /** The scheduler that created the job (`validation-BTC`, `solve`, ...), if any. */
  scheduler: string | null;
}

export interface QueueListing {
  queue: string;
  counts: Record<QueueState, number>;
  /** The most recent jobs of the queue, newest first (by finish, else start, else creation). */
  jobs: JobSummary[];
}

/** Reads a stored progress value: `{fraction, note}` (the workers' form) or a 0-100 number. */
export function progressView(progress: JobProgress | undefined | null): ProgressView | null {
  if (typeof progress === 'number' && Number.isFinite(progress)) {
    return { fraction: Math.min(1, Math.max(0, progress / 100)) };
  }
  if (typeof progress === 'object' && progress !== null) {
    const { fraction, note } = progress as { fraction?: unknown; note?: unknown };
    if (typeof fraction === 'number' && Number.isFinite(fraction)) {
      return { fraction, ...(typeof note === 'string' ? { note } : {}) };
    }
  }
  return null;
}

/** A BullMQ job summarized; `state` is the list it was read from. */
export function summarizeJob(queue: string, job: Job, state: QueueState): JobSummary {
  const startedAt = job.processedOn ?? null;
  const finishedAt = job.finishedOn ?? null;
  return {
    queue,
    id: job.id ?? '',
    name: job.name,
    state,
    progress: progressView(job.progress),
    attemptsMade: job.attemptsMade,
    createdAt: job.timestamp,
    startedAt,
    finishedAt,
    durationSec:
      startedAt !== null && finishedAt !== null ? Math.max(0, finishedAt - startedAt) / 1000 : null,
    failedReason: job.failedReason ? job.failedReason : null,
    scheduler: job.repeatJobKey ?? null,
  };
}

/**
 * For `mm jobs`: each queue's counts by state and its `limit` most recent jobs (default 10) with
 * state, progress, duration and failure reason. Reads Redis only; works with any number of
 * workers running.
 */
export async function listJobs<T extends string>(
  queues: OptimizerQueues<T>,
  options: { limit?: number; types?: readonly T[] } = {},
): Promise<QueueListing[]> {
  const limit = Math.max(0, Math.floor(options.limit ?? 10));
  const types = options.types ?? queues.types;
  return Promise.all(
    types.map(async (type) => {
      const queue = queues.get(type);
      const counts = await queueDepths(queue);
      const jobs: JobSummary[] = [];
      if (limit > 0) {
        const perState = await Promise.all(
          LISTED_STATES.filter((s) => counts[s] > 0 || (s === 'waiting' && counts.paused > 0)).map(
            async (state) => {
              const found = await queue.getJobs([state], 0, limit - 1, false);
              return found
                .filter((j): j is Job => j !== undefined && j !== null)
                .map((j) =>
                  summarizeJob(
                    type,
                    j,
                    state === 'waiting' && counts.paused > 0 ? 'paused' : state,
                  ),
                );
            },
          ),
        );
        const seen = new Set<string>();
        const recency = (j: JobSummary) => j.finishedAt ?? j.startedAt ?? j.createdAt;
        for (const j of perState.flat().sort((a, b) => recency(b) - recency(a))) {
          if (seen.has(j.id)) continue; // moved between lists while being read
          seen.add(j.id);
          jobs.push(j);
          if (jobs.length >= limit) break;
        }
      }
      return { queue: type, counts, jobs };
    }),
  );
}
