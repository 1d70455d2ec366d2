import { finiteNonNegative, finiteNumber, finitePositive } from '@mm/config';
import { z } from 'zod';

/** Largest accepted inventory bound: the grid has `2 qMax + 1` levels. */
export const MAX_QMAX = 10_000;

/** Data fields (`expected a finite number...`), shared with the job and backtest schemas. */
export const num = finiteNumber;
export const positive = () => finitePositive();
export const nonNegative = finiteNonNegative;

export const qMax = z
  .number({ error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine(Number.isInteger, { error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine((v) => v >= 1, { error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine((v) => v <= MAX_QMAX, {
    error: `expected at most ${MAX_QMAX} (the inventory grid has 2 qMax + 1 levels)`,
  });

/** Horizon fields: omit `T` for the stationary solution; `t` in [0, T] (default 0). */
export const horizon = {
  /** Horizon, seconds. */
  T: positive().optional(),
  /** Time at which the quotes are wanted, seconds. */
  t: nonNegative().optional(),
};

export function checkHorizon(
  p: { T?: number | undefined; t?: number | undefined },
  ctx: z.RefinementCtx,
) {
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

/** Cost of crossing for one lot, price units; enables the taker impulse. */
export const takerCost = positive().optional();
