import { z } from 'zod';
import { checkHorizon, horizon, nonNegative, num, positive, qMax } from './fields.js';

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
