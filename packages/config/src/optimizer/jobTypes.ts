/** The optimizer's job types (BullMQ job names), one processor each. */
export const JOB_TYPES = ['grid-search', 'solve', 'calibrate', 'backtest'] as const;

export type JobType = (typeof JOB_TYPES)[number];

/** Whether `name` is one of {@link JOB_TYPES}. */
export function isJobType(name: unknown): name is JobType {
  return typeof name === 'string' && (JOB_TYPES as readonly string[]).includes(name);
}
