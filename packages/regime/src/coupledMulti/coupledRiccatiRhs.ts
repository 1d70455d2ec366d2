import { multiAssetRiccati } from '@mm/hjb-core';
import type { PreparedCoupledMultiAsset } from './CoupledMultiAssetModel.js';

/**
 * The stacked state of the coupled Riccati equations: `R` row-major `n x n` matrices, regime r's
 * `A_r` at offset `r n^2`, quote currency per (unit_i x unit_j).
 */
export type StackedValueMatrices = Float64Array;

/**
 * `out_r = Phi_r - 4 A_r Dm_r A_r + sum_{r' != r} G[r][r'] (A_{r'} - A_r)` for every regime
 * (quote currency per unit^2 per second). Only the upper triangle is computed and then mirrored,
 * so a symmetric `a` gives an exactly (bitwise) symmetric `out`: an explicit Runge-Kutta method
 * combines the stages entrywise with the same coefficients, so the integrated `A_r` stay bitwise
 * symmetric with no symmetrisation step. `out` must not alias `a`. O(R n^3 / 2 + R^2 n^2).
 */
export function coupledRiccatiRhs(
  model: PreparedCoupledMultiAsset,
  a: StackedValueMatrices,
  out: StackedValueMatrices,
): StackedValueMatrices {
  const { regimeCount: R, assetCount: n, generatorPerSec: G, regimes } = model;
  const n2 = n * n;
  for (let r = 0; r < R; r++) {
    const { phi, liquidity } = regimes[r]!;
    const base = r * n2;
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        // (A Dm A)_ij = sum_k A_ik Dm_k A_kj
        let quad = 0;
        for (let k = 0; k < n; k++)
          quad += a[base + i * n + k]! * liquidity[k]! * a[base + k * n + j]!;
        let coupling = 0;
        const aij = a[base + i * n + j]!;
        for (let s = 0; s < R; s++)
          if (s !== r) coupling += G[r * R + s]! * (a[s * n2 + i * n + j]! - aij);
        const v = phi[i * n + j]! - 4 * quad + coupling;
        out[base + i * n + j] = v;
        out[base + j * n + i] = v;
      }
  }
  return out;
}

/** `max |Phi_r|` over regimes and entries, quote currency per unit^2 per second. */
export function penaltyScale(model: PreparedCoupledMultiAsset): number {
  return Math.max(...model.regimes.map((p) => maxAbs(p.phi)));
}

/**
 * The stationary residual `max_{r,i,j} |Phi_r - 4 A_r Dm_r A_r + coupling|` relative to the size
 * of its terms, `max |Phi_r| + 2 q max |A_r|` (`q` the largest exit rate `-G[r][r]`), so that
 * rounding in fast switching between large values is not mistaken for an error
 * (dimensionless; absolute when that scale is 0).
 */
export function relativeResidual(
  model: PreparedCoupledMultiAsset,
  a: StackedValueMatrices,
): number {
  const m = maxAbs(coupledRiccatiRhs(model, a, new Float64Array(a.length)));
  const R = model.regimeCount;
  let exit = 0;
  for (let r = 0; r < R; r++) exit = Math.max(exit, -model.generatorPerSec[r * R + r]!);
  const scale = penaltyScale(model) + 2 * exit * maxAbs(a);
  return scale > 0 ? m / scale : m;
}

/** Regime r's `A_r` (a copy) out of the stacked state. */
export function regimeMatrix(a: StackedValueMatrices, n: number, r: number): Float64Array {
  return a.slice(r * n * n, (r + 1) * n * n);
}

/**
 * Each regime's own stationary value `Gamma_r/2` (hjb-core's closed form, ignoring switching),
 * stacked: the Newton start and the scale of the coupled solution.
 */
export function ownStationaryStack(model: PreparedCoupledMultiAsset): StackedValueMatrices {
  const n2 = model.assetCount * model.assetCount;
  const out = new Float64Array(model.regimeCount * n2);
  model.regimes.forEach((p, r) => {
    multiAssetRiccati(p).valueMatrixAt(
      Number.POSITIVE_INFINITY,
      out.subarray(r * n2, (r + 1) * n2),
    );
  });
  return out;
}

/** `max |x_i|`. */
export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}
