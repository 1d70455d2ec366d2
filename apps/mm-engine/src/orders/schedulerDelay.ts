import type { SchedulerLike } from 'rxjs';

/**
 * A promise resolved after `ms` milliseconds on `scheduler` (virtual time in tests, the real
 * clock with `asyncScheduler`).
 */
export function schedulerDelay(scheduler: SchedulerLike, ms: number): Promise<void> {
  return new Promise((resolve) => {
    scheduler.schedule(() => resolve(), Math.max(0, ms));
  });
}
