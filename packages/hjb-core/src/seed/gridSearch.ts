import { bpsToPrice } from '../policy/Policy.js';
import {
  evaluateControlPrice,
  type SeedEvaluationContext,
  seedEvaluationContext,
} from './evaluateControl.js';
import type { SeedControl, SeedState } from './SeedState.js';
import { seedTakerRatePerSec, seedUrgency } from './urgency.js';

/** The seed's multipliers on the base half spread, tried for bid and ask. */
export const SEED_GRID_MULTIPLIERS: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5];

/** Best control found and its one-step value (price units per lot per second). */
export interface SeedGridResult {
  control: SeedControl;
  valuePerSec: number;
}

/**
 * The seed's `optimizeControl`: start from the symmetric control (`b` bps both sides, no taker),
 * then for each bid multiplier, each ask multiplier (both over `SEED_GRID_MULTIPLIERS`): the
 * candidate without taker flow, then, when the urgency `min(|q|/qMax, 1)^3 > 0.7`, the same with
 * taker rate `(u - 0.7) * 10` lots/s on the reducing side. Strict `>`: ties keep the earlier
 * candidate. Pass a prebuilt `ctx` (from `seedEvaluationContext(state)`) to score against another
 * value function or intensity model, or to keep its construction out of a benchmark; the search
 * itself allocates nothing but the result.
 */
export function optimizeControl(
  state: SeedState,
  ctx: SeedEvaluationContext = seedEvaluationContext(state),
): SeedGridResult {
  const { inventoryLots, qMaxLots, baseHalfSpreadBps } = state;
  const mid = ctx.midPrice;
  const bPrice = bpsToPrice(baseHalfSpreadBps, mid);
  const takerRate = seedTakerRatePerSec(seedUrgency(inventoryLots, qMaxLots));
  const buyRate = inventoryLots < 0 ? takerRate : 0;
  const sellRate = inventoryLots > 0 ? takerRate : 0;
  const tryTaker = takerRate > 0;

  let bestBidMult = 1;
  let bestAskMult = 1;
  let bestTaker = false;
  let best = evaluateControlPrice(ctx, bPrice, bPrice, 0, 0);
  const mults = SEED_GRID_MULTIPLIERS;
  for (let i = 0; i < mults.length; i++) {
    const bidMult = mults[i]!;
    const bidPrice = bpsToPrice(baseHalfSpreadBps * bidMult, mid);
    for (let j = 0; j < mults.length; j++) {
      const askMult = mults[j]!;
      const askPrice = bpsToPrice(baseHalfSpreadBps * askMult, mid);
      const passive = evaluateControlPrice(ctx, bidPrice, askPrice, 0, 0);
      if (passive > best) {
        best = passive;
        bestBidMult = bidMult;
        bestAskMult = askMult;
        bestTaker = false;
      }
      if (tryTaker) {
        const withTaker = evaluateControlPrice(ctx, bidPrice, askPrice, buyRate, sellRate);
        if (withTaker > best) {
          best = withTaker;
          bestBidMult = bidMult;
          bestAskMult = askMult;
          bestTaker = true;
        }
      }
    }
  }
  return {
    control: {
      bidDeltaBps: baseHalfSpreadBps * bestBidMult,
      askDeltaBps: baseHalfSpreadBps * bestAskMult,
      takerBuyRatePerSec: bestTaker ? buyRate : 0,
      takerSellRatePerSec: bestTaker ? sellRate : 0,
    },
    valuePerSec: best,
  };
}
