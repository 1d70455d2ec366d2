import { z } from 'zod';
import { carteaJaimungalRequestSchema } from './solve/cjSchema.js';
import { describeIssue, oneLine } from './solve/errors.js';
import { glftApproxRequestSchema, glftRequestSchema } from './solve/glftSchema.js';
import { multiRequestSchema } from './solve/multiSchema.js';
import { seedRequestSchema } from './solve/seedSchema.js';

export { carteaJaimungalRequestSchema } from './solve/cjSchema.js';
export { describeIssue, MODEL_NAMES } from './solve/errors.js';
export { MAX_QMAX } from './solve/fields.js';
export { glftApproxRequestSchema, glftRequestSchema } from './solve/glftSchema.js';
export { MAX_ASSETS, multiRequestSchema } from './solve/multiSchema.js';
export { seedRequestSchema } from './solve/seedSchema.js';

/** One `mm solve` problem, discriminated on `model`. */
export const solveRequestSchema = z.discriminatedUnion('model', [
  glftRequestSchema,
  carteaJaimungalRequestSchema,
  glftApproxRequestSchema,
  seedRequestSchema,
  multiRequestSchema,
]);

export type SolveRequest = z.infer<typeof solveRequestSchema>;
export type MultiRequest = z.infer<typeof multiRequestSchema>;

/** The outcome of checking stdin: a request, or one line naming the offending field. */
export type ParsedSolveRequest =
  | { ok: true; request: SolveRequest }
  | { ok: false; message: string };

/** Parse and check the JSON text of one problem. */
export function parseSolveRequest(text: string): ParsedSolveRequest {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `stdin: invalid JSON (${oneLine(reason)})` };
  }
  const result = solveRequestSchema.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  return { ok: false, message: issue ? describeIssue(issue, input) : 'invalid input' };
}
