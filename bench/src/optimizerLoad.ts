/**
 * The optimizer's job throughput through BullMQ on the local Redis, run by `cases/optimizer.ts`
 * in a child process (`node bench/dist/optimizerLoad.js [--quick] [--json]`).
 *
 * Workers are separate processes (`--role worker`, this file again): each runs `Optimizer.start`
 * from the built `@mm/optimizer` as `mm optimizer` does (every job type, concurrency 1 per type,
 * sandboxed worker threads, results of solve jobs published to the bus), on a unique prefix
 * `bench:<uuid>` with no schedules and no metrics server. The driver (this process) enqueues
 * through `enqueueJob` (validated, idempotent ids) while the queue is paused, resumes it and
 * times the batch from the resume to the last job's `finishedOn`. Scenarios:
 *
 * - a trivial job (a `solve` of one asset with qMax 1, ~1 ms of work) and a realistic grid search
 *   (10 candidates x 20 paths x 300 steps), each with one and with two worker processes; a
 *   warm-up batch first (sandbox threads started, JIT warm), then timed batches;
 * - one 1,000-candidate grid search on one worker (wall time of the job).
 *
 * Every key under `mm:bench:<uuid>:` is deleted at the end and the workers are stopped (SIGTERM,
 * graceful); a worker also stops when its stdin closes (the driver died).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  createQueues,
  enqueueJob,
  type JobType,
  Optimizer,
  type OptimizerQueues,
  parseOptimizerConfig,
} from '@mm/optimizer';
import { createLogger } from '@mm/telemetry';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One timed batch: `jobs` jobs from the resume to the last one's end. */
export interface BatchResult {
  jobs: number;
  wallSec: number;
  jobsPerSec: number;
  /** Processing time per job (worker's active to completed), median and p90, ms. */
  processingMs: { p50: number; p90: number };
  /** Jobs done by each worker process (sorted, largest first). */
  perWorker: number[];
}

export interface ThroughputResult {
  kind: 'trivial' | 'grid';
  workers: number;
  /** What one job is. */
  job: string;
  warmupJobs: number;
  batches: BatchResult[];
}

export interface BigGridResult {
  candidates: number;
  paths: number;
  stepsPerPath: number;
  simulatedSteps: number;
  /** The job's processing time (active to completed) and enqueue to completed, seconds. */
  processingSec: number;
  endToEndSec: number;
  /** Simulated steps per second of processing. */
  stepsPerSec: number;
}

export interface OptimizerLoadResult {
  quick: boolean;
  prefix: string;
  throughput: ThroughputResult[];
  bigGrid: BigGridResult;
  /** Keys left under the prefix after cleanup (should be 0). */
  leftoverKeys: number;
  /** 1-minute load average before the run and at its end (the run's own load included). */
  loadAvg1mBefore: number;
  loadAvg1m: number;
  cpus: number;
}

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

/** A minimal solve: one asset, qMax 1 (~1 ms). `i` makes each request (and job id) distinct. */
function trivialJob(i: number): unknown {
  return { assets: [{ asset: `B${i}`, sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 1 }] };
}

const GRID_MARKET = { sigma: 0.3, A: 0.5, k: 2.2, midPrice: 3000 };

/** A grid search of `candidates` (heuristic and grid policies) on `paths` x `steps` (dt 0.1 s). */
function gridJob(candidates: number, paths: number, steps: number, seed: number): unknown {
  const perPolicy = candidates / 2;
  // half spreads from 0.5 to 5 bps (1/k is 1.5 bps of 3000)
  const baseHalfSpreadBps = Array.from(
    { length: perPolicy },
    (_, j) => 0.5 + (4.5 * j) / Math.max(1, perPolicy - 1),
  );
  return {
    market: GRID_MARKET,
    objective: { gamma: 0.04 },
    qMaxLots: 10,
    horizonSec: Math.round(steps) / 10,
    dtSec: 0.1,
    paths,
    seed,
    candidates: { kind: 'grid', policies: ['heuristic', 'grid'], baseHalfSpreadBps },
  };
}

export const SIZES = {
  full: {
    trivial: { warmup: 1000, batch: 1000, batches: 3 },
    grid: { warmup: 6, batch: 60, batches: 2 },
    big: { candidates: 1000, paths: 100, steps: 300 },
  },
  quick: {
    trivial: { warmup: 10, batch: 60, batches: 1 },
    grid: { warmup: 2, batch: 6, batches: 1 },
    big: { candidates: 1000, paths: 10, steps: 100 },
  },
} as const;

/** The realistic grid job: 10 candidates x 20 paths x 300 steps. */
export const GRID_JOB = { candidates: 10, paths: 20, steps: 300 } as const;

// ---------------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------------

async function workerMain(prefix: string): Promise<void> {
  const config = parseOptimizerConfig({
    redis: { url: REDIS_URL, prefix },
    metrics: { enabled: false },
    workers: { shutdownTimeoutMs: 10_000 },
  });
  const logger = createLogger({
    name: 'mm-optimizer',
    level: 'warn',
    destination: new Writable({
      write(chunk, _enc, cb) {
        process.stderr.write(chunk);
        cb();
      },
    }),
  });
  const optimizer = await Optimizer.start(config, { logger });
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    const report = await optimizer.stop(why);
    process.exit(report.timedOut ? 1 : 0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdin.on('end', () => void stop('driver gone'));
  process.stdin.resume();
  process.stdout.write('ready\n');
}

interface WorkerProc {
  child: ChildProcess;
  stderr: string;
  exited: Promise<number | null>;
}

function spawnWorker(prefix: string): Promise<WorkerProc> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [script, '--role', 'worker', '--prefix', prefix], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const w: WorkerProc = {
    child,
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    w.stderr = (w.stderr + s).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`worker not ready in 30 s: ${w.stderr}`)),
      30_000,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (s: string) => {
      out += s;
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve(w);
      }
    });
    void w.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before ready: ${w.stderr.trim()}`));
    });
  });
}

async function stopWorkers(workers: WorkerProc[]): Promise<void> {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(
    workers.map(async (w) => {
      const timer = setTimeout(() => w.child.kill('SIGKILL'), 20_000);
      await w.exited;
      clearTimeout(timer);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
}

/**
 * Enqueue `data` as jobs of `type` on the paused queue, resume, wait until every one finished;
 * the batch's wall time runs from the resume to the latest `finishedOn`.
 */
async function runBatch(
  queues: OptimizerQueues<JobType>,
  type: JobType,
  data: unknown[],
): Promise<BatchResult> {
  const queue = queues.get(type);
  await queue.pause();
  const ids: string[] = [];
  for (const d of data) {
    const added = await enqueueJob(queues, type, d);
    if (added.duplicate) throw new Error(`job ${added.jobId} already existed`);
    ids.push(added.jobId);
  }
  const t0 = Date.now();
  await queue.resume();
  const deadline = t0 + 600_000;
  for (;;) {
    const counts = await queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'failed',
    );
    if ((counts.failed ?? 0) > 0) {
      const [failed] = await queue.getJobs(['failed'], 0, 0);
      throw new Error(`a ${type} job failed: ${failed?.failedReason ?? '?'}`);
    }
    const pending =
      (counts.waiting ?? 0) +
      (counts.active ?? 0) +
      (counts.delayed ?? 0) +
      (counts.prioritized ?? 0);
    if (pending === 0) break;
    if (Date.now() > deadline) throw new Error(`${type} batch not done in 600 s`);
    await sleep(10);
  }
  const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
  let last = t0;
  const processing: number[] = [];
  const byWorker = new Map<string, number>();
  for (const job of jobs) {
    if (!job?.finishedOn || job.processedOn === undefined)
      throw new Error(`job ${job?.id} not finished`);
    last = Math.max(last, job.finishedOn);
    processing.push(job.finishedOn - job.processedOn);
    const by = job.processedBy ?? '?';
    byWorker.set(by, (byWorker.get(by) ?? 0) + 1);
  }
  const wallSec = Math.max(1e-3, (last - t0) / 1000);
  return {
    jobs: data.length,
    wallSec,
    jobsPerSec: data.length / wallSec,
    processingMs: { p50: quantile(processing, 0.5), p90: quantile(processing, 0.9) },
    perWorker: [...byWorker.values()].sort((a, b) => b - a),
  };
}

let serial = 0;

async function throughput(
  queues: OptimizerQueues<JobType>,
  kind: 'trivial' | 'grid',
  workers: number,
  quick: boolean,
): Promise<ThroughputResult> {
  const size = (quick ? SIZES.quick : SIZES.full)[kind];
  const type: JobType = kind === 'trivial' ? 'solve' : 'grid-search';
  const make = (n: number) =>
    Array.from({ length: n }, () => {
      const i = serial++;
      return kind === 'trivial'
        ? trivialJob(i)
        : gridJob(GRID_JOB.candidates, GRID_JOB.paths, GRID_JOB.steps, i + 1);
    });
  // warm-up: sandbox threads started in each worker, JIT warm
  await runBatch(queues, type, make(size.warmup));
  const batches: BatchResult[] = [];
  for (let b = 0; b < size.batches; b++)
    batches.push(await runBatch(queues, type, make(size.batch)));
  return {
    kind,
    workers,
    job:
      kind === 'trivial'
        ? 'solve, 1 asset, qMax 1'
        : `grid search, ${GRID_JOB.candidates} candidates x ${GRID_JOB.paths} paths x ${GRID_JOB.steps} steps`,
    warmupJobs: size.warmup,
    batches,
  };
}

async function deletePrefix(queues: OptimizerQueues<JobType>, prefix: string): Promise<number> {
  const client = await queues.get('solve').backend.connection.client;
  const scan = async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, {
        MATCH: `mm:${prefix}:*`,
        COUNT: 1000,
      });
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  };
  const keys = await scan();
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  return (await scan()).length;
}

async function driverMain(quick: boolean): Promise<OptimizerLoadResult> {
  const prefix = `bench:${randomUUID()}`;
  const loadAvg1mBefore = loadavg()[0] ?? Number.NaN;
  const queues = createQueues<JobType>({
    url: REDIS_URL,
    prefix,
    jobs: { attempts: 1, keepCompleted: 100_000, keepFailed: 1000 },
  });
  const workers: WorkerProc[] = [];
  try {
    const results: ThroughputResult[] = [];
    workers.push(await spawnWorker(prefix));
    results.push(await throughput(queues, 'trivial', 1, quick));
    results.push(await throughput(queues, 'grid', 1, quick));

    const big = (quick ? SIZES.quick : SIZES.full).big;
    const bigData = gridJob(big.candidates, big.paths, big.steps, 1);
    const t0 = Date.now();
    const added = await enqueueJob(queues, 'grid-search', bigData);
    const done = await runBatchOne(queues, added.jobId);
    const simulatedSteps = (big.candidates + 1) * big.paths * big.steps;
    const bigGrid: BigGridResult = {
      candidates: big.candidates,
      paths: big.paths,
      stepsPerPath: big.steps,
      simulatedSteps,
      processingSec: done.processingSec,
      endToEndSec: (done.finishedOn - t0) / 1000,
      stepsPerSec: simulatedSteps / done.processingSec,
    };

    workers.push(await spawnWorker(prefix));
    results.push(await throughput(queues, 'trivial', 2, quick));
    results.push(await throughput(queues, 'grid', 2, quick));

    await stopWorkers(workers.splice(0));
    const leftoverKeys = await deletePrefix(queues, prefix);
    return {
      quick,
      prefix,
      throughput: results,
      bigGrid,
      leftoverKeys,
      loadAvg1mBefore,
      loadAvg1m: loadavg()[0] ?? Number.NaN,
      cpus: cpus().length,
    };
  } finally {
    await stopWorkers(workers);
    await deletePrefix(queues, prefix).catch(() => {});
    await queues.close();
  }
}

/** Wait for one job (not paused) to finish; its processing time and end. */
async function runBatchOne(
  queues: OptimizerQueues<JobType>,
  jobId: string,
): Promise<{ processingSec: number; finishedOn: number }> {
  const queue = queues.get('grid-search');
  const deadline = Date.now() + 900_000;
  for (;;) {
    const job = await queue.getJob(jobId);
    const state = await job?.getState();
    if (state === 'failed') throw new Error(`big grid search failed: ${job?.failedReason}`);
    if (state === 'completed' && job?.finishedOn && job.processedOn !== undefined)
      return {
        processingSec: (job.finishedOn - job.processedOn) / 1000,
        finishedOn: job.finishedOn,
      };
    if (Date.now() > deadline) throw new Error('big grid search not done in 900 s');
    await sleep(50);
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (arg('--role') === 'worker') {
    const prefix = arg('--prefix');
    if (!prefix) throw new Error('--prefix is required');
    await workerMain(prefix);
  } else {
    const quick = process.argv.includes('--quick');
    const result = await driverMain(quick);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exit(0);
  }
}
