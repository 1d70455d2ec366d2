import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOB_TYPES, type JobType } from '@mm/config';
import { Worker } from 'bullmq';
import { bullConnection } from '../queue/createQueues.js';
import { bullPrefix, checkPrefix, queueNameFor } from '../queue/queueNames.js';
import { SANDBOX_ENV } from './processJob.js';

/**
 * Path of the built sandboxed processor, `dist/worker/sandboxedProcessor.js`: next to this module
 * when it runs from `dist`, else (this module loaded from `src` by a TypeScript loader, as in
 * tests) the package's `dist`. Throws, saying to build, when the file is missing.
 */
export function defaultProcessorFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    const sibling = join(dirname(here), 'sandboxedProcessor.js');
    if (existsSync(sibling)) return sibling;
  }
  const built = resolve(dirname(here), '../../dist/worker/sandboxedProcessor.js');
  if (existsSync(built)) return built;
  throw new Error(
    `sandboxed processor not built: expected ${built} (run \`pnpm build\` in apps/optimizer)`,
  );
}

/** After cancelling jobs at the shutdown timeout, how long close() may still take, ms. */
const CANCEL_GRACE_MS = 5000;

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CreateWorkersOptions<T extends string = JobType> {
  url: string;
  prefix: string;
  /** Job types to work on, one worker each (default: every `JOB_TYPES`). */
  types?: readonly T[];
  /** Jobs at once per type, in this process (default 1). */
  concurrency?: Partial<Record<T, number>>;
  /** Sandboxes: worker threads (default) or child processes. */
  sandbox?: 'threads' | 'processes';
  /** The processor module (default `defaultProcessorFile()`); tests pass their own. */
  processorFile?: string;
  /** Lock time-to-live without renewal, ms (default 30 000). */
  lockDurationMs?: number;
  /** Stalled-job check interval, ms (default 30 000). */
  stalledIntervalMs?: number;
  /** Stalls a job survives before it fails (default 2). */
  maxStalledCount?: number;
  /** Worker name stored on jobs it processes (default `optimizer:{hostname}:{pid}`). */
  name?: string;
  /** Worker errors (Redis connection, ...); default: ignored (ioredis reconnects). */
  onError?: (type: T, error: Error) => void;
}

/** One sandboxed BullMQ `Worker` per job type. */
export interface OptimizerWorkers<T extends string = JobType> {
  readonly workers: ReadonlyMap<T, Worker>;
  /** Resolves once every worker's connections are ready. */
  ready(): Promise<void>;
  /**
   * Graceful close: stop taking jobs and wait for the active ones, up to `timeoutMs` (default
   * 30 s); past it, cancel them (each such attempt fails with `cancelled: ...` and is retried
   * with backoff by another worker) and close. Resolves to whether the timeout was hit.
   * Idempotent.
   */
  close(timeoutMs?: number): Promise<{ timedOut: boolean }>;
}

/**
 * Start a worker per job type on the queues under `mm:{prefix}:bull`, each running jobs in
 * sandboxes from `processorFile`. The lock and stall settings decide how soon a job whose worker
 * died is handed to another worker: within about `lockDurationMs + 2 * stalledIntervalMs`.
 */
export function createWorkers<T extends string = JobType>(
  options: CreateWorkersOptions<T>,
): OptimizerWorkers<T> {
  const prefix = checkPrefix(options.prefix);
  const types = [...(options.types ?? (JOB_TYPES as readonly string[] as readonly T[]))];
  const processorFile = options.processorFile ?? defaultProcessorFile();
  const useWorkerThreads = (options.sandbox ?? 'threads') === 'threads';
  const env = {
    ...process.env,
    [SANDBOX_ENV.redisUrl]: options.url,
    [SANDBOX_ENV.prefix]: prefix,
  };
  const workers = new Map<T, Worker>();
  for (const type of types) {
    const concurrency = options.concurrency?.[type] ?? 1;
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new RangeError(`concurrency.${type}: expected an integer >= 1, got ${concurrency}`);
    }
    const worker = new Worker(queueNameFor(type), processorFile, {
      connection: bullConnection(options.url),
      prefix: bullPrefix(prefix),
      concurrency,
      useWorkerThreads,
      ...(useWorkerThreads ? { workerThreadsOptions: { env } } : { workerForkOptions: { env } }),
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      name: options.name ?? `optimizer:${hostname()}:${process.pid}`,
    });
    worker.on('error', (e) => options.onError?.(type, e));
    workers.set(type, worker);
  }
  let closing: Promise<{ timedOut: boolean }> | undefined;
  return {
    workers,
    ready: () => Promise.all([...workers.values()].map((w) => w.waitUntilReady())).then(() => {}),
    close(timeoutMs = 30_000) {
      closing ??= (async () => {
        const graceful = Promise.all([...workers.values()].map((w) => w.close()));
        if (await settlesWithin(graceful, timeoutMs)) return { timedOut: false };
        // Past the timeout: cancel the active jobs (their attempts fail and are retried by other
        // workers), which lets close() go on to stop the sandboxes and connections.
        for (const w of workers.values()) w.cancelAllJobs('the worker shut down');
        if (!(await settlesWithin(graceful, CANCEL_GRACE_MS))) {
          await Promise.allSettled([...workers.values()].map((w) => w.disconnect()));
        }
        return { timedOut: true };
      })();
      return closing;
    },
  };
}
