import { formatPath } from '@mm/config';
import type { z } from 'zod';

/** The `model` values of `mm solve`, in the order error messages list them. */
export const MODEL_NAMES = ['glft', 'cj', 'glft-approx', 'seed', 'multi'] as const;

/** One issue as `field "path": what was expected, got what`. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${formatPath([...issue.path, k])}"`).join(', ');
    const model = valueAt(input, ['model']);
    return `${issue.keys.length > 1 ? 'fields' : 'field'} ${keys}: unknown for model ${JSON.stringify(model)}`;
  }
  if (path.length === 0) return `input: expected a JSON object, got ${describeValue(input)}`;
  const value = valueAt(input, path);
  const field = `field "${formatPath(issue.path)}"`;
  if (issue.code === 'custom' && issue.params?.showValue === false)
    return `${field}: ${issue.message}`;
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const expected = `expected one of ${MODEL_NAMES.map((m) => `"${m}"`).join(', ')}`;
    return value === undefined
      ? `${field}: missing (${expected})`
      : `${field}: ${expected}, got ${describeValue(value)}`;
  }
  return value === undefined
    ? `${field}: missing (${issue.message})`
    : `${field}: ${issue.message}, got ${describeValue(value)}`;
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return String(v); // Infinity survives JSON.parse of 1e999
  return oneLine(JSON.stringify(v) ?? String(v)).slice(0, 60);
}

export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
