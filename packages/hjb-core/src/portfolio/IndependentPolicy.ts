import type { MarketState, Policy } from '../policy/Policy.js';
import { type BoundaryInput, createBoundaryInput, placeQuotes } from './boundary.js';
import { createDecisionBuffer, type DecisionBuffer } from './decisionBuffer.js';
import type {
  PortfolioDecision,
  PortfolioPolicy,
  PortfolioPolicyName,
  PortfolioSpec,
  PortfolioState,
} from './PortfolioSpec.js';

/**
 * N single-asset market makers as one portfolio policy: asset i is quoted on every venue from its
 * own `Policy` (today's per-asset exact policy, or the seed's grid or heuristic), blind to the rest
 * of the book. The controls go through the same boundary module as `multi`; a crossing side is a
 * taker when the policy's taker control says so (the exact QVI's `take`, or the seed's urgency
 * rate on that side), else rests one tick inside the opposite touch. A taker action on a side that
 * does not cross is sent on the asset's first venue with reason `model`; the seed's rates are
 * passed on in `takerRates`.
 */
export class IndependentPolicy implements PortfolioPolicy {
  private readonly buffer: DecisionBuffer;
  private readonly input: BoundaryInput = createBoundaryInput();
  private readonly market: MarketState = {
    inventoryLots: 0,
    midPrice: 1,
    marketSpreadPrice: 0,
    imbalance: 0.5,
    driftPerSec: 0,
    tSec: 0,
  };

  constructor(
    private readonly spec: PortfolioSpec,
    /** One per asset, in `spec.assets` order; each takes inventory in lots. */
    private readonly policies: readonly Policy[],
    readonly name: Exclude<PortfolioPolicyName, 'multi'> = 'independent',
  ) {
    if (policies.length !== spec.assets.length)
      throw new RangeError(
        `policies must have ${spec.assets.length} entries (one per asset), got ${policies.length}`,
      );
    this.buffer = createDecisionBuffer(spec);
  }

  decide(state: PortfolioState): PortfolioDecision {
    const { decision, slots } = this.buffer;
    decision.takers.length = 0;
    const input = this.input;
    const m = this.market;
    for (let i = 0; i < this.spec.assets.length; i++) {
      const asset = this.spec.assets[i]!;
      const st = state.assets[i]!;
      const first = st.venues[0]!;
      m.inventoryLots = st.inventoryLots;
      m.midPrice = st.midPrice;
      m.marketSpreadPrice =
        st.marketSpreadPrice ??
        (Number.isFinite(first.bestAsk - first.bestBid) ? first.bestAsk - first.bestBid : 0);
      m.imbalance = st.imbalance ?? 0.5;
      m.driftPerSec = st.driftPerSec;
      m.tSec = state.tSec;
      const c = this.policies[i]!.decide(m);
      const takeBuy = c.take === 'buy' || c.takerBuyRatePerSec > 0;
      const takeSell = c.take === 'sell' || c.takerSellRatePerSec > 0;
      const rates = decision.takerRates[i]!;
      rates.buyLotsPerSec = rateOrZero(c.takerBuyRatePerSec);
      rates.sellLotsPerSec = rateOrZero(c.takerSellRatePerSec);
      const takersBefore = decision.takers.length;
      for (let v = 0; v < asset.venues.length; v++) {
        const venue = st.venues[v]!;
        input.assetIndex = i;
        input.venueIndex = v;
        input.midPrice = st.midPrice;
        input.bestBid = venue.bestBid;
        input.bestAsk = venue.bestAsk;
        input.tickSize = venue.tickSize;
        input.inventoryLots = st.inventoryLots;
        input.qMaxLots = asset.qMaxLots;
        input.sizeLots = asset.quoteSizeLots;
        input.assetLotSizeBase = asset.lotSizeBase;
        input.venueLotSizeBase = venue.lotSizeBase;
        input.bidDepthPrice = c.bidDeltaPrice;
        input.askDepthPrice = c.askDeltaPrice;
        input.takeBidIfCrossing = takeBuy;
        input.takeAskIfCrossing = takeSell;
        placeQuotes(input, slots[i]![v]!, decision.quotes[i]![v]!, decision.takers);
      }
      const impulse = rates.buyLotsPerSec === 0 && rates.sellLotsPerSec === 0;
      if (c.take !== null && impulse && decision.takers.length === takersBefore)
        this.modelTaker(i, c.take, state, decision);
    }
    return decision;
  }

  /** The impulse taker of an exact policy whose quote did not cross: one clip on the first venue. */
  private modelTaker(
    i: number,
    side: 'buy' | 'sell',
    state: PortfolioState,
    decision: PortfolioDecision,
  ): void {
    const asset = this.spec.assets[i]!;
    const st = state.assets[i]!;
    const venue = st.venues[0]!;
    const after = st.inventoryLots + (side === 'buy' ? asset.quoteSizeLots : -asset.quoteSizeLots);
    const touch = side === 'buy' ? venue.bestAsk : venue.bestBid;
    if (Math.abs(after) > asset.qMaxLots + 1e-9 || !Number.isFinite(touch)) return;
    decision.takers.push({
      assetIndex: i,
      venueIndex: 0,
      side,
      sizeLots: asset.quoteSizeLots,
      limitPrice: touch,
      reason: 'model',
    });
  }
}

/** A taker rate, lots per second; `NaN`, infinite or negative counts as none. */
function rateOrZero(rate: number): number {
  return rate > 0 && Number.isFinite(rate) ? rate : 0;
}
