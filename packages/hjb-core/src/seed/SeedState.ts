/**
 * State and control of the seed's baselines (docs/math.md §11). The seed works in basis points of the
 * mid; the objective converts to price units with `bpsToPrice`.
 */
export interface SeedState {
  /** Inventory `Q`, lots. */
  inventoryLots: number;
  /** Position limit `M`, lots: `|Q| <= qMaxLots` (the real limit, not the seed's hard-coded 100). */
  qMaxLots: number;
  /** Mid price, price units. */
  midPrice: number;
  /** Market spread (best ask - best bid), bps of the mid. */
  marketSpreadBps: number;
  /** Book imbalance `Vbid / (Vbid + Vask)` in [0, 1]; 0.5 is balanced. */
  imbalance: number;
  /**
   * Drift signal, dimensionless: > 0 expects the price to rise. The caller maps a drift in price
   * units per second to it by a configured scale (`muHat = driftPerSec / driftScalePerSec`).
   */
  muHat: number;
  /** Time since the session start, seconds. */
  tSec: number;
  /** Session length `T`, seconds (seed default 86,400). */
  horizonSec: number;
  /** Base half spread `b`, bps of the mid. */
  baseHalfSpreadBps: number;
  /** Running inventory penalty `phi`, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Taker fee, bps of the mid. */
  takerFeeBps: number;
  /** Base fill rate at the touch for a balanced book, fills per second. */
  lambda0PerSec: number;
  /** Fill-rate decay per bps beyond the market half spread. */
  betaPerBps: number;
}

/** The seed's control: resting distances (bps of the mid) and taker rates (lots per second). */
export interface SeedControl {
  /** Bid distance below the mid, bps. */
  bidDeltaBps: number;
  /** Ask distance above the mid, bps. */
  askDeltaBps: number;
  /** Rate of taker buys, lots per second. */
  takerBuyRatePerSec: number;
  /** Rate of taker sells, lots per second. */
  takerSellRatePerSec: number;
}

/** The seed's defaults for the model parameters (the state fields that are configuration). */
export const SEED_DEFAULTS = {
  horizonSec: 86_400,
  phiPerLot2Sec: 0.01,
  takerFeeBps: 2,
  lambda0PerSec: 1,
  betaPerBps: 0.1,
} as const;

/** Check a seed state at the edge; throws a RangeError naming the field. */
export function validateSeedState(state: SeedState): void {
  const finite = (name: keyof SeedState): void => {
    if (!Number.isFinite(state[name]))
      throw new RangeError(`${name} must be finite, got ${state[name]}`);
  };
  const positive = (name: keyof SeedState): void => {
    if (!(state[name] > 0) || !Number.isFinite(state[name]))
      throw new RangeError(`${name} must be finite and > 0, got ${state[name]}`);
  };
  const nonNegative = (name: keyof SeedState): void => {
    if (!(state[name] >= 0) || !Number.isFinite(state[name]))
      throw new RangeError(`${name} must be finite and >= 0, got ${state[name]}`);
  };
  positive('qMaxLots');
  finite('inventoryLots');
  if (Math.abs(state.inventoryLots) > state.qMaxLots)
    throw new RangeError(
      `inventoryLots must be in [-qMaxLots, qMaxLots] = ±${state.qMaxLots}, got ${state.inventoryLots}`,
    );
  positive('midPrice');
  nonNegative('marketSpreadBps');
  if (!(state.imbalance >= 0 && state.imbalance <= 1))
    throw new RangeError(`imbalance must be in [0, 1], got ${state.imbalance}`);
  finite('muHat');
  positive('horizonSec');
  if (!(state.tSec >= 0 && state.tSec <= state.horizonSec))
    throw new RangeError(
      `tSec must be in [0, horizonSec = ${state.horizonSec}], got ${state.tSec}`,
    );
  positive('baseHalfSpreadBps');
  nonNegative('phiPerLot2Sec');
  nonNegative('takerFeeBps');
  nonNegative('lambda0PerSec');
  positive('betaPerBps');
}
