import { type MultiAssetSolution, solutionFromValueMatrix, symmetricEigen } from '@mm/hjb-core';
import {
  asPreparedCoupled,
  type CoupledMultiAssetModel,
  type PreparedCoupledMultiAsset,
} from './CoupledMultiAssetModel.js';
import { coupledNewtonStep, newtonUnknowns } from './coupledNewtonStep.js';
import { maxAbs, ownStationaryStack, regimeMatrix, relativeResidual } from './coupledRiccatiRhs.js';
import { flowToStationary } from './flowToStationary.js';

export interface CoupledMultiAssetStationaryOptions {
  /** Newton iteration budget (default 50; from `Gamma_r/2` it takes 2-10). */
  maxIterations?: number;
  /**
   * Largest dense Newton system, unknowns `R n (n + 1) / 2` (default 600, e.g. 2 regimes x 24
   * assets); above it, the flow. A step costs `unknowns^3 / 3` flops (measured: 2 x 10 assets
   * 0.5 ms, 2 x 20 25 ms, 2 x 30 0.27 s), the flow about `R n^3` per stage times its steps: past
   * ~2 x 24 the flow is faster for well-conditioned problems; raise this for stiff ones
   * (switching far faster than the slowest relaxation), where the flow needs very many steps.
   */
  maxDenseUnknowns?: number;
}

/** The stationary coupled solution per regime. */
export interface CoupledMultiAssetStationarySolution {
  readonly names: readonly string[];
  /** Per regime hjb-core's `MultiAssetSolution` (`valueMatrix = A_r(infinity)`). */
  readonly solutions: readonly MultiAssetSolution[];
  /**
   * `max |Phi_r - 4 A_r Dm_r A_r + coupling|` relative to `max |Phi_r| + 2 q max |A_r|` (`q` the
   * largest exit rate): about 1e-15 from Newton, about 1e-12 (its tolerance) from the flow.
   */
  readonly residual: number;
  /** `newton`: from the regimes' own `Gamma_r/2`; `flow`: the Riccati flow run to convergence. */
  readonly method: 'newton' | 'flow';
  /** Newton steps taken (including a failed attempt before the flow). */
  readonly iterations: number;
}

/**
 * The coupled algebraic Riccati equations `0 = Phi_r - 4 A_r Dm_r A_r + sum_{r'} G[r][r']
 * (A_{r'} - A_r)` (docs/math.md §8), the limit of `solveCoupledMultiAssetFiniteHorizon` as tau grows.
 * Newton's method (`coupledNewtonStep`, one dense coupled Lyapunov solve per step) starts from
 * each regime's own `Gamma_r/2` and converges quadratically, in a few steps, to the stabilising
 * solution. If Newton fails (numerically singular step, non-finite or not converged; e.g. a
 * direction that no regime penalises) or the system is larger than `maxDenseUnknowns`, the flow
 * `dA/dtau` is integrated from 0 until `A` stops changing (`flowToStationary`). With `G = 0`
 * each regime's `A_r` is hjb-core's `Gamma_r/2`.
 */
export function solveCoupledMultiAssetStationary(
  model: CoupledMultiAssetModel | PreparedCoupledMultiAsset,
  options: CoupledMultiAssetStationaryOptions = {},
): CoupledMultiAssetStationarySolution {
  const prepared = asPreparedCoupled(model);
  const maxIterations = options.maxIterations ?? 50;
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new RangeError(`maxIterations must be an integer >= 1, got ${maxIterations}`);
  const maxDense = options.maxDenseUnknowns ?? 600;
  if (!(maxDense >= 0)) throw new RangeError(`maxDenseUnknowns must be >= 0, got ${maxDense}`);
  let a: Float64Array = ownStationaryStack(prepared);
  let method: 'newton' | 'flow' = 'newton';
  let iterations = 0;
  let converged = false;
  if (newtonUnknowns(prepared) <= maxDense) {
    let next: Float64Array = new Float64Array(a.length);
    let previousChange = Number.POSITIVE_INFINITY;
    while (iterations < maxIterations) {
      iterations++;
      if (!coupledNewtonStep(prepared, a, next)) break;
      let change = 0;
      for (let i = 0; i < a.length; i++) change = Math.max(change, Math.abs(next[i]! - a[i]!));
      if (!Number.isFinite(change)) break;
      [a, next] = [next, a];
      // Quadratic convergence: once a step changes A by 1e-12 relative, the new iterate is at
      // rounding level; a change that stops shrinking below 1e-8 is rounding noise.
      const scale = maxAbs(a);
      if (change <= 1e-12 * scale || (change >= previousChange && change <= 1e-8 * scale)) {
        converged = relativeResidual(prepared, a) <= 1e-9 && allPsd(prepared, a);
        break;
      }
      previousChange = change;
    }
  }
  if (!converged) {
    method = 'flow';
    a = flowToStationary(prepared);
  }
  const n = prepared.assetCount;
  return {
    names: prepared.names,
    solutions: prepared.regimes.map((p, r) =>
      solutionFromValueMatrix(p, regimeMatrix(a, n, r), Number.POSITIVE_INFINITY),
    ),
    residual: relativeResidual(prepared, a),
    method,
    iterations,
  };
}

/**
 * Every `A_r` positive semi-definite (to 1e-10 of `max |A|`): the value `q' A_r q` is a minimal
 * cost, and the other (non-stabilising) solutions of the Riccati equations are indefinite, so this
 * guards against Newton landing on one of them.
 */
function allPsd(model: PreparedCoupledMultiAsset, a: Float64Array): boolean {
  const n = model.assetCount;
  const floor = -1e-10 * maxAbs(a);
  for (let r = 0; r < model.regimeCount; r++)
    if (symmetricEigen(regimeMatrix(a, n, r), n).values[0]! < floor) return false;
  return true;
}
