import type { MultiAssetSolution } from '@mm/hjb-core';
import { solutionFromValueMatrix } from '@mm/hjb-core';
import {
  asPreparedCoupled,
  type CoupledMultiAssetModel,
  type PreparedCoupledMultiAsset,
} from './CoupledMultiAssetModel.js';
import { CoupledRiccatiFlow, type CoupledRiccatiFlowOptions } from './coupledRiccatiFlow.js';
import { regimeMatrix } from './coupledRiccatiRhs.js';

export interface CoupledMultiAssetFiniteHorizonOptions extends CoupledRiccatiFlowOptions {
  /** Remaining horizons `tau = T - t` to report, seconds: finite, >= 0, ascending. */
  tauSec: readonly number[];
}

/** `A_r(tau)` and the quoting solutions per regime at each requested tau. */
export interface CoupledMultiAssetFiniteHorizonSolution {
  readonly names: readonly string[];
  /** The requested remaining horizons, seconds. */
  readonly tauSec: Float64Array;
  /**
   * `solutions[j][r]`: regime r at `tauSec[j]`, hjb-core's `MultiAssetSolution` (its
   * `valueMatrix` is `A_r(tau_j)`, quote currency per unit^2; use with `quotesFor`).
   */
  readonly solutions: readonly (readonly MultiAssetSolution[])[];
  readonly acceptedSteps: number;
  readonly rejectedSteps: number;
  /**
   * Accepted steps limited by stability rather than accuracy: a large share means the flow is
   * stiff for this horizon (see `CoupledRiccatiFlow`), typically tau far past the relaxation time.
   */
  readonly stabilityLimitedSteps: number;
}

/**
 * The regime-coupled multi-asset Riccati equations (docs/math.md §8)
 *   dA_r/dtau = Phi_r - 4 A_r Dm_r A_r + sum_{r'} G[r][r'] (A_{r'} - A_r),   A_r(0) = 0,
 * integrated once through every requested tau by Dormand-Prince 5(4) (default tolerance 1e-12
 * relative to the regimes' own stationary values). The `A_r` are bitwise symmetric. With `G = 0`
 * each regime's `A_r(tau)` is hjb-core's `multiAssetRiccati(problem_r).valueMatrixAt(tau)`.
 */
export function solveCoupledMultiAssetFiniteHorizon(
  model: CoupledMultiAssetModel | PreparedCoupledMultiAsset,
  options: CoupledMultiAssetFiniteHorizonOptions,
): CoupledMultiAssetFiniteHorizonSolution {
  const prepared = asPreparedCoupled(model);
  const taus = options.tauSec;
  if (taus.length < 1) throw new RangeError('tauSec must list at least one horizon');
  taus.forEach((tau, j) => {
    if (!(tau >= 0) || !Number.isFinite(tau))
      throw new RangeError(`tauSec[${j}] must be finite and >= 0, got ${tau}`);
    if (j > 0 && tau < taus[j - 1]!)
      throw new RangeError(`tauSec[${j}] must be >= tauSec[${j - 1}] = ${taus[j - 1]}, got ${tau}`);
  });
  const flow = new CoupledRiccatiFlow(prepared, options);
  const n = prepared.assetCount;
  const solutions = taus.map((tau) => {
    flow.advanceTo(tau);
    return prepared.regimes.map((p, r) =>
      solutionFromValueMatrix(p, regimeMatrix(flow.state, n, r), tau),
    );
  });
  return {
    names: prepared.names,
    tauSec: Float64Array.from(taus),
    solutions,
    acceptedSteps: flow.acceptedSteps,
    rejectedSteps: flow.rejectedSteps,
    stabilityLimitedSteps: flow.stabilityLimitedSteps,
  };
}
