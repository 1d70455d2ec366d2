import { type MultiAssetProblem, type PreparedMultiAsset, prepareMultiAsset } from '@mm/hjb-core';
import { createRegimeModel, type RegimeModel } from '../model/RegimeModel.js';

/**
 * The multi-asset problem with regime switching (docs/math.md §8): one hjb-core `MultiAssetProblem`
 * per regime (own venues' `aPerSec`/`kPerPrice`/rebates, penalty `Phi_r`, `xi`) over the same
 * assets, and a generator `G` (switches per second). The quadratic value
 * `theta_r(tau, q) ~ -q' A_r(tau) q` solves the coupled Riccati equations
 *
 *   dA_r/dtau = Phi_r - 4 A_r Dm_r A_r + sum_{r'} G[r][r'] (A_{r'} - A_r),   A_r(0) = 0,
 *
 * with `Phi_r`, `Dm_r` exactly as hjb-core's `prepareMultiAsset` builds them (`Dm` is the
 * curvature of one side's Hamiltonian, hence the factor 4; see hjb-core's multi README).
 */
export type CoupledMultiAssetModel = RegimeModel<MultiAssetProblem>;

/** A checked model laid out for the solvers. */
export interface PreparedCoupledMultiAsset {
  readonly names: readonly string[];
  /** `R`, number of regimes. */
  readonly regimeCount: number;
  /** `n`, number of assets (the same in every regime). */
  readonly assetCount: number;
  /** `G`, row-major `R x R`, switches per second. */
  readonly generatorPerSec: Float64Array;
  /** Each regime's problem as hjb-core prepares it (`phi`, `liquidity`, venue slots). */
  readonly regimes: readonly PreparedMultiAsset[];
}

/**
 * Check the model (RangeError naming the field) and prepare every regime. Besides
 * `createRegimeModel`'s checks (names, one parameter set per regime, valid generator): every
 * regime must list the same number of assets with the same `lotSize` and the same number of
 * venues per asset (so one quote buffer from `createMultiAssetQuotes` serves every regime).
 */
export function prepareCoupledMultiAsset(model: CoupledMultiAssetModel): PreparedCoupledMultiAsset {
  const checked = createRegimeModel(model);
  const R = checked.names.length;
  const regimes = checked.params.map((problem, r) => {
    try {
      return prepareMultiAsset(problem);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new RangeError(`params[${r}].${err.message}`);
    }
  });
  const first = regimes[0]!;
  const n = first.assetCount;
  regimes.forEach((p, r) => {
    if (p.assetCount !== n)
      throw new RangeError(
        `params[${r}].assets must list ${n} assets like params[0], got ${p.assetCount}`,
      );
    for (let i = 0; i < n; i++) {
      if (p.lotSizes[i] !== first.lotSizes[i])
        throw new RangeError(
          `params[${r}].assets[${i}].lotSize must equal params[0]'s ${first.lotSizes[i]}, got ${p.lotSizes[i]}`,
        );
      const venues = p.venueStart[i + 1]! - p.venueStart[i]!;
      const firstVenues = first.venueStart[i + 1]! - first.venueStart[i]!;
      if (venues !== firstVenues)
        throw new RangeError(
          `params[${r}].assets[${i}].venues must have ${firstVenues} entries like params[0], got ${venues}`,
        );
    }
  });
  const generatorPerSec = new Float64Array(R * R);
  checked.generatorPerSec.forEach((row, r) => {
    row.forEach((g, s) => {
      generatorPerSec[r * R + s] = g;
    });
  });
  return { names: checked.names, regimeCount: R, assetCount: n, generatorPerSec, regimes };
}

/** The prepared model of either input (a prepared one is passed through). */
export function asPreparedCoupled(
  model: CoupledMultiAssetModel | PreparedCoupledMultiAsset,
): PreparedCoupledMultiAsset {
  return 'regimes' in model ? model : prepareCoupledMultiAsset(model);
}
