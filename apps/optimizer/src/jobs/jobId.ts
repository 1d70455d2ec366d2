import { createHash } from 'node:crypto';
import type { JobType } from '@mm/config';
import { parseJobData } from './jobSchemas.js';

/**
 * JSON with object keys sorted at every level (arrays keep their order), so equal data gives
 * equal text whatever order its keys were written in. `undefined` members are left out, as
 * `JSON.stringify` does; non-finite numbers become `null`, as it does too.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** Hex digits of the data hash kept in a job id (96 bits). */
export const JOB_ID_HASH_LENGTH = 24;

/**
 * The idempotent BullMQ job id of a request: `${type}.${sha256(canonicalJson(parsed))[0..24]}`
 * with `parsed` the data after `parseJobData` (defaults applied), so the same request enqueued
 * twice is one job whether its keys come in another order or its defaults are written out or
 * left implicit. Raw or parsed data give the same id; data that does not parse is hashed as it
 * is (it fails as a job anyway).
 *
 * The separator is a dot, not a colon: BullMQ (6.x) rejects custom ids containing ':'
 * ("Custom Id cannot contain :"), and ids never collide across types.
 */
export function jobIdFor(type: JobType, data: unknown): string {
  const parsed = parseJobData(type, data);
  const hash = createHash('sha256')
    .update(canonicalJson(parsed.ok ? parsed.data : data))
    .digest('hex');
  return `${type}.${hash.slice(0, JOB_ID_HASH_LENGTH)}`;
}
