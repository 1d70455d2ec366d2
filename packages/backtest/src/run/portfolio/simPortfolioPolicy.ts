import type {
  Control,
  MarketState,
  PortfolioDecision,
  PortfolioPolicy,
  PortfolioSpec,
  PortfolioState,
} from '@mm/hjb-core';
import type { PortfolioPolicy as SimPortfolioPolicy } from '@mm/simulator';

/**
 * A hjb-core portfolio policy driving the simulator's multi-asset loop: the simulator's per-asset
 * states become one `PortfolioState` (touch `mid +- halfSpreadPrice`, one venue per asset), and
 * the decision (already through the boundary module: tick prices, clamps, takers) becomes one
 * `Control` per asset: the rested prices as distances from the mid, a taker order as `take` (one
 * lot at the touch). `onDecision` sees every decision (for counts).
 */
export function simPortfolioPolicy(
  policy: PortfolioPolicy,
  spec: PortfolioSpec,
  halfSpreadPrice: readonly number[],
  onDecision?: (decision: PortfolioDecision) => void,
): SimPortfolioPolicy {
  const n = spec.assets.length;
  const state: PortfolioState = {
    tSec: 0,
    assets: spec.assets.map((a) => ({
      inventoryLots: 0,
      midPrice: Number.NaN,
      driftPerSec: 0,
      sigmaPerSqrtSec: 0,
      venues: [
        {
          inventoryLots: 0,
          bestBid: Number.NaN,
          bestAsk: Number.NaN,
          tickSize: a.tickSize,
          lotSizeBase: a.lotSizeBase,
        },
      ],
    })),
  };
  const controls: Control[] = Array.from({ length: n }, () => ({
    bidDeltaPrice: Number.NaN,
    askDeltaPrice: Number.NaN,
    bidDeltaBps: Number.NaN,
    askDeltaBps: Number.NaN,
    take: null,
    takerBuyRatePerSec: 0,
    takerSellRatePerSec: 0,
  }));
  return {
    decide(states: readonly MarketState[]): readonly Control[] {
      for (let i = 0; i < n; i++) {
        const s = states[i]!;
        const a = state.assets[i]!;
        const v = a.venues[0]!;
        state.tSec = s.tSec;
        a.inventoryLots = s.inventoryLots;
        a.midPrice = s.midPrice;
        a.driftPerSec = s.driftPerSec;
        a.imbalance = s.imbalance;
        a.marketSpreadPrice = s.marketSpreadPrice;
        v.inventoryLots = s.inventoryLots;
        v.bestBid = s.midPrice - halfSpreadPrice[i]!;
        v.bestAsk = s.midPrice + halfSpreadPrice[i]!;
      }
      const d = policy.decide(state);
      onDecision?.(d);
      for (let i = 0; i < n; i++) {
        const mid = state.assets[i]!.midPrice;
        const q = d.quotes[i]![0]!;
        const c = controls[i]!;
        c.bidDeltaPrice = q.bid ? mid - q.bid.price : Number.NaN;
        c.askDeltaPrice = q.ask ? q.ask.price - mid : Number.NaN;
        c.bidDeltaBps = (c.bidDeltaPrice * 1e4) / mid;
        c.askDeltaBps = (c.askDeltaPrice * 1e4) / mid;
        c.take = null;
        c.takerBuyRatePerSec = d.takerRates[i]!.buyLotsPerSec;
        c.takerSellRatePerSec = d.takerRates[i]!.sellLotsPerSec;
      }
      for (const t of d.takers) controls[t.assetIndex]!.take = t.side;
      return controls;
    },
  };
}
