import type { PreparedCoupledMultiAsset } from './CoupledMultiAssetModel.js';
import { coupledRiccatiRhs, maxAbs, ownStationaryStack } from './coupledRiccatiRhs.js';
import { DormandPrince54 } from './dormandPrince54.js';

/** Integrator settings for the coupled Riccati flow. */
export interface CoupledRiccatiFlowOptions {
  /** Relative tolerance per entry of every `A_r` (default 1e-12). */
  relTol?: number;
  /**
   * Absolute tolerance per entry, quote currency per (unit_i x unit_j) (default `relTol` times
   * `max_r max_ij |Gamma_r/2|`, the size of the regimes' own stationary values).
   */
  absTol?: number;
  /** Step budget, accepted + rejected (default 1 million). */
  maxSteps?: number;
}

/**
 * The stacked `A_r(tau)` advanced in tau (seconds) by an explicit adaptive Dormand-Prince 5(4).
 *
 * Why an explicit method suffices (the flow is not stiff for sensible parameters): linearised at
 * `A`, the flow is `H_r -> -4 (H_r Dm_r A_r + A_r Dm_r H_r) + sum_{r'} G[r][r'] (H_{r'} - H_r)`.
 * In regime r's coordinates `B = Dm_r^(1/2) A_r Dm_r^(1/2)` the first part has eigenvalues
 * `-4 (b_i + b_j)` with `0 <= b <= s_max/2` (`B(tau) = S tanh(2 S tau)/2`, `S = Psi^(1/2)`), and
 * the coupling's lie in the disc `|z + q| <= q`, `q` the largest exit rate `-G[r][r]`. So the
 * spectral radius is at most about `4 s_max + 2 q` (1/s) while the solution relaxes at the
 * slowest rate, about `4 s_min` (or the switching rate). At tolerances ~1e-12 the accuracy of a
 * 5th order method already needs `h |lambda| ~ 0.01-0.1`, well inside its stability region
 * (`h |lambda| < ~3.3`): stability only binds once the fast modes have settled, and then costs
 * about `(4 s_max + 2 q) / (4 s_min)` steps per relaxation time, the stiffness ratio. For a
 * portfolio, `s_max/s_min = sqrt(cond(Psi))`: below ~100 unless correlations approach 1 or
 * liquidities differ by 1e4. `stabilityLimitedSteps` counts the steps spent at the stability
 * limit (Hairer's test): few while `A` still moves; once it has settled (tau beyond a few
 * relaxation times) every step is, and `solveCoupledMultiAssetStationary` is the better tool.
 */
export class CoupledRiccatiFlow {
  /** Current remaining horizon tau, seconds. */
  tauSec = 0;
  /** The stacked `A_r(tauSec)` (regime r at offset `r n^2`); starts at `A_r(0) = 0`. */
  readonly state: Float64Array;
  private readonly integrator: DormandPrince54;

  constructor(model: PreparedCoupledMultiAsset, options: CoupledRiccatiFlowOptions = {}) {
    const relTol = options.relTol ?? 1e-12;
    if (!(relTol > 0) || !(relTol < 1))
      throw new RangeError(`relTol must be in (0, 1), got ${relTol}`);
    const absTol = options.absTol ?? relTol * maxAbs(ownStationaryStack(model));
    if (!(absTol > 0) || !Number.isFinite(absTol))
      throw new RangeError(
        `absTol must be finite and > 0, got ${absTol} (set it when every Phi_r = 0)`,
      );
    const maxSteps = options.maxSteps ?? 1_000_000;
    if (!Number.isInteger(maxSteps) || maxSteps < 1)
      throw new RangeError(`maxSteps must be an integer >= 1, got ${maxSteps}`);
    const dim = model.regimeCount * model.assetCount * model.assetCount;
    this.state = new Float64Array(dim);
    this.integrator = new DormandPrince54((y, out) => coupledRiccatiRhs(model, y, out), dim, {
      relTol,
      absTol,
      maxSteps,
    });
  }

  /** Advance to remaining horizon `tauSec >= this.tauSec`. */
  advanceTo(tauSec: number): void {
    if (!(tauSec >= this.tauSec) || !Number.isFinite(tauSec))
      throw new RangeError(`tauSec must be finite and >= ${this.tauSec}, got ${tauSec}`);
    this.integrator.advance(this.state, tauSec - this.tauSec);
    this.tauSec = tauSec;
  }

  get acceptedSteps(): number {
    return this.integrator.accepted;
  }
  get rejectedSteps(): number {
    return this.integrator.rejected;
  }
  /** Accepted steps limited by stability rather than accuracy (Hairer's test). */
  get stabilityLimitedSteps(): number {
    return this.integrator.stabilityLimitedSteps;
  }
}
