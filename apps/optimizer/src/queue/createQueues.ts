import { JOB_TYPES, type JobType } from '@mm/config';
import { type ConnectionOptions, type DefaultJobOptions, Queue } from 'bullmq';
import { bullPrefix, checkPrefix, queueNameFor } from './queueNames.js';

/** ioredis options BullMQ needs for a Redis URL (`maxRetriesPerRequest: null`, as BullMQ asks). */
export function bullConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

/** Retry and retention settings of every job added through the queues. */
export interface JobDefaults {
  /** Attempts per job, the first included (default 3). */
  attempts?: number;
  /** First retry delay, doubled per attempt (exponential backoff), ms (default 1000). */
  backoffMs?: number;
  /** Completed jobs kept per queue (default 1000). */
  keepCompleted?: number;
  /** Failed jobs kept per queue (default 5000). */
  keepFailed?: number;
}

/** BullMQ default job options from `JobDefaults`. */
export function defaultJobOptions(defaults: JobDefaults = {}): DefaultJobOptions {
  return {
    attempts: defaults.attempts ?? 3,
    backoff: { type: 'exponential', delay: defaults.backoffMs ?? 1000 },
    removeOnComplete: { count: defaults.keepCompleted ?? 1000 },
    removeOnFail: { count: defaults.keepFailed ?? 5000 },
  };
}

export interface CreateQueuesOptions<T extends string = JobType> {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Deployment prefix; BullMQ keys go under `mm:{prefix}:bull`. */
  prefix: string;
  /** Job types to open a queue for (default: every `JOB_TYPES`). */
  types?: readonly T[];
  jobs?: JobDefaults;
}

/** One BullMQ `Queue` per job type of a deployment. */
export interface OptimizerQueues<T extends string = JobType> {
  /** Deployment prefix (`mm:{prefix}:...`). */
  readonly prefix: string;
  /** BullMQ key prefix, `mm:{prefix}:bull`. */
  readonly bullPrefix: string;
  readonly url: string;
  readonly types: readonly T[];
  /** The queue of a job type; throws a `TypeError` naming the type when there is none. */
  get(type: T): Queue;
  /** Every queue, by type. */
  entries(): Array<[T, Queue]>;
  /** Closes every queue's connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Open one queue per job type under `mm:{prefix}:bull`, with default job options: `attempts`
 * (default 3), exponential backoff, completed/failed jobs kept by count. Queues connect lazily;
 * `waitUntilReady` on one of them waits for Redis.
 */
export function createQueues<T extends string = JobType>(
  options: CreateQueuesOptions<T>,
): OptimizerQueues<T> {
  const prefix = checkPrefix(options.prefix);
  const bull = bullPrefix(prefix);
  const types = [...(options.types ?? (JOB_TYPES as readonly string[] as readonly T[]))];
  const connection = bullConnection(options.url);
  const jobOptions = defaultJobOptions(options.jobs);
  const queues = new Map<T, Queue>();
  for (const type of types) {
    const queue = new Queue(queueNameFor(type), {
      connection,
      prefix: bull,
      defaultJobOptions: jobOptions,
    });
    // Connection errors are retried by ioredis; callers see failed commands.
    queue.on('error', () => {});
    queues.set(type, queue);
  }
  let closing: Promise<void> | undefined;
  return {
    prefix,
    bullPrefix: bull,
    url: options.url,
    types,
    get(type) {
      const queue = queues.get(type);
      if (!queue) {
        throw new TypeError(
          `type: no queue for job type '${type}' (expected one of ${types.join(', ')})`,
        );
      }
      return queue;
    },
    entries: () => [...queues.entries()],
    close() {
      closing ??= Promise.all([...queues.values()].map((q) => q.close())).then(() => {});
      return closing;
    },
  };
}
