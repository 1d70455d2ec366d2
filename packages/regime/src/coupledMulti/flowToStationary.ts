import type { PreparedCoupledMultiAsset } from './CoupledMultiAssetModel.js';
import { CoupledRiccatiFlow } from './coupledRiccatiFlow.js';
import {
  maxAbs,
  ownStationaryStack,
  penaltyScale,
  type StackedValueMatrices,
} from './coupledRiccatiRhs.js';

/**
 * A chunk's change below this (relative to `max |A|`) counts as converged ... Above the flow's
 * own noise: near the limit the steps sit at the stability edge, where the fast modes jitter at
 * about the integrator's tolerance (1e-12 of `max|Gamma_r/2|`).
 */
const CHANGE_TOL = 1e-11;
/** ... when it also fell at least this much from the previous chunk (the slowest mode relaxed), */
const RELAXED_DROP = 4;
/** ... or is at rounding level, or stayed small for this many chunks (rounding noise). */
const SMALL_CHUNKS = 4;

/**
 * The stationary coupled solution as the limit of the flow from `A_r(0) = 0`, the stacked
 * `A_r(tau)` at tau doubling from `max|Gamma_r/2| / max|Phi_r|` (about `1/(2 s)`, the regimes'
 * own relaxation time, seconds). Near the limit `A = A* + sum_m c_m exp(-lambda_m tau)`, so the
 * change over a chunk `[tau, 2 tau]` is about `c lambda tau` while `lambda tau << 1` (growing as
 * tau doubles) and falls faster than geometrically once the slowest mode has relaxed: stop when
 * it is below 1e-11 relative and has dropped 4-fold. (A residual test would not do: in a
 * direction with little penalty the residual is `4 s_min` times the error, tiny long before `A`
 * has converged.) The flow converges to the stabilising solution (the value of the
 * regime-switching LQ problem) also where Newton's system is singular; it costs about the
 * stiffness ratio `s_max / s_min` times more than Newton (see `CoupledRiccatiFlow`).
 */
export function flowToStationary(model: PreparedCoupledMultiAsset): StackedValueMatrices {
  const phiScale = penaltyScale(model);
  const n2 = model.assetCount * model.assetCount;
  if (phiScale === 0) return new Float64Array(model.regimeCount * n2);
  const flow = new CoupledRiccatiFlow(model);
  const previous = new Float64Array(flow.state.length);
  let chunkSec = maxAbs(ownStationaryStack(model)) / phiScale;
  let previousChange = Number.POSITIVE_INFINITY;
  let smallChunks = 0;
  for (;;) {
    previous.set(flow.state);
    try {
      flow.advanceTo(flow.tauSec + chunkSec);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new RangeError(
        `${err.message} (stationary flow at tau = ${flow.tauSec} s, ${flow.stabilityLimitedSteps} ` +
          `of ${flow.acceptedSteps} steps stability-limited: the flow is stiff here, e.g. switching ` +
          'far faster than the slowest relaxation 4 s_min; prefer the dense Newton solve)',
      );
    }
    chunkSec *= 2;
    let change = 0;
    for (let i = 0; i < previous.length; i++)
      change = Math.max(change, Math.abs(flow.state[i]! - previous[i]!));
    const scale = maxAbs(flow.state);
    if (change <= CHANGE_TOL * scale) {
      smallChunks++;
      const relaxed = change * RELAXED_DROP <= previousChange;
      if (relaxed || change <= 64 * Number.EPSILON * scale || smallChunks >= SMALL_CHUNKS) break;
    } else smallChunks = 0;
    previousChange = change;
  }
  return flow.state;
}
