import { keysFor } from '@mm/contracts';

/**
 * Redis names of one deployment prefix. Streams are the contracts module's `mm:{prefix}:...`;
 * BullMQ keys live under the BullMQ prefix `mm:{prefix}:bull` (a queue's keys are
 * `mm:{prefix}:bull:{queue}:...`); one queue per job type, named after the type.
 */

/** BullMQ's key prefix for a deployment: `mm:{prefix}:bull`. */
export function bullPrefix(prefix: string): string {
  return keysFor(prefix).bull;
}

/** The queue a job type runs on: the type itself (`grid-search`, `solve`, ...). */
export function queueNameFor<T extends string>(type: T): T {
  if (type.length === 0 || type.includes(':')) {
    throw new TypeError(`job type: must be non-empty without ':', got ${JSON.stringify(type)}`);
  }
  return type;
}

/**
 * Marker key that a completed job's result was published: `mm:{prefix}:published:{queue}:{jobId}`
 * (job ids are unique per queue).
 */
export function publishedKey(prefix: string, queue: string, jobId: string): string {
  return keysFor(prefix).published(queue, jobId);
}
