import type { IntensityModel } from '../intensity/IntensityModel.js';
import { bpsToPrice } from '../policy/Policy.js';
import { NoTradeValue } from './noTradeValue.js';
import type { SeedControl, SeedState } from './SeedState.js';
import { seedIntensities } from './seedIntensities.js';

/**
 * Everything the one-step objective needs at one state, computed once so that scoring a control
 * allocates nothing. Values in price units per lot; rates per second.
 */
export interface SeedEvaluationContext {
  /** Mid price, for bps -> price conversion. */
  midPrice: number;
  /** `-phi q^2`, price units per lot per second. */
  runningPenaltyPerSec: number;
  /** Bid-fill intensity; `null` at `q >= qMax` (no buying at the limit). */
  bid: IntensityModel | null;
  /** Ask-fill intensity; `null` at `q <= -qMax` (no selling at the limit). */
  ask: IntensityModel | null;
  /** `h(q+1) - h(q)`, price units per lot. */
  bidMarginalPrice: number;
  /** `h(q-1) - h(q)`, price units per lot. */
  askMarginalPrice: number;
  /** Cost of a taker buy, `c_buy` = market half spread + taker fee, price units per lot. */
  buyCostPrice: number;
  /** Cost of a taker sell, `c_sell`, price units per lot. */
  sellCostPrice: number;
}

/**
 * Build the context for a state. `value` defaults to the seed's no-trade value
 * `-phi q^2 (T - t)`; `intensities` default to the seed's book-aware model.
 */
export function seedEvaluationContext(
  state: SeedState,
  value: NoTradeValue = new NoTradeValue(state),
  intensities: { bid: IntensityModel; ask: IntensityModel } = seedIntensities(state),
): SeedEvaluationContext {
  const { inventoryLots: q, qMaxLots, midPrice, tSec } = state;
  const costPrice = bpsToPrice(state.marketSpreadBps / 2 + state.takerFeeBps, midPrice);
  return {
    midPrice,
    runningPenaltyPerSec: -state.phiPerLot2Sec * q * q,
    bid: q < qMaxLots ? intensities.bid : null,
    ask: q > -qMaxLots ? intensities.ask : null,
    bidMarginalPrice: value.delta(q, 'bid', tSec),
    askMarginalPrice: value.delta(q, 'ask', tSec),
    buyCostPrice: costPrice,
    sellCostPrice: costPrice,
  };
}

/**
 * The seed's one-step objective in price units, per lot per second:
 * `-phi q^2 + lambda_b(db)(db + h(q+1) - h(q)) + lambda_a(da)(da + h(q-1) - h(q))
 *  + nu_b (h(q+1) - h(q) - c_buy) + nu_a (h(q-1) - h(q) - c_sell)`.
 * Buying (maker or taker) is dropped at `+qMax`, selling at `-qMax`. Allocation-free.
 */
export function evaluateControlPrice(
  ctx: SeedEvaluationContext,
  bidDeltaPrice: number,
  askDeltaPrice: number,
  takerBuyRatePerSec: number,
  takerSellRatePerSec: number,
): number {
  let j = ctx.runningPenaltyPerSec;
  const { bid, ask } = ctx;
  if (bid !== null) {
    j += bid.ratePerSec(bidDeltaPrice) * (bidDeltaPrice + ctx.bidMarginalPrice);
    if (takerBuyRatePerSec !== 0)
      j += takerBuyRatePerSec * (ctx.bidMarginalPrice - ctx.buyCostPrice);
  }
  if (ask !== null) {
    j += ask.ratePerSec(askDeltaPrice) * (askDeltaPrice + ctx.askMarginalPrice);
    if (takerSellRatePerSec !== 0)
      j += takerSellRatePerSec * (ctx.askMarginalPrice - ctx.sellCostPrice);
  }
  return j;
}

/** `evaluateControlPrice` for a control in bps (the seed's units). */
export function evaluateControl(ctx: SeedEvaluationContext, control: SeedControl): number {
  return evaluateControlPrice(
    ctx,
    bpsToPrice(control.bidDeltaBps, ctx.midPrice),
    bpsToPrice(control.askDeltaBps, ctx.midPrice),
    control.takerBuyRatePerSec,
    control.takerSellRatePerSec,
  );
}
