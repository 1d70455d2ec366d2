import { isMainThread } from 'node:worker_threads';
import { type SandboxedJob, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';

/** Environment variables through which a worker hands Redis to its sandboxed jobs. */
export const SANDBOX_ENV = {
  /** Redis URL of the deployment. */
  redisUrl: 'MM_OPTIMIZER_REDIS_URL',
  /** Deployment prefix (`mm:{prefix}:...`). */
  prefix: 'MM_OPTIMIZER_PREFIX',
} as const;

/** What a job's computation gets from the plumbing. */
export interface SandboxJobContext {
  /** Reports the fraction done, in [0, 1], with an optional note (`job.updateProgress`). */
  progress(fraction01: number, note?: string): Promise<void>;
  /** Start time of this attempt, epoch ms. */
  nowMs: number;
  /** A Redis client of the deployment (created on first use, one per sandbox). */
  readonly redis: Redis | undefined;
  /** Deployment prefix, when the worker passed one. */
  prefix: string | undefined;
}

export type RunJobFn = (type: string, data: unknown, ctx: SandboxJobContext) => Promise<unknown>;
export type ParseJobFn = (
  type: string,
  data: unknown,
) => { ok: true; data: unknown } | { ok: false; field: string; message: string };

/** The progress value stored on a job: the fraction done in [0, 1] and an optional note. */
export interface JobProgressValue {
  fraction: number;
  note?: string;
}

let sharedRedis: Redis | undefined;

function sandboxRedis(): Redis | undefined {
  const url = process.env[SANDBOX_ENV.redisUrl];
  if (url === undefined || url === '') return undefined;
  if (sharedRedis === undefined) {
    sharedRedis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
    sharedRedis.on('error', () => {
      // ioredis reconnects; a job's failed command fails that job (and it is retried)
    });
  }
  return sharedRedis;
}

/** An error that says which job-data field is bad (e.g. the processors' `JobDataError`). */
function dataErrorField(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const field = (e as { field?: unknown }).field;
  return e.name === 'JobDataError' && typeof field === 'string' ? field : undefined;
}

/** `UnrecoverableError` (no retry) for bad job data, carrying the field in message and property. */
export function invalidDataError(type: string, field: string, message: string): Error {
  const detail =
    field === '' || message.startsWith(`${field}:`) || message.startsWith(`${field} `)
      ? message
      : `${field}: ${message}`;
  const err = new UnrecoverableError(`invalid ${type} job data: ${detail}`);
  return Object.assign(err, { field, code: 'INVALID_JOB_DATA' });
}

/**
 * The function a sandboxed BullMQ worker runs per job: the job type is `job.name`; the data is
 * checked with `parse` first and bad data fails the job at once with an `UnrecoverableError`
 * naming the field (attempts are not used up), as does a `JobDataError` thrown by `run`. Other
 * errors fail the attempt (BullMQ retries it with backoff), as does a cancellation by the worker
 * (`signal`). Progress goes to `job.updateProgress({fraction, note})`.
 */
export function makeSandboxedProcessor(
  run: RunJobFn,
  parse: ParseJobFn,
): (job: SandboxedJob, token?: string, signal?: AbortSignal) => Promise<unknown> {
  return async (job, _token, signal) => {
    const type = job.name;
    const parsed = parse(type, job.data);
    if (!parsed.ok) throw invalidDataError(type, parsed.field, parsed.message);
    const ctx: SandboxJobContext = {
      async progress(fraction01, note) {
        if (!Number.isFinite(fraction01)) return;
        const value: JobProgressValue = {
          fraction: Math.min(1, Math.max(0, fraction01)),
          ...(note === undefined ? {} : { note }),
        };
        try {
          await job.updateProgress(value as unknown as object);
        } catch {
          // progress is informational: a failed write must not fail the job
        }
      },
      nowMs: Date.now(),
      get redis() {
        return sandboxRedis();
      },
      prefix: process.env[SANDBOX_ENV.prefix] || undefined,
    };
    try {
      return (await cancellable(run(type, job.data, ctx), signal)) ?? null;
    } catch (e) {
      const field = dataErrorField(e);
      if (field === undefined) throw e;
      const reason = (e as { reason?: unknown }).reason;
      throw invalidDataError(
        type,
        field,
        typeof reason === 'string' ? reason : (e as Error).message,
      );
    }
  };
}

/**
 * `work`, or a rejection as soon as `signal` aborts (the worker cancels its jobs when it could not
 * finish them within its shutdown timeout): the attempt then fails with a plain error and is
 * retried by another worker; the computation itself ends with its sandbox.
 */
function cancellable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
      reject(new Error(`cancelled: ${why}`));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * In a forked child (sandbox `processes`), exit when the parent worker dies: an orphan would keep
 * computing a job that another worker is about to retry.
 */
export function exitWithParent(): void {
  if (isMainThread && typeof process.send === 'function') {
    process.once('disconnect', () => process.exit(1));
  }
}
