import type { SeedState } from '../seed/SeedState.js';
import type { Control, MarketState } from './Policy.js';

/** Configuration of the seed's baselines: the `SeedState` fields that are not market state. */
export interface SeedPolicyConfig {
  /** Position limit, lots. */
  qMaxLots: number;
  /** Session length, seconds (the seed used 86,400). */
  horizonSec: number;
  /** Base half spread `b`, bps. */
  baseHalfSpreadBps: number;
  phiPerLot2Sec: number;
  takerFeeBps: number;
  lambda0PerSec: number;
  betaPerBps: number;
  /** Drift (price units per second) that maps to the seed's dimensionless `muHat = 1`. */
  driftScalePerSec: number;
}

/** The seed's state for a decision; inventory clamped to the limit and time to the session. */
export function toSeedState(state: MarketState, config: SeedPolicyConfig): SeedState {
  const q = Math.max(-config.qMaxLots, Math.min(config.qMaxLots, Math.round(state.inventoryLots)));
  return {
    inventoryLots: q,
    qMaxLots: config.qMaxLots,
    midPrice: state.midPrice,
    marketSpreadBps: (state.marketSpreadPrice * 1e4) / state.midPrice,
    imbalance: state.imbalance,
    muHat: state.driftPerSec / config.driftScalePerSec,
    tSec: Math.max(0, Math.min(config.horizonSec, state.tSec)),
    horizonSec: config.horizonSec,
    baseHalfSpreadBps: config.baseHalfSpreadBps,
    phiPerLot2Sec: config.phiPerLot2Sec,
    takerFeeBps: config.takerFeeBps,
    lambda0PerSec: config.lambda0PerSec,
    betaPerBps: config.betaPerBps,
  };
}

/** A seed control (bps, taker rates) as a `Control`; no bid at +qMax, no ask at -qMax. */
export function controlFromSeed(
  bidDeltaBps: number,
  askDeltaBps: number,
  takerBuyRatePerSec: number,
  takerSellRatePerSec: number,
  seed: SeedState,
): Control {
  const bidBps = seed.inventoryLots >= seed.qMaxLots ? Number.NaN : bidDeltaBps;
  const askBps = seed.inventoryLots <= -seed.qMaxLots ? Number.NaN : askDeltaBps;
  return {
    bidDeltaBps: bidBps,
    askDeltaBps: askBps,
    bidDeltaPrice: (bidBps * seed.midPrice) / 1e4,
    askDeltaPrice: (askBps * seed.midPrice) / 1e4,
    take: takerBuyRatePerSec > 0 ? 'buy' : takerSellRatePerSec > 0 ? 'sell' : null,
    takerBuyRatePerSec,
    takerSellRatePerSec,
  };
}
