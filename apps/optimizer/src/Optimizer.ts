import type { OptimizerConfig } from '@mm/config';
import {
  type EngineConfig,
  JOB_TYPES,
  type JobType,
  loadEngineConfig,
  positionLimitLotsOf,
} from '@mm/config';
import {
  BUS_KEY_ENV,
  BUS_KEY_FILE_FIELD,
  type BusKey,
  displayUrl,
  loadBusKey,
  RedisTransport,
  redactSecretsOf,
  type Transport,
} from '@mm/contracts';
import type { Logger } from '@mm/telemetry';
import { startMetricsServer } from '@mm/telemetry';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CalibrateResult } from './jobs/jobSchemas.js';
import {
  createOptimizerMetrics,
  type FailureReason,
  type OptimizerMetrics,
} from './metrics/optimizerMetrics.js';
import { createQueues, type OptimizerQueues } from './queue/createQueues.js';
import { enqueueJob } from './queue/enqueue.js';
import { type ScheduleReport, upsertSchedules } from './queue/schedule.js';
import { schedulesFromConfig, validationAssetOf } from './queue/schedulesFromConfig.js';
import { createWorkers, type OptimizerWorkers } from './worker/createWorkers.js';
import { type PublishOutcome, ResultPublisher } from './worker/publishResults.js';

export interface OptimizerDeps {
  logger: Logger;
  /** The engine config (default: loaded from `config.engineConfig`, when set). */
  engineConfig?: EngineConfig;
  /** Epoch ms (default `Date.now`): publication times and staleness. */
  nowMs?: () => number;
  /** Sandboxed processor module (default the built `dist/worker/sandboxedProcessor.js`). */
  processorFile?: string;
  /**
   * Job types (queues) of this deployment (default `JOB_TYPES`). Tests add their own types with
   * a processor of their own; the workers run `config.workers.types` of them (default all).
   */
  jobTypes?: readonly string[];
  /** Job types whose results are published (default `solve`, `calibrate`). */
  publishTypes?: readonly string[];
  /**
   * The bus key signing published params (default: `MM_BUS_KEY`, else `redis.busKeyFile`;
   * `mm start` passes the engine's). Engines reject unsigned params from other processes.
   */
  busKey?: BusKey | null;
}

/** What `stop` reports. */
export interface OptimizerStopReport {
  reason: string;
  /** Active jobs did not finish within `workers.shutdownTimeoutMs` (other workers retry them). */
  timedOut: boolean;
}

/** Errors raised by the optimizer's own start-up checks carry a `code`. */
export class OptimizerStartError extends Error {
  override readonly name = 'OptimizerStartError';
  constructor(
    readonly code: 'REDIS_UNREACHABLE',
    message: string,
  ) {
    super(message);
  }
}

const FAILED_BY_STALL = /stalled more than allowable limit/;

function failureReason(error: Error): FailureReason {
  if (FAILED_BY_STALL.test(error.message)) return 'stalled';
  return error.name === 'UnrecoverableError' ? 'unrecoverable' : 'error';
}

async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 3,
  });
  redis.on('error', () => {
    // ioredis reconnects; failed commands surface where they are awaited
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (e) {
    redis.disconnect();
    throw new OptimizerStartError(
      'REDIS_UNREACHABLE',
      `Redis at ${displayUrl(url)} unreachable (${redactSecretsOf(e instanceof Error ? e.message : String(e), url)}); the optimizer needs Redis for its queues`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The optimizer service: one BullMQ queue per job type under `mm:{prefix}:bull`, the repeatable
 * schedules (validation, calibration, solve), sandboxed workers, the result publisher (params of
 * completed solve/calibrate jobs to `mm:{prefix}:params`, once per job) and the metrics server.
 * Any number of optimizers may share one Redis: schedules are idempotent, jobs are taken by one
 * worker at a time, and a job whose worker died is retried by another. `stop()` is graceful.
 */
export class Optimizer {
  private metricsServer: { url: string; close(): Promise<void> } | undefined;
  private workers: OptimizerWorkers<string> | undefined;
  private transport: Transport | undefined;
  private publisher: ResultPublisher | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The engine's config (assets, risk aversion, limits), when known. */
  private engine: EngineConfig | undefined;
  private stopping: Promise<OptimizerStopReport> | undefined;
  /** What the schedules looked like after start (upserted and removed schedulers). */
  schedule: ScheduleReport = { upserted: [], removed: [] };

  private constructor(
    readonly config: OptimizerConfig,
    readonly queues: OptimizerQueues<string>,
    readonly metrics: OptimizerMetrics,
    private readonly redis: Redis,
    private readonly deps: OptimizerDeps,
  ) {}

  /** Connect, schedule, start workers and metrics. `config` must come from `parseOptimizerConfig`. */
  static async start(config: OptimizerConfig, deps: OptimizerDeps): Promise<Optimizer> {
    const engine =
      deps.engineConfig ??
      (config.engineConfig === undefined ? undefined : await loadEngineConfig(config.engineConfig));
    const spec = schedulesFromConfig(config, engine);
    const busKey =
      deps.busKey !== undefined ? deps.busKey : await loadBusKey({ file: config.redis.busKeyFile });
    const redis = await connectRedis(config.redis.url, config.redis.connectTimeoutMs);
    const queues = createQueues<string>({
      url: config.redis.url,
      prefix: config.redis.prefix,
      types: deps.jobTypes ?? JOB_TYPES,
      jobs: config.jobs,
    });
    const optimizer = new Optimizer(config, queues, createOptimizerMetrics(), redis, {
      ...deps,
      busKey,
    });
    optimizer.engine = engine;
    try {
      await optimizer.init(spec);
    } catch (e) {
      await optimizer.stop(`start-up failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    return optimizer;
  }

  /** Prometheus base URL, when metrics are served. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  private async init(spec: ReturnType<typeof schedulesFromConfig>): Promise<void> {
    const { config, queues } = this;
    this.metrics.watchQueues(queues.entries());
    this.schedule = await upsertSchedules(
      queues as OptimizerQueues<JobType>,
      spec.jobs,
      spec.removed,
    );
    for (const s of this.schedule.upserted) this.log.info(s, 'job schedule upserted');
    for (const r of this.schedule.removed.filter((x) => x.existed)) {
      this.log.info(r, 'job schedule removed (disabled)');
    }

    if (!this.deps.busKey) {
      this.log.warn(
        `no bus key: engines in other processes reject the parameters this optimizer publishes; set ${BUS_KEY_ENV} (or ${BUS_KEY_FILE_FIELD}) to the engine's key`,
      );
    }
    this.transport = new RedisTransport(this.redis.duplicate(), {
      key: this.deps.busKey ?? null,
      onReject: (e) =>
        this.log.warn(
          { stream: e.stream, direction: e.direction, field: e.error.path, err: e.error.message },
          'bus message rejected',
        ),
    });
    this.publisher = new ResultPublisher({
      transport: this.transport,
      redis: this.redis,
      prefix: config.redis.prefix,
      validForSec: config.results.validForSec,
      source: config.results.source,
      ...(this.deps.publishTypes ? { types: this.deps.publishTypes } : {}),
      ...(this.deps.nowMs ? { nowMs: this.deps.nowMs } : {}),
    });

    if (config.workers.enabled) {
      const types = config.workers.types ?? queues.types;
      this.workers = createWorkers<string>({
        url: config.redis.url,
        prefix: config.redis.prefix,
        types,
        concurrency: config.workers.concurrency,
        sandbox: config.workers.sandbox,
        lockDurationMs: config.workers.lockDurationMs,
        stalledIntervalMs: config.workers.stalledIntervalMs,
        maxStalledCount: config.workers.maxStalledCount,
        ...(this.deps.processorFile ? { processorFile: this.deps.processorFile } : {}),
        onError: (type, e) => this.log.warn({ queue: type, err: e.message }, 'worker error'),
      });
      for (const [type, worker] of this.workers.workers) {
        worker.on('active', (job) =>
          this.log.debug(
            { queue: type, jobId: job.id, attempt: job.attemptsMade + 1 },
            'job active',
          ),
        );
        worker.on('completed', (job) => this.track(this.onCompleted(type, job)));
        worker.on('failed', (job, error) => this.onFailed(type, job, error));
        worker.on('stalled', (jobId) => {
          this.metrics.jobFailed(type, 'stalled');
          this.log.warn({ queue: type, jobId }, 'job stalled (its worker died): back to waiting');
        });
      }
      await this.workers.ready();
    }

    if (config.metrics.enabled) {
      this.metricsServer = await startMetricsServer({
        host: config.metrics.host,
        port: config.metrics.port,
        registry: this.metrics.registry,
      });
      this.log.info({ url: this.metricsServer.url }, 'metrics served');
    }
    this.log.info(
      {
        prefix: config.redis.prefix,
        queues: queues.types,
        workers: this.workers ? [...this.workers.workers.keys()] : [],
        sandbox: config.workers.sandbox,
        schedules: this.schedule.upserted.map((s) => s.id),
      },
      'optimizer started',
    );
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async onCompleted(type: string, job: Job): Promise<void> {
    const durationSec =
      job.processedOn !== undefined && job.finishedOn !== undefined
        ? (job.finishedOn - job.processedOn) / 1000
        : Number.NaN;
    this.metrics.jobCompleted(type, durationSec);
    this.log.info(
      { queue: type, jobId: job.id, durationSec, attempts: job.attemptsMade },
      'job completed',
    );
    const result = job.returnvalue as { heuristicGap?: unknown } | null;
    if (type === 'grid-search' && typeof result?.heuristicGap === 'number') {
      const asset = validationAssetOf(job.repeatJobKey);
      this.metrics.heuristicGap(asset, result.heuristicGap);
      this.log.info({ asset, heuristicGap: result.heuristicGap, jobId: job.id }, 'heuristic gap');
    }
    if (type === 'calibrate') await this.solveCalibrated(job);
    if (!this.publisher?.publishes(type)) return;
    let outcome: PublishOutcome;
    try {
      outcome = await this.publisher.publish(job);
    } catch (e) {
      outcome = { kind: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
    const at = { queue: type, jobId: job.id };
    switch (outcome.kind) {
      case 'published':
        this.metrics.resultPublished(type);
        this.log.info(
          {
            ...at,
            assets: outcome.message.payload.assets.map((a) => a.asset),
            validUntil: outcome.message.payload.validUntil,
          },
          'parameters published',
        );
        break;
      case 'duplicate':
        this.log.info(at, 'parameters already published for this job');
        break;
      case 'skipped':
        this.log.info({ ...at, reason: outcome.reason }, 'result not published');
        break;
      case 'invalid':
        this.log.warn(
          { ...at, field: outcome.field, reason: outcome.reason },
          'result not published: parameters break the contract',
        );
        break;
      case 'stale':
        this.log.warn({ ...at, validUntil: outcome.validUntil }, 'result not published: stale');
        break;
      case 'failed':
        this.log.error({ ...at, reason: outcome.reason }, 'result publication failed');
        break;
    }
  }

  /**
   * Calibration feeds the solver: every engine asset whose sigma, A and k were calibrated (and
   * that quotes without regimes) gets a `solve` job at those values with the engine's own gamma,
   * inventory bound and clip size; the solve's result is published to the engine, which checks it
   * against its own plausibility bounds before use.
   */
  private async solveCalibrated(job: Job): Promise<void> {
    const result = job.returnvalue as CalibrateResult | null;
    const engine = this.engine;
    if (!engine || !result || !Array.isArray(result.assets)) return;
    const assets = [];
    for (const c of result.assets) {
      const asset = engine.assets.find((a) => a.symbol === c.asset);
      if (!asset || !c.model) continue;
      if (asset.regime) {
        this.log.info({ asset: c.asset }, 'calibration not solved: the asset quotes with regimes');
        continue;
      }
      assets.push({
        asset: c.asset,
        ...c.model,
        gamma: asset.model.gamma,
        qMax: Math.min(asset.qMaxLots, positionLimitLotsOf(engine, asset)),
        quoteSizeLots: asset.quoteSizeLots,
      });
    }
    if (assets.length === 0) {
      this.log.info({ jobId: job.id }, 'calibration gave no usable model: nothing to solve');
      return;
    }
    try {
      const { jobId, duplicate } = await enqueueJob(this.queues, 'solve', {
        assets,
        validForSec: this.config.results.validForSec,
      });
      this.log.info(
        { calibration: job.id, solve: jobId, duplicate, assets: assets.map((a) => a.asset) },
        'calibrated models sent to the solver',
      );
    } catch (e) {
      this.log.warn(
        { calibration: job.id, err: e instanceof Error ? e.message : String(e) },
        'calibrated models not solvable',
      );
    }
  }

  private onFailed(type: string, job: Job | undefined, error: Error): void {
    const reason = failureReason(error);
    this.metrics.jobFailed(type, reason);
    const final = job?.finishedOn !== undefined;
    const fields = {
      queue: type,
      jobId: job?.id,
      reason,
      attemptsMade: job?.attemptsMade,
      field: (error as { field?: unknown }).field,
      err: error.message,
    };
    if (final) this.log.error(fields, 'job failed');
    else this.log.warn(fields, 'job attempt failed: retrying with backoff');
  }

  /**
   * Graceful stop: workers stop taking jobs and finish the active ones (up to
   * `workers.shutdownTimeoutMs`, after which the unfinished ones are left to other workers as
   * stalled), pending publications are flushed, then every connection and the metrics server
   * are closed. Idempotent.
   */
  stop(reason = 'stopped'): Promise<OptimizerStopReport> {
    this.stopping ??= (async () => {
      this.log.info({ reason }, 'optimizer stopping');
      const closed = (await this.workers?.close(this.config.workers.shutdownTimeoutMs)) ?? {
        timedOut: false,
      };
      await Promise.allSettled([...this.inFlight]);
      await this.transport?.close().catch(() => {});
      await this.queues.close().catch(() => {});
      await this.metricsServer?.close().catch(() => {});
      try {
        await this.redis.quit();
      } catch {
        this.redis.disconnect();
      }
      this.log.info({ reason, timedOut: closed.timedOut }, 'optimizer stopped');
      return { reason, timedOut: closed.timedOut };
    })();
    return this.stopping;
  }
}
