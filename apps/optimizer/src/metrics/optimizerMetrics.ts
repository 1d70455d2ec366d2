import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prefix of the Node.js process metrics (`collectDefaultMetrics`). */
export const OPTIMIZER_DEFAULT_METRICS_PREFIX = 'mm_optimizer_';

/** Job states reported by `mm_optimizer_queue_jobs` (BullMQ `getJobCounts` names). */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'completed',
  'failed',
  'paused',
  'prioritized',
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Why an attempt failed: bad data (no retry), an error (retried), or its worker died (stall). */
export const FAILURE_REASONS = ['unrecoverable', 'error', 'stalled'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Job duration buckets, seconds: 10 ms to 10 min. */
export const JOB_DURATION_BUCKETS_SEC: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 600,
];

/** Anything whose job counts can be read (a BullMQ `Queue` fits). */
export interface CountsSource {
  getJobCounts(
    ...states: Array<Exclude<QueueState, 'paused'>>
  ): Promise<{ [state: string]: number }>;
  isPaused(): Promise<boolean>;
}

/**
 * Job counts of a queue by state. BullMQ (5+) keeps a paused queue's jobs in its wait list; as
 * in its older releases, they are reported as `paused` (and `waiting` is 0) while the queue is
 * paused.
 */
export async function queueDepths(source: CountsSource): Promise<Record<QueueState, number>> {
  const [counts, paused] = await Promise.all([
    source.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'),
    source.isPaused(),
  ]);
  const waiting = counts.waiting ?? 0;
  return {
    waiting: paused ? 0 : waiting,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    paused: paused ? waiting : 0,
    prioritized: counts.prioritized ?? 0,
  };
}

export interface OptimizerMetrics {
  readonly registry: Registry;
  /** Queues whose depths are read at each scrape (`getJobCounts`), by queue name. */
  watchQueues(queues: Iterable<readonly [string, CountsSource]>): void;
  /** A job completed after `durationSec` of processing. */
  jobCompleted(queue: string, durationSec: number): void;
  /** A job attempt failed (retried or not), or a job stalled (its worker died). */
  jobFailed(queue: string, reason: FailureReason): void;
  /** Gap of the best heuristic to the exact optimum from a grid search, `1 - J(h)/J(exact)`. */
  heuristicGap(asset: string, ratio: number): void;
  /** A result of a `type` job was published to the engine. */
  resultPublished(type: string): void;
}

export interface OptimizerMetricsOptions {
  /** Registry to fill (default: a new one). */
  registry?: Registry;
  /** How long a scrape waits for the queue counts before serving the last ones, ms (default 2000). */
  countsTimeoutMs?: number;
  /** Collect Node process metrics (default true). */
  processMetrics?: boolean;
}

/**
 * The optimizer's Prometheus metrics on their own registry: queue depth by state (read from
 * Redis at scrape), job durations, completions, failures by reason, the heuristic gap per asset,
 * published results, and Node process metrics prefixed `mm_optimizer_`. Label values come from
 * bounded sets (job types, states, reasons, engine assets); never job ids or error text.
 */
export function createOptimizerMetrics(options: OptimizerMetricsOptions = {}): OptimizerMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const countsTimeoutMs = options.countsTimeoutMs ?? 2000;
  const watched = new Map<string, CountsSource>();

  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: OPTIMIZER_DEFAULT_METRICS_PREFIX });
  }

  new Gauge({
    name: 'mm_optimizer_queue_jobs',
    help: 'Jobs per queue and state, read from Redis at scrape time (shared by every optimizer)',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      await Promise.all(
        [...watched.entries()].map(async ([queue, source]) => {
          let timer: NodeJS.Timeout | undefined;
          try {
            const counts = await Promise.race([
              queueDepths(source),
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error('timeout')), countsTimeoutMs);
              }),
            ]);
            for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state]);
          } catch {
            // Redis unreachable or slow: keep the last values
          } finally {
            clearTimeout(timer);
          }
        }),
      );
    },
  });
  const duration = new Histogram({
    name: 'mm_optimizer_job_duration_seconds',
    help: 'Processing time of completed jobs (active to completed), seconds',
    labelNames: ['queue'] as const,
    buckets: [...JOB_DURATION_BUCKETS_SEC],
    registers,
  });
  const completed = new Counter({
    name: 'mm_optimizer_jobs_completed_total',
    help: 'Jobs completed by this process',
    labelNames: ['queue'] as const,
    registers,
  });
  const failed = new Counter({
    name: 'mm_optimizer_jobs_failed_total',
    help: 'Failed job attempts seen by this process: unrecoverable (bad data, not retried), error (retried while attempts remain), stalled (the worker died; the job goes back to waiting)',
    labelNames: ['queue', 'reason'] as const,
    registers,
  });
  const gap = new Gauge({
    name: 'mm_optimizer_heuristic_gap_ratio',
    help: 'Latest heuristic gap from a grid search, 1 - J(best heuristic) / J(exact)',
    labelNames: ['asset'] as const,
    registers,
  });
  const published = new Counter({
    name: 'mm_optimizer_results_published_total',
    help: 'Job results published to the engine (params messages), by job type',
    labelNames: ['type'] as const,
    registers,
  });

  return {
    registry,
    watchQueues(queues) {
      for (const [name, source] of queues) {
        watched.set(name, source);
        // zero series from the start, so dashboards show every queue before its first job
        completed.inc({ queue: name }, 0);
        for (const reason of FAILURE_REASONS) failed.inc({ queue: name, reason }, 0);
      }
    },
    jobCompleted(queue, durationSec) {
      completed.inc({ queue });
      if (Number.isFinite(durationSec) && durationSec >= 0)
        duration.observe({ queue }, durationSec);
    },
    jobFailed(queue, reason) {
      failed.inc({ queue, reason });
    },
    heuristicGap(asset, ratio) {
      if (Number.isFinite(ratio)) gap.set({ asset }, ratio);
    },
    resultPublished(type) {
      published.inc({ type });
    },
  };
}
