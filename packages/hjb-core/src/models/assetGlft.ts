import type { GlftModelParams } from './glftProblem.js';

/**
 * GLFT's running inventory penalty `phi = gamma sigma^2 Delta / 2`, per lot^2 per second: `gamma`
 * per (price unit x base unit), `sigma` price units per sqrt(second), `Delta` base units per lot
 * (1 when lots are the base unit). The one place this formula is written.
 */
export function glftPhiPerLot2Sec(gamma: number, sigmaPerSqrtSec: number, lotSize = 1): number {
  return (gamma * sigmaPerSqrtSec ** 2 * lotSize) / 2;
}

/** One asset's model as the engine's config and the optimizer's solve job give it. */
export interface AssetModelInput {
  /** Volatility of the mid, price units per sqrt(second). */
  sigma: number;
  /** Fill rate of one resting quote at the mid, fills per second. */
  A: number;
  /** Intensity decay per price unit of distance. */
  k: number;
  /** Risk aversion, per (price unit x lot). */
  gamma: number;
  /** Inventory bound, lots. */
  qMaxLots: number;
  /** Size of each resting quote, lots: one fill moves the inventory by one clip of this size. */
  quoteSizeLots: number;
}

/**
 * The GLFT problem of one asset (model A, xi = gamma) with inventory counted in clips of
 * `quoteSizeLots` (one fill moves it by one; `Delta` = quoteSizeLots lots), bounded at
 * `floor(qMaxLots / quoteSizeLots)` clips. Used by the engine's policies and the optimizer's solve
 * job alike. Throws a RangeError when `qMaxLots` is below one clip.
 */
export function assetGlftParams(asset: AssetModelInput): GlftModelParams {
  const qMaxClips = Math.floor(asset.qMaxLots / asset.quoteSizeLots);
  if (!(qMaxClips >= 1)) {
    throw new RangeError(
      `qMaxLots (${asset.qMaxLots}) must be at least quoteSizeLots (${asset.quoteSizeLots})`,
    );
  }
  return {
    sigmaPerSqrtSec: asset.sigma,
    aPerSec: asset.A,
    kPerPrice: asset.k,
    gamma: asset.gamma,
    lotSize: asset.quoteSizeLots,
    qMax: qMaxClips,
  };
}
