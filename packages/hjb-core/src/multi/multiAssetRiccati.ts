import {
  type MultiAssetProblem,
  type PreparedMultiAsset,
  prepareMultiAsset,
} from './multiAssetProblem.js';
import { type MultiAssetSolution, solutionFromValueMatrix } from './multiAssetSolution.js';
import { psdEigen } from './psdSqrt.js';
import { type SymmetricEigen, symmetricFunction } from './symmetricEigen.js';

/**
 * The quadratic approximation of the multi-asset value, `theta(tau, q) ~ -q' A(tau) q - C(tau)`
 * (q in asset units, tau = T - t seconds), solved in closed form. With `Dm` the liquidity
 * diagonal (`PreparedMultiAsset.liquidity`), the Riccati equation
 *   dA/dtau = Phi - 4 A Dm A,   A(0) = 0
 * becomes, for `B = Dm^(1/2) A Dm^(1/2)` and `Psi = Dm^(1/2) Phi Dm^(1/2)` (both 1/s),
 *   dB/dtau = Psi - 4 B^2,   B(0) = 0,   so   B(tau) = (1/2) S tanh(2 S tau),   S = Psi^(1/2),
 * a matrix function of the symmetric `S` (all its terms commute), exact with no time stepping.
 * As tau grows `B -> S/2`, i.e. `A -> Gamma/2` with
 *   Gamma = Dm^(-1/2) (Dm^(1/2) Phi Dm^(1/2))^(1/2) Dm^(-1/2)     (Gueant 2017, eq. 5.18),
 * the stationary solution of `Phi = 4 A Dm A`. Only `A(0) = 0` is supported (no terminal
 * penalty matrix).
 */
export interface MultiAssetRiccati {
  readonly prepared: PreparedMultiAsset;
  /** Eigendecomposition of `Psi` (PSD, tiny negative eigenvalues clipped); `S` shares it. */
  readonly psiEigen: SymmetricEigen;
  /** `A(tau)`, quote currency per (unit_i x unit_j); `tauSec = Infinity` gives `Gamma/2`. */
  valueMatrixAt(tauSec: number, out?: Float64Array): Float64Array;
  /** `Gamma` (= 2 A(infinity)), price units per asset unit (quote currency per unit^2). */
  gammaMatrix(out?: Float64Array): Float64Array;
  /** The quoting solution at remaining horizon `tauSec` (`Infinity`: stationary). */
  solutionAt(tauSec: number): MultiAssetSolution;
}

/** The stationary solution, with `Gamma` itself (`valueMatrix = Gamma/2`). */
export interface MultiAssetStationarySolution extends MultiAssetSolution {
  /** `Gamma`, row-major, quote currency per (unit_i x unit_j). */
  readonly gammaMatrix: Float64Array;
}

/** Decompose once; then `A(tau)` for any tau costs one O(n^3) matrix function. */
export function multiAssetRiccati(
  problem: MultiAssetProblem | PreparedMultiAsset,
): MultiAssetRiccati {
  const prepared = 'assets' in problem ? prepareMultiAsset(problem) : problem;
  const n = prepared.assetCount;
  const sqrtDm = Float64Array.from(prepared.liquidity, Math.sqrt);
  const psi = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) psi[i * n + j] = sqrtDm[i]! * prepared.phi[i * n + j]! * sqrtDm[j]!;
  // Phi was checked PSD; the congruence keeps that, so any negative eigenvalue here is rounding
  // (possibly amplified by a widely spread Dm) and is clipped rather than reported.
  const psiEigen = psdEigen(psi, n, 'Psi = Dm^(1/2) Phi Dm^(1/2)', false);
  const sValues = Float64Array.from(psiEigen.values, Math.sqrt);

  // A = Dm^(-1/2) V diag(f(s)) V' Dm^(-1/2).
  const build = (f: (s: number) => number, out: Float64Array): Float64Array => {
    symmetricFunction(psiEigen, (_, k) => f(sValues[k]!), out);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! / (sqrtDm[i]! * sqrtDm[j]!);
    return out;
  };
  const valueMatrixAt = (tauSec: number, out = new Float64Array(n * n)): Float64Array => {
    if (!(tauSec >= 0)) throw new RangeError(`tauSec must be >= 0, got ${tauSec}`);
    if (tauSec === Number.POSITIVE_INFINITY) return build((s) => s / 2, out);
    return build((s) => (s * Math.tanh(2 * s * tauSec)) / 2, out);
  };
  return {
    prepared,
    psiEigen,
    valueMatrixAt,
    gammaMatrix: (out = new Float64Array(n * n)) => build((s) => s, out),
    solutionAt: (tauSec) => solutionFromValueMatrix(prepared, valueMatrixAt(tauSec), tauSec),
  };
}

/** The stationary closed form (Gueant 2017, eqs. 5.17-5.20; docs/math.md §6). */
export function solveMultiAssetStationary(
  problem: MultiAssetProblem | PreparedMultiAsset,
): MultiAssetStationarySolution {
  const riccati = multiAssetRiccati(problem);
  const gammaMatrix = riccati.gammaMatrix();
  const value = Float64Array.from(gammaMatrix, (g) => g / 2);
  return {
    ...solutionFromValueMatrix(riccati.prepared, value, Number.POSITIVE_INFINITY),
    gammaMatrix,
  };
}

/** The finite-horizon quadratic approximation at remaining horizon `tauSec` (A(0) = 0). */
export function solveMultiAssetFiniteHorizon(
  problem: MultiAssetProblem | PreparedMultiAsset,
  tauSec: number,
): MultiAssetSolution {
  return multiAssetRiccati(problem).solutionAt(tauSec);
}
