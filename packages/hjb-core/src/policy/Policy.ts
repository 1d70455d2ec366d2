import type { TakeAction } from '../exact/QuoteTable.js';

/** The names under which policies are selected in config and compared in reports. */
export type PolicyName = 'exact' | 'grid' | 'heuristic' | 'closedForm';

/** What a policy sees at a decision. */
export interface MarketState {
  /** Portfolio inventory of this asset, lots. */
  inventoryLots: number;
  /** Mid price, price units. */
  midPrice: number;
  /** Best ask minus best bid, price units. */
  marketSpreadPrice: number;
  /** `Vbid / (Vbid + Vask)` over the top levels, in [0, 1]; 0.5 is balanced. */
  imbalance: number;
  /** Drift estimate of the mid, price units per second. */
  driftPerSec: number;
  /** Time since the start of the session, seconds. */
  tSec: number;
}

/** What a policy decides: resting quotes and any taker action. */
export interface Control {
  /** Bid distance below the mid, price units; `NaN` when no bid rests. */
  bidDeltaPrice: number;
  /** Ask distance above the mid, price units; `NaN` when no ask rests. */
  askDeltaPrice: number;
  /** The same distances in basis points of the mid. */
  bidDeltaBps: number;
  askDeltaBps: number;
  /** Cross the spread for one lot now (impulse policies), or the side of a positive taker rate. */
  take: TakeAction;
  /** The seed's rate-form taker controls, lots per second (0 for impulse policies). */
  takerBuyRatePerSec: number;
  takerSellRatePerSec: number;
}

/** A quoting policy: pure, no I/O; one call per decision. */
export interface Policy {
  readonly name: PolicyName;
  decide(state: MarketState): Control;
}

/** Convert a price distance to basis points of the mid (`NaN` stays `NaN`). */
export function priceToBps(deltaPrice: number, midPrice: number): number {
  return (deltaPrice * 1e4) / midPrice;
}

/** Convert basis points of the mid to a price distance. */
export function bpsToPrice(deltaBps: number, midPrice: number): number {
  return (deltaBps * midPrice) / 1e4;
}
