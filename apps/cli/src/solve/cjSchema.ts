import { z } from 'zod';
import { checkHorizon, horizon, nonNegative, num, positive, qMax, takerCost } from './fields.js';

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
