import type { VirtualTimeScheduler } from 'rxjs';

/**
 * Drive a `SimVenue` (and an `OrderManager`) in virtual time. Their timers run on an rxjs
 * `VirtualTimeScheduler`; their answers are promises, which settle on the microtask queue. So
 * virtual time is advanced one instant at a time: run every action due at the next instant, then
 * let all promise callbacks run (one `setImmediate` turn), which may schedule more actions (even at
 * the same instant), and repeat. Test-only helpers; the engine uses `asyncScheduler`.
 */

/** Let every pending promise callback run (one macrotask turn). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Advance `scheduler` by `ms` milliseconds, settling promises after each instant that had due
 * actions; `onInstant` runs after each such instant. Ends with `scheduler.now()` at the target.
 */
export async function advanceVirtualTime(
  scheduler: VirtualTimeScheduler,
  ms: number,
  onInstant?: () => void | Promise<void>,
): Promise<void> {
  const end = scheduler.frame + ms;
  const maxFrames = scheduler.maxFrames;
  try {
    await flushMicrotasks();
    for (;;) {
      const next = scheduler.actions[0];
      if (next === undefined || next.delay > end) break;
      scheduler.maxFrames = next.delay;
      scheduler.flush();
      await flushMicrotasks();
      if (onInstant !== undefined) await onInstant();
    }
    scheduler.frame = Math.max(scheduler.frame, end);
  } finally {
    scheduler.maxFrames = maxFrames;
  }
}

/**
 * Advance `scheduler` by `ms` milliseconds in one synchronous flush: fast, but promise callbacks
 * run only afterwards (use when nothing awaits a venue answer in between, e.g. resting orders).
 */
export function runVirtualTime(scheduler: VirtualTimeScheduler, ms: number): void {
  const end = scheduler.frame + ms;
  const maxFrames = scheduler.maxFrames;
  scheduler.maxFrames = end;
  try {
    scheduler.flush();
  } finally {
    scheduler.maxFrames = maxFrames;
  }
  scheduler.frame = Math.max(scheduler.frame, end);
}

/**
 * Advance virtual time instant by instant until `promise` settles; resolves (or rejects) with it.
 * Throws when it has not settled within `maxMs` of virtual time.
 */
export async function settleInVirtualTime<T>(
  scheduler: VirtualTimeScheduler,
  promise: Promise<T>,
  maxMs = 600_000,
): Promise<T> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const limit = scheduler.frame + maxMs;
  await flushMicrotasks();
  while (!settled) {
    const next = scheduler.actions[0];
    if (next === undefined) throw new Error('not settled and nothing is scheduled');
    if (next.delay > limit) throw new Error(`not settled within ${maxMs} ms of virtual time`);
    await advanceVirtualTime(scheduler, next.delay - scheduler.frame);
  }
  return promise;
}
