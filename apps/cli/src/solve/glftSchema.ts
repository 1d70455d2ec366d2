import { z } from 'zod';
import { checkHorizon, horizon, nonNegative, positive, qMax, takerCost } from './fields.js';

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
