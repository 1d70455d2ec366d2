import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineConfig, OptimizerConfig } from '@mm/config';
import type { Transport } from '@mm/contracts';
import type { Logger } from '@mm/telemetry';
import type { ScheduledJob } from '../queue/schedule.js';
import { schedulesFromConfig } from '../queue/schedulesFromConfig.js';
import { paramsMessageFor } from '../worker/publishResults.js';

/** The built thread script (next to this file in dist; from src, in the package's dist). */
export function embeddedThreadFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'embeddedJobThread.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = resolve(dirname(here), '../../dist/embedded/embeddedJobThread.js');
  if (existsSync(built)) return built;
  throw new Error(`embedded job thread not built: expected ${built} (run \`pnpm build\`)`);
}

export interface EmbeddedOptimizerDeps {
  logger: Logger;
  engineConfig: EngineConfig;
  /** The engine's in-process transport: solve results are published on it. */
  transport: Transport;
  /** The params stream name (`streamNames(prefix).params`). */
  paramsStream: string;
  /** Epoch ms (default `Date.now`). */
  nowMs?: () => number;
}

/**
 * The optimizer without Redis (embedded mode of `mm start`): the configured schedules run one job
 * at a time, each in a worker thread, and solve results are published on the engine's
 * in-process transport. Calibration needs the engine's Redis streams and is skipped. No queue,
 * no retries, no scale-out: that is what the BullMQ `Optimizer` is for.
 */
export class EmbeddedOptimizer {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly queue: ScheduledJob[] = [];
  private running: { worker: Worker; done: Promise<void> } | undefined;
  private stopped = false;
  private readonly nowMs: () => number;
  /** Jobs finished, by outcome (for logs and tests). */
  readonly counts = { completed: 0, failed: 0, published: 0 };

  private constructor(
    private readonly config: OptimizerConfig,
    private readonly deps: EmbeddedOptimizerDeps,
    jobs: ScheduledJob[],
  ) {
    this.nowMs = deps.nowMs ?? Date.now;
    for (const job of jobs) {
      const t = setInterval(() => this.enqueue(job), job.everyMs);
      t.unref();
      this.timers.push(t);
      this.enqueue(job); // a first run at start
    }
  }

  static start(config: OptimizerConfig, deps: EmbeddedOptimizerDeps): EmbeddedOptimizer {
    const spec = schedulesFromConfig(config, deps.engineConfig);
    const jobs = spec.jobs.filter((j) => j.type !== 'calibrate');
    if (jobs.length < spec.jobs.length) {
      deps.logger.info(
        'embedded optimizer: calibration needs Redis (the engine records market data there); skipped',
      );
    }
    deps.logger.info(
      { schedules: jobs.map((j) => j.id) },
      'embedded optimizer started (worker threads, no Redis)',
    );
    return new EmbeddedOptimizer(config, deps, jobs);
  }

  private enqueue(job: ScheduledJob): void {
    if (this.stopped || this.queue.some((q) => q.id === job.id)) return; // one pending run each
    this.queue.push(job);
    this.next();
  }

  private next(): void {
    if (this.stopped || this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    const worker = new Worker(embeddedThreadFile(), {
      workerData: { type: job.type, data: job.data, nowMs: this.nowMs() },
    });
    const done = new Promise<void>((resolve) => {
      worker.on(
        'message',
        (m: { kind: string; result?: unknown; message?: string; field?: string }) => {
          if (m.kind === 'done') this.onDone(job, m.result);
          else if (m.kind === 'failed') {
            this.counts.failed++;
            this.deps.logger.warn(
              { schedule: job.id, field: m.field, err: m.message },
              'embedded job failed',
            );
          }
        },
      );
      worker.on('error', (e) => {
        this.counts.failed++;
        this.deps.logger.error({ schedule: job.id, err: e.message }, 'embedded job thread failed');
      });
      worker.on('exit', () => resolve());
    });
    this.running = { worker, done };
    void done.then(() => {
      this.running = undefined;
      this.next();
    });
  }

  private onDone(job: ScheduledJob, result: unknown): void {
    this.counts.completed++;
    const r = result as { heuristicGap?: unknown } | null;
    if (job.type === 'grid-search' && typeof r?.heuristicGap === 'number') {
      this.deps.logger.info({ schedule: job.id, heuristicGap: r.heuristicGap }, 'heuristic gap');
    }
    if (job.type !== 'solve') return;
    const built = paramsMessageFor(result, {
      source: this.config.results.source,
      nowMs: this.nowMs(),
      validForSec: this.config.results.validForSec,
    });
    if (!built.ok) {
      this.deps.logger.warn(
        { schedule: job.id, field: built.field, reason: built.reason },
        'result not published',
      );
      return;
    }
    if (this.deps.transport.publish(this.deps.paramsStream, built.message)) {
      this.counts.published++;
      this.deps.logger.info(
        { schedule: job.id, assets: built.message.payload.assets.map((a) => a.asset) },
        'parameters published (in-process)',
      );
    }
  }

  /** Stop scheduling; the running job's thread is terminated. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.queue.length = 0;
    const running = this.running;
    if (running) {
      await running.worker.terminate();
      await running.done;
    }
  }
}
