/** Why the latest event could not be used. */
export type InvalidReason = 'emptySide' | 'nonFinite' | 'crossed' | 'timeWentBack';

/** The per-asset market state the policy and the risk gate read. */
export interface AssetState {
  /** Mid price, price units (`NaN` before the first valid book). */
  midPrice: number;
  /** Best ask minus best bid, price units. */
  marketSpreadPrice: number;
  /** Touch prices of the last valid book, price units (`NaN` before the first). */
  bestBid: number;
  bestAsk: number;
  /** `Vbid / (Vbid + Vask)` over the top levels, in [0, 1]; 0.5 when both are empty. */
  imbalance: number;
  /** EWMA of the mid's drift, price units per second. */
  driftPerSec: number;
  /** Absolute mid change at the last valid update, basis points of the previous mid. */
  midJumpBps: number;
  /**
   * EWMA volatility of the mid, price units per sqrt(second): the kernel-weighted mean of
   * `dmid^2 / dt` divided by the kernel mass (no start-up bias); `NaN` before two valid books.
   */
  volPerSqrtSec: number;
  /** Kernel-weighted sum of `dmid^2 / dt` and the kernel mass behind `volPerSqrtSec`. */
  varianceNum: number;
  varianceMass: number;
  /** Time of the last valid book, milliseconds (`NaN` before the first). */
  lastUpdateMs: number;
  /** Valid books seen. */
  validUpdates: number;
  /** True once the state is valid and warmed up. */
  ready: boolean;
  /** Why the latest event was rejected; `null` when it was used. */
  invalid: InvalidReason | null;
}
