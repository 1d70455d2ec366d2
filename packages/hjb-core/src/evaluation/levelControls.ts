import type { MarketState, Policy } from '../policy/Policy.js';
import type { LevelControls } from './inventoryChain.js';

/**
 * A policy's controls at every inventory level `q = -qMax..qMax` in one market state (`state`
 * without its inventory): what a stationary policy does, or a time-dependent one at `state.tSec`.
 * An immediate take (`take`), repeated at every decision while at that level, becomes a taker
 * rate of one lot per `decisionIntervalSec` (the same mean); without that interval it throws.
 */
export function levelControlsOf(
  policy: Pick<Policy, 'decide'>,
  qMax: number,
  state: Omit<MarketState, 'inventoryLots'>,
  decisionIntervalSec?: number,
): LevelControls {
  if (!Number.isInteger(qMax) || qMax < 1)
    throw new RangeError(`qMax must be an integer >= 1, got ${qMax}`);
  const n = 2 * qMax + 1;
  const bidDeltaPrice = new Float64Array(n);
  const askDeltaPrice = new Float64Array(n);
  const takerBuyRatePerSec = new Float64Array(n);
  const takerSellRatePerSec = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = policy.decide({ ...state, inventoryLots: i - qMax });
    let takeRate = 0;
    if (c.take !== null) {
      if (!(decisionIntervalSec !== undefined && decisionIntervalSec > 0))
        throw new RangeError(
          `the policy takes at once (take = ${c.take}) at q = ${i - qMax}: give decisionIntervalSec`,
        );
      takeRate = 1 / decisionIntervalSec;
    }
    bidDeltaPrice[i] = c.bidDeltaPrice;
    askDeltaPrice[i] = c.askDeltaPrice;
    takerBuyRatePerSec[i] = rate(c.takerBuyRatePerSec) + (c.take === 'buy' ? takeRate : 0);
    takerSellRatePerSec[i] = rate(c.takerSellRatePerSec) + (c.take === 'sell' ? takeRate : 0);
  }
  return { qMax, bidDeltaPrice, askDeltaPrice, takerBuyRatePerSec, takerSellRatePerSec };
}

function rate(x: number): number {
  return x > 0 && Number.isFinite(x) ? x : 0;
}
