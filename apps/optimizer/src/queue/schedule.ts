import type { JobType } from '@mm/config';
import { parseJobData } from '../jobs/jobSchemas.js';
import type { OptimizerQueues } from './createQueues.js';
import { InvalidJobDataError } from './enqueue.js';

/** One repeatable job: a BullMQ job scheduler on the queue of `type`. */
export interface ScheduledJob<T extends string = JobType> {
  /** Scheduler id, unique within the type's queue (no ':'), e.g. `validation`, `solve-BTC`. */
  id: string;
  type: T;
  /** Interval between runs, ms. */
  everyMs: number;
  /** Job data of every run (already validated for `type`). */
  data: unknown;
}

/** A scheduler to remove (its schedule is disabled in the config). */
export interface RemovedSchedule<T extends string = JobType> {
  id: string;
  type: T;
}

export interface ScheduleReport {
  upserted: Array<{ id: string; type: string; everyMs: number; nextJobId: string | undefined }>;
  removed: Array<{ id: string; type: string; existed: boolean }>;
}

/**
 * Validate a scheduled job's data like any job's (`parseJobData`); throws an
 * `InvalidJobDataError` naming the field under `where` (the config path of the data, e.g.
 * `schedule.solve.data`).
 */
export function checkScheduledData(type: JobType, data: unknown, where: string): unknown {
  const parsed = parseJobData(type, data);
  if (!parsed.ok) {
    // the job schemas name fields `data.x.y`: show them under the config path
    const rest = parsed.field.startsWith('data') ? parsed.field.slice(4) : '';
    throw new InvalidJobDataError(type, `${where}${rest}`, parsed.message);
  }
  return parsed.data;
}

/**
 * Upsert one BullMQ job scheduler per scheduled job (`upsertJobScheduler` with `every`) and remove
 * the disabled ones. Idempotent: a scheduler is keyed by its id, so restarts and any number of
 * optimizers upserting the same schedule leave one scheduler and one pending job (the first run
 * is immediate when the scheduler is new, later upserts keep its timing).
 */
export async function upsertSchedules<T extends string>(
  queues: OptimizerQueues<T>,
  jobs: ReadonlyArray<ScheduledJob<T>>,
  removed: ReadonlyArray<RemovedSchedule<T>> = [],
): Promise<ScheduleReport> {
  const report: ScheduleReport = { upserted: [], removed: [] };
  for (const s of jobs) {
    if (s.id.length === 0 || s.id.includes(':')) {
      throw new TypeError(`schedule id: must be non-empty without ':', got '${s.id}'`);
    }
    if (!(Number.isFinite(s.everyMs) && s.everyMs >= 1)) {
      throw new RangeError(`schedule ${s.id}: everyMs must be >= 1, got ${s.everyMs}`);
    }
    const queue = queues.get(s.type);
    const next = await queue.upsertJobScheduler(
      s.id,
      { every: Math.round(s.everyMs) },
      { name: s.type, data: s.data },
    );
    report.upserted.push({ id: s.id, type: s.type, everyMs: s.everyMs, nextJobId: next?.id });
  }
  for (const r of removed) {
    const existed = await queues.get(r.type).removeJobScheduler(r.id);
    report.removed.push({ id: r.id, type: r.type, existed });
  }
  return report;
}
