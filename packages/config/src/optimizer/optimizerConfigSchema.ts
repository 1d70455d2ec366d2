import { z } from 'zod';
import { deploymentPrefix, nonEmptyString, positive, positiveInt, tcpPort } from '../fields.js';
import { formatConfigPath } from '../formatPath.js';
import { JOB_TYPES } from './jobTypes.js';

/** Same meaning as the engine's `redis`: streams `mm:{prefix}:...`, BullMQ under `mm:{prefix}:bull`. */
export const optimizerRedisSchema = z.strictObject({
  url: nonEmptyString().default('redis://127.0.0.1:6379'),
  prefix: deploymentPrefix().default('default'),
  /** How long `Optimizer.start` waits for Redis before failing, ms (default 2000). */
  connectTimeoutMs: positive().default(2000),
  /** A file holding the bus key that signs published params (else `MM_BUS_KEY`). */
  busKeyFile: nonEmptyString().optional(),
});

export const optimizerMetricsSchema = z.strictObject({
  /** Serve Prometheus metrics (default true). */
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  host: nonEmptyString().default('127.0.0.1'),
  /** TCP port; 0 picks a free one (default 9465; the engine's is 9464). */
  port: tcpPort().default(9465),
});

const jobTypeEnum = z.enum(JOB_TYPES, {
  error: `expected one of ${JOB_TYPES.map((t) => `'${t}'`).join(' | ')}`,
});

export const optimizerWorkersSchema = z.strictObject({
  /** Run workers in this process (default true); false: only queues, schedules and metrics. */
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  /** Job types this process works on (default: all). */
  types: z.array(jobTypeEnum).optional(),
  /** Jobs processed at once per job type, per process (default 1 each). */
  concurrency: z.partialRecord(jobTypeEnum, positiveInt()).default({}),
  /** Where sandboxed jobs run: worker threads (default) or child processes. */
  sandbox: z
    .enum(['threads', 'processes'], { error: "expected 'threads' | 'processes'" })
    .default('threads'),
  /** A job's lock lives this long without renewal before the job counts as stalled, ms. */
  lockDurationMs: positive().default(30_000),
  /** How often each worker looks for stalled jobs (of dead workers), ms. */
  stalledIntervalMs: positive().default(30_000),
  /** A job may stall (its worker died) this many times before it fails (default 2). */
  maxStalledCount: z
    .number({ error: 'expected an integer >= 0' })
    .int({ error: 'expected an integer >= 0' })
    .gte(0, { error: 'expected an integer >= 0' })
    .default(2),
  /** On stop, active jobs get this long to finish before they are left to other workers, ms. */
  shutdownTimeoutMs: positive().default(30_000),
});

export const optimizerJobsSchema = z.strictObject({
  /** Attempts per job, the first included (default 3). */
  attempts: positiveInt().default(3),
  /** First retry delay, doubled per attempt, ms (default 1000). */
  backoffMs: positive().default(1000),
  /** Completed jobs kept per queue (default 1000); also the window of idempotent job ids. */
  keepCompleted: positiveInt().default(1000),
  /** Failed jobs kept per queue (default 5000). */
  keepFailed: positiveInt().default(5000),
});

/** One repeatable job: every `everySec`, a job with `data` (checked like any job's data). */
const scheduledJob = (defaults: { everySec: number }) => ({
  /** false removes the schedule (also one another optimizer created); default true. */
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  everySec: positive().default(defaults.everySec),
  /** Job data fields (merged over the ones derived from the engine config, if any). */
  data: z.record(z.string(), z.unknown()).default({}),
});

export const optimizerScheduleSchema = z.strictObject({
  /** A grid-search job validating the heuristic against the optimum (the heuristic gap). */
  validation: z.strictObject(scheduledJob({ everySec: 60 })).optional(),
  /** Re-calibration from recent fills, one job per engine asset. */
  calibration: z
    .strictObject({
      ...scheduledJob({ everySec: 60 }),
      /** Fills of this past window are used, seconds (default 3600). */
      windowSec: positive().default(3600),
    })
    .optional(),
  /** Exact solves of the engine's assets, whose parameters are published to the engine. */
  solve: z.strictObject(scheduledJob({ everySec: 60 })).optional(),
});

export const optimizerResultsSchema = z.strictObject({
  /** Published parameters are valid for at most this long, seconds (default 300). */
  validForSec: positive().default(300),
  /** Publisher identity in message envelopes (default `optimizer`). */
  source: nonEmptyString().default('optimizer'),
});

export const optimizerConfigSchema = z
  .strictObject({
    redis: optimizerRedisSchema.default(optimizerRedisSchema.parse({})),
    metrics: optimizerMetricsSchema.default(optimizerMetricsSchema.parse({})),
    workers: optimizerWorkersSchema.default(optimizerWorkersSchema.parse({})),
    jobs: optimizerJobsSchema.default(optimizerJobsSchema.parse({})),
    schedule: optimizerScheduleSchema.default({}),
    /**
     * The engine's config file (assets and models), resolved against this file's directory when
     * relative. Needed by the calibration and solve schedules.
     */
    engineConfig: nonEmptyString().optional(),
    results: optimizerResultsSchema.default(optimizerResultsSchema.parse({})),
  })
  .superRefine((config, ctx) => {
    for (const name of ['calibration', 'solve'] as const) {
      const entry = config.schedule[name];
      if (entry?.enabled && config.engineConfig === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['engineConfig'],
          message: `the ${name} schedule needs the engine's config (its assets and models)`,
        });
      }
    }
  });

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;
export type OptimizerConfigInput = z.input<typeof optimizerConfigSchema>;
export type OptimizerScheduleConfig = z.infer<typeof optimizerScheduleSchema>;
export type OptimizerWorkersConfig = z.infer<typeof optimizerWorkersSchema>;
export type OptimizerJobsConfig = z.infer<typeof optimizerJobsSchema>;

/** The error of an invalid optimizer config; `message` names every failing field. */
export class OptimizerConfigError extends Error {
  override readonly name = 'OptimizerConfigError';
  readonly code = 'OPTIMIZER_CONFIG_INVALID';
  constructor(readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/**
 * Validate an optimizer config (shape and defaults only; scheduled job data is checked against
 * the job schemas by `loadOptimizerConfig`/`checkScheduledJobData`). Throws an
 * `OptimizerConfigError` naming the field paths.
 */
export function parseOptimizerConfig(input: unknown): OptimizerConfig {
  const result = optimizerConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new OptimizerConfigError(
    result.error.issues.map((issue) => ({
      path: formatConfigPath(issue.path),
      message: issue.message,
    })),
  );
}
