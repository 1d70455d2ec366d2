import { type GueantParams, gueantQuote } from '../closedForm/gueantApprox.js';
import type { Control, MarketState, Policy } from './Policy.js';

/**
 * The Gueant (2017, eqs. 4.6/4.7) closed-form approximation as a policy: quotes linear in the
 * inventory, blind to drift, book and time. Kept for comparison and as a warm start.
 */
export class ClosedFormPolicy implements Policy {
  readonly name = 'closedForm' as const;

  constructor(
    private readonly params: GueantParams,
    /** Position limit in lots: no bid at +qMax, no ask at -qMax. */
    private readonly qMax: number,
  ) {}

  decide(state: MarketState): Control {
    const q = Math.round(state.inventoryLots);
    const { bidDeltaPrice, askDeltaPrice } = gueantQuote(this.params, q);
    const bid = q >= this.qMax ? Number.NaN : bidDeltaPrice;
    const ask = q <= -this.qMax ? Number.NaN : askDeltaPrice;
    return {
      bidDeltaPrice: bid,
      askDeltaPrice: ask,
      bidDeltaBps: (bid * 1e4) / state.midPrice,
      askDeltaBps: (ask * 1e4) / state.midPrice,
      take: null,
      takerBuyRatePerSec: 0,
      takerSellRatePerSec: 0,
    };
  }
}
