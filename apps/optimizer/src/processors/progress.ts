/**
 * Progress of a job: `fraction01` in [0, 1] of the work done, with an optional note. The BullMQ
 * plumbing passes `(f, note) => job.updateProgress(...)`; processors await it, so a slow sink
 * slows the job rather than queueing updates without bound.
 */
export type Progress = (fraction01: number, note?: string) => void | Promise<void>;

/** A progress sink that ignores every report. */
export const NO_PROGRESS: Progress = () => {};

export interface ThrottleOptions {
  /** Smallest advance of the fraction between two forwarded reports (default 0.01). */
  minStep?: number;
  /** Least time between two forwarded reports, milliseconds (default 250). */
  minIntervalMs?: number;
  /** Clock, milliseconds (default `performance.now`); pacing only, never part of a result. */
  nowMs?: () => number;
}

/**
 * Wrap `progress` so that it reports at most once per `minStep` of progress and once per
 * `minIntervalMs`; the first report and the first report of completion (1) always go through.
 * Reported fractions are clamped to [0, 1] and never decrease; non-finite ones are dropped.
 */
export function throttleProgress(progress: Progress, options: ThrottleOptions = {}): Progress {
  const minStep = options.minStep ?? 0.01;
  const minIntervalMs = options.minIntervalMs ?? 250;
  const now = options.nowMs ?? (() => performance.now());
  let lastFraction = Number.NEGATIVE_INFINITY;
  let lastAt = Number.NEGATIVE_INFINITY;
  let done = false;
  return (fraction01, note) => {
    if (!Number.isFinite(fraction01) || done) return;
    const f = Math.max(Math.min(fraction01, 1), 0, lastFraction);
    const t = now();
    const first = lastFraction === Number.NEGATIVE_INFINITY;
    if (!(first || f >= 1 || (f - lastFraction >= minStep && t - lastAt >= minIntervalMs))) return;
    lastFraction = f;
    lastAt = t;
    done = f >= 1;
    return progress(f, note);
  };
}

/**
 * Yields to the event loop at most once per `intervalMs` (default 20 ms) of synchronous work, so
 * progress writes and BullMQ's lock renewals get out while a long computation runs.
 */
export function eventLoopYielder(intervalMs = 20): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const t = performance.now();
    if (t - last < intervalMs) return undefined;
    last = t;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
}
