import { z } from 'zod';

/** Largest accepted inventory bound: the grid has `2 qMax + 1` levels. */
export const MAX_QMAX = 10_000;

/** A finite JSON number satisfying `ok`; `what` completes "expected a finite number...". */
function num(what = '', ok: (v: number) => boolean = () => true) {
  const message = `expected a finite number${what}`;
  return z.number({ error: message }).refine(ok, { error: message });
}

const positive = () => num(' > 0', (v) => v > 0);
const nonNegative = () => num(' >= 0', (v) => v >= 0);

const qMax = z
  .number({ error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine(Number.isInteger, { error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine((v) => v >= 1, { error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine((v) => v <= MAX_QMAX, {
    error: `expected at most ${MAX_QMAX} (the inventory grid has 2 qMax + 1 levels)`,
  });

/** Horizon fields: omit `T` for the stationary solution; `t` in [0, T] (default 0). */
const horizon = {
  /** Horizon, seconds. */
  T: positive().optional(),
  /** Time at which the quotes are wanted, seconds. */
  t: nonNegative().optional(),
};

function checkHorizon(p: { T?: number | undefined; t?: number | undefined }, ctx: z.RefinementCtx) {
  if (p.t === undefined) return;
  if (p.T === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['t'],
      message: 'needs T (omit t for the stationary solution)',
    });
  else if (p.t > p.T)
    ctx.addIssue({ code: 'custom', path: ['t'], message: `expected t <= T = ${p.T}` });
}

/** GLFT fields (Gueant 2017): price units, seconds, lots of `Delta` base units. */
const glftFields = {
  /** Volatility, price units per sqrt(second). */
  sigma: nonNegative(),
  /** Fill rate at the mid, lots per second. */
  A: positive(),
  /** Intensity decay per price unit. */
  k: positive(),
  /** Risk aversion, per (price unit x base unit). */
  gamma: nonNegative(),
  /** Gain risk aversion (default gamma). */
  xi: nonNegative().optional(),
  ...horizon,
  qMax,
  /** Base units per lot (default 1). */
  Delta: positive().optional(),
};

/** Cost of crossing for one lot, price units; enables the taker impulse. */
const takerCost = positive().optional();

/** The derived `phi = gamma sigma^2 Delta / 2` and `xi Delta` must stay finite. */
function checkGlft(
  p: { sigma: number; gamma: number; xi?: number | undefined; Delta?: number | undefined },
  ctx: z.RefinementCtx,
) {
  const delta = p.Delta ?? 1;
  if (!Number.isFinite((p.gamma * p.sigma ** 2 * delta) / 2))
    ctx.addIssue({ code: 'custom', path: ['sigma'], message: 'gamma * sigma^2 * Delta overflows' });
  if (!Number.isFinite((p.xi ?? p.gamma) * delta))
    ctx.addIssue({ code: 'custom', path: ['Delta'], message: 'xi * Delta overflows' });
}

export const glftRequestSchema = z
  .strictObject({ model: z.literal('glft'), ...glftFields, takerCost })
  .superRefine((p, ctx) => {
    checkHorizon(p, ctx);
    checkGlft(p, ctx);
  });

export const glftApproxRequestSchema = z
  .strictObject({ model: z.literal('glft-approx'), ...glftFields })
  .superRefine((p, ctx) => {
    checkHorizon(p, ctx);
    checkGlft(p, ctx);
  });

export const carteaJaimungalRequestSchema = z
  .strictObject({
    model: z.literal('cj'),
    /** Intensity decay per price unit. */
    kappa: positive(),
    /** Fill rate at the mid, lots per second. */
    lambda: positive(),
    /** Running penalty, price units per lot^2 per second. */
    phi: nonNegative(),
    /** Terminal penalty, price units per lot^2. */
    alpha: nonNegative(),
    /** Drift, price units per lot per second (default 0). */
    mu: num().optional(),
    ...horizon,
    qMax,
    takerCost,
  })
  .superRefine(checkHorizon);

export const seedRequestSchema = z
  .strictObject({
    model: z.literal('seed'),
    /** Fill rate at the touch for a balanced book, lots per second. */
    lambda0: positive(),
    /** Fill-rate decay per bps beyond the market half spread. */
    beta: positive(),
    /** Mid price, price units. */
    mid: positive(),
    /** Market spread, bps of the mid. */
    spreadBps: nonNegative(),
    /** Book imbalance `Vbid / (Vbid + Vask)` (default 0.5). */
    imbalance: num(' in [0, 1]', (v) => v >= 0 && v <= 1).optional(),
    /** Running penalty, price units per lot^2 per second. */
    phi: nonNegative(),
    /** Drift, price units per lot per second (default 0). */
    mu: num().optional(),
    /** Taker fee, bps of the mid (default 2). */
    takerFeeBps: nonNegative().optional(),
    /** Terminal penalty, price units per lot^2 (default 0). */
    alpha: nonNegative().optional(),
    ...horizon,
    qMax,
  })
  .superRefine((p, ctx) => {
    checkHorizon(p, ctx);
    if (!Number.isFinite((p.beta * 1e4) / p.mid))
      ctx.addIssue({ code: 'custom', path: ['beta'], message: 'beta * 1e4 / mid overflows' });
    if (!Number.isFinite((p.spreadBps + (p.takerFeeBps ?? 2)) * p.mid))
      ctx.addIssue({
        code: 'custom',
        path: ['mid'],
        message: '(spreadBps + takerFeeBps) * mid overflows',
      });
    if (p.spreadBps === 0 && p.takerFeeBps === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['takerFeeBps'],
        message: 'expected > 0 when spreadBps is 0 (taking must cost something)',
      });
  });

/** One `mm solve` problem, discriminated on `model`. */
export const solveRequestSchema = z.discriminatedUnion('model', [
  glftRequestSchema,
  carteaJaimungalRequestSchema,
  glftApproxRequestSchema,
  seedRequestSchema,
]);

export type SolveRequest = z.infer<typeof solveRequestSchema>;

export const MODEL_NAMES = ['glft', 'cj', 'glft-approx', 'seed'] as const;

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

/** One issue as `field "path": what was expected, got what`. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${[...path, k].join('.')}"`).join(', ');
    const model = valueAt(input, ['model']);
    return `${issue.keys.length > 1 ? 'fields' : 'field'} ${keys}: unknown for model ${JSON.stringify(model)}`;
  }
  if (path.length === 0) return `input: expected a JSON object, got ${describeValue(input)}`;
  const value = valueAt(input, path);
  const field = `field "${path.join('.')}"`;
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

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
