import { finiteNonNegative, finiteNumber, finitePositive, integerIn } from '@mm/config';
import { glftPhiPerLot2Sec } from '@mm/hjb-core';
import { z } from 'zod';
import type { MarketSpec } from './marketSpec.js';
import { type PolicySpec, policyName } from './policySpecs.js';

// The config of a policy comparison as plain data (`mm backtest --config`, the optimizer's
// `backtest` job): the schema, and its mapping to the specs `comparePolicies` takes.

/** Most paths per policy accepted from a config or `--paths`. */
export const MAX_PATHS = 1_000_000;
/** Most simulated steps per path. */
export const MAX_STEPS = 10_000_000;

/** Adds an issue at `run.dt` unless `dt` divides `T` into 1..MAX_STEPS whole steps. */
export function checkRunSteps(run: { T: number; dt: number }, ctx: z.RefinementCtx): void {
  const steps = Math.round(run.T / run.dt);
  if (steps < 1 || Math.abs(steps * run.dt - run.T) > 1e-9 * run.T)
    ctx.addIssue({
      code: 'custom',
      path: ['run', 'dt'],
      message: `expected to divide T = ${run.T} into whole steps`,
    });
  else if (steps > MAX_STEPS)
    ctx.addIssue({
      code: 'custom',
      path: ['run', 'dt'],
      message: `expected at most ${MAX_STEPS} steps per path`,
    });
}
/**
 * Largest model parameter accepted (sigma, A, k, gamma, phi, alpha): far beyond any market, small
 * enough that `phi = gamma sigma^2 / 2` and the policies' formulas stay finite.
 */
export const MAX_PARAMETER = 1e9;

const num = finiteNumber;
const positive = () => finitePositive();
const nonNegative = finiteNonNegative;
const int = integerIn;
/** A model parameter in (0, MAX_PARAMETER]. */
const parameter = () => num(` in (0, ${MAX_PARAMETER}]`, (v) => v > 0 && v <= MAX_PARAMETER);
/** A penalty in [0, MAX_PARAMETER]. */
const penalty = () => num(` in [0, ${MAX_PARAMETER}]`, (v) => v >= 0 && v <= MAX_PARAMETER);

/** The simulated market: price units, seconds, lots of one base unit. */
const marketSchema = z.strictObject({
  /** Initial mid, price units. */
  s0: positive(),
  /** `arithmetic` (default) Brownian mid or AS 2008's `binomial` +-sigma sqrt(dt). */
  midModel: z
    .enum(['arithmetic', 'binomial'], { error: 'expected "arithmetic" or "binomial"' })
    .optional(),
  /** Volatility, price units per sqrt(second). */
  sigma: parameter(),
  /** Drift, price units per second (arithmetic only). */
  drift: num().optional(),
  /** Fill rate at the mid, lots per second. */
  A: parameter(),
  /** Intensity decay per price unit. */
  k: parameter(),
  fillProbability: z
    .enum(['exact', 'firstOrder'], { error: 'expected "exact" or "firstOrder"' })
    .optional(),
  fillsAfterMidMove: z.boolean({ error: 'expected true or false' }).optional(),
  makerFeeBps: num().optional(),
  takerFeeBps: num().optional(),
  /** Order latency, seconds. */
  latencySec: nonNegative().optional(),
  /** Position limit and inventory bound of the solved models, lots. */
  qMax: int(1, 10_000).optional(),
});

const runSchema = z.strictObject({
  /** Time step, seconds. */
  dt: positive(),
  /** Horizon, seconds. */
  T: positive(),
  /** At least two: a standard deviation needs two paths. */
  paths: int(2, MAX_PATHS),
  seed: int(0, 2 ** 31 - 1).optional(),
});

const objectiveSchema = z.strictObject({
  /** Risk aversion, per (price unit x lot): `phi = gamma sigma^2 / 2` unless phi is given. */
  gamma: parameter().optional(),
  /** Running penalty, quote currency per lot^2 per second. */
  phi: penalty().optional(),
  /** Terminal penalty, quote currency per lot^2. */
  alpha: penalty().optional(),
});

const name = z
  .string({ error: 'expected a non-empty string' })
  .min(1, { error: 'expected a non-empty string' })
  .optional();
const POLICY_TYPES = [
  'exact',
  'closedForm',
  'grid',
  'heuristic',
  'symmetric',
  'avellanedaStoikov',
] as const;

const policySchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('exact'),
      name,
      horizon: z
        .enum(['finite', 'stationary'], { error: 'expected "finite" or "stationary"' })
        .optional(),
      xi: penalty().optional(),
    }),
    z.strictObject({ type: z.literal('closedForm'), name, xi: penalty().optional() }),
    z.strictObject({
      type: z.literal('grid'),
      name,
      baseHalfSpreadBps: positive().optional(),
      driftScalePerSec: positive().optional(),
    }),
    z.strictObject({
      type: z.literal('heuristic'),
      name,
      baseHalfSpreadBps: positive().optional(),
      driftScalePerSec: positive().optional(),
    }),
    z.strictObject({ type: z.literal('symmetric'), name, halfSpread: nonNegative().optional() }),
    z.strictObject({
      type: z.literal('avellanedaStoikov'),
      name,
      strategy: z
        .enum(['inventory', 'symmetric'], { error: 'expected "inventory" or "symmetric"' })
        .optional(),
    }),
  ],
  { error: `expected one of ${POLICY_TYPES.map((t) => `"${t}"`).join(', ')}` },
);

export const backtestConfigSchema = z
  .strictObject({
    /** Report title. */
    title: z.string({ error: 'expected a string' }).optional(),
    market: marketSchema,
    run: runSchema,
    objective: objectiveSchema,
    policies: z
      .array(policySchema, { error: 'expected an array of policies' })
      .min(1, { error: 'expected at least one policy' }),
  })
  .superRefine((c, ctx) => {
    if (c.objective.gamma === undefined && c.objective.phi === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['objective', 'gamma'],
        message: 'missing (give gamma or phi)',
      });
    checkRunSteps(c.run, ctx);
    const seen = new Set<string>();
    c.policies.forEach((p, i) => {
      const n = policyName(p);
      if (seen.has(n))
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'name'],
          message: `expected a unique name, "${n}" is repeated`,
        });
      seen.add(n);
    });
  });

export type BacktestConfig = z.infer<typeof backtestConfigSchema>;

/** The market spec of a config. */
export function marketSpecOf(c: BacktestConfig): MarketSpec {
  const m = c.market;
  return {
    initialMidPrice: m.s0,
    midModel: m.midModel ?? 'arithmetic',
    sigmaPerSqrtSec: m.sigma,
    ...(m.drift === undefined ? {} : { driftPerSec: m.drift }),
    aPerSec: m.A,
    kPerPrice: m.k,
    ...(m.fillProbability === undefined ? {} : { fillProbability: m.fillProbability }),
    ...(m.fillsAfterMidMove === undefined ? {} : { fillsAfterMidMove: m.fillsAfterMidMove }),
    ...(m.makerFeeBps === undefined ? {} : { makerFeeBps: m.makerFeeBps }),
    ...(m.takerFeeBps === undefined ? {} : { takerFeeBps: m.takerFeeBps }),
    ...(m.latencySec === undefined ? {} : { latencySec: m.latencySec }),
    ...(m.qMax === undefined ? {} : { qMaxLots: m.qMax }),
  };
}

/** The policy specs of a config. */
export function policySpecsOf(c: Pick<BacktestConfig, 'policies'>): PolicySpec[] {
  return c.policies.map((p): PolicySpec => {
    if (p.type === 'symmetric') {
      const { halfSpread, ...rest } = p;
      return { ...rest, ...(halfSpread === undefined ? {} : { halfSpreadPrice: halfSpread }) };
    }
    return p as PolicySpec;
  });
}

/** `phi` of a config: given, else `gamma sigma^2 / 2`. */
export function phiOf(c: {
  objective: BacktestConfig['objective'];
  market: { sigma: number };
}): number {
  return c.objective.phi ?? glftPhiPerLot2Sec(c.objective.gamma ?? 0, c.market.sigma);
}
