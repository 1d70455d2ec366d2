import { matrixFromRows, maxAbsEntry, symmetrizeInPlace } from './matrix.js';
import { psdEigen } from './psdSqrt.js';

/**
 * The running inventory penalty `q' Phi q` (quote currency per second), with `q` the inventory
 * in asset units (`q_i = lotSize_i * lots_i`), so `Phi_ij` is in quote currency per
 * (unit of asset i x unit of asset j) per second. Ways to give it:
 * - `identity`: `Phi = phi I` over asset units (the seed's `phi ||Q||^2` with Q in units);
 * - `notional`: `phi ||notional||^2` with `notional_i = midPrice_i q_i`, i.e.
 *   `Phi = phi diag(midPrice_i^2)`;
 * - `covariance`: `Phi = (gamma/2) Sigma`, `Sigma` the covariance of price changes per second
 *   (price units^2 per second; `Sigma_ii = sigma_i^2`), `gamma` per (price unit x asset unit)
 *   as in the single-asset GLFT model;
 * - `matrix`: `Phi` itself.
 */
export type PenaltySpec =
  | { kind: 'identity'; phiPerUnit2Sec: number }
  | { kind: 'notional'; phiPerNotional2Sec: number; midPrices: readonly number[] }
  | { kind: 'covariance'; gamma: number; covariancePerSec: readonly (readonly number[])[] }
  | { kind: 'matrix'; phiPerUnit2Sec: readonly (readonly number[])[] };

/**
 * A correlation's diagonal may differ from 1 by this much (numerically computed matrices give
 * 1.0000000000000002); it is then taken as exactly 1.
 */
export const UNIT_DIAGONAL_TOLERANCE = 1e-9;

/** Relative tolerance of the symmetry check on an explicit `Phi` or covariance. */
export const SYMMETRY_TOLERANCE = 1e-10;

/**
 * `Phi` for `assetCount` assets as a row-major `Float64Array`, checked: sizes match, entries
 * finite, symmetric to `SYMMETRY_TOLERANCE` relative (then symmetrised exactly), positive
 * semi-definite (see `psdEigen`). Throws a RangeError naming the field otherwise.
 */
export function penaltyMatrix(spec: PenaltySpec, assetCount: number): Float64Array {
  const n = assetCount;
  switch (spec.kind) {
    case 'identity': {
      checkNonNegative('penalty.phiPerUnit2Sec', spec.phiPerUnit2Sec);
      const out = new Float64Array(n * n);
      for (let i = 0; i < n; i++) out[i * n + i] = spec.phiPerUnit2Sec;
      return out;
    }
    case 'notional': {
      checkNonNegative('penalty.phiPerNotional2Sec', spec.phiPerNotional2Sec);
      if (spec.midPrices.length !== n)
        throw new RangeError(
          `penalty.midPrices must have ${n} entries (one per asset), got ${spec.midPrices.length}`,
        );
      const out = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        const s = spec.midPrices[i]!;
        if (!(s > 0) || !Number.isFinite(s))
          throw new RangeError(`penalty.midPrices[${i}] must be finite and > 0, got ${s}`);
        out[i * n + i] = spec.phiPerNotional2Sec * s * s;
      }
      return out;
    }
    case 'covariance': {
      checkNonNegative('penalty.gamma', spec.gamma);
      const sigma = checkedSymmetric(spec.covariancePerSec, n, 'Sigma');
      psdEigen(sigma, n, 'Sigma');
      for (let i = 0; i < sigma.length; i++) sigma[i] = (spec.gamma / 2) * sigma[i]!;
      return sigma;
    }
    case 'matrix': {
      const phi = checkedSymmetric(spec.phiPerUnit2Sec, n, 'Phi');
      psdEigen(phi, n, 'Phi');
      return phi;
    }
  }
}

/**
 * Check a row-major `Phi` given directly (sizes, finite, symmetric, PSD); returns it symmetrised
 * (a copy). For callers that build `Phi` themselves.
 */
export function validatePenaltyMatrix(phi: Float64Array, n: number): Float64Array {
  if (phi.length !== n * n)
    throw new RangeError(`Phi must have ${n * n} entries (${n}x${n}), got ${phi.length}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from(phi.subarray(i * n, (i + 1) * n)));
  const out = checkedSymmetric(rows, n, 'Phi');
  psdEigen(out, n, 'Phi');
  return out;
}

/**
 * The covariance per second `Sigma_ij = rho_ij sigma_i sigma_j` from volatilities (price units
 * per sqrt(second)) and a correlation matrix (diagonal 1 within `UNIT_DIAGONAL_TOLERANCE`, entries in [-1, 1], symmetric).
 * PSD-ness is left to `penaltyMatrix`.
 */
export function covarianceFromCorrelation(
  sigmaPerSqrtSec: readonly number[],
  correlation: readonly (readonly number[])[],
): number[][] {
  const n = sigmaPerSqrtSec.length;
  sigmaPerSqrtSec.forEach((s, i) => {
    if (!(s >= 0) || !Number.isFinite(s))
      throw new RangeError(`sigmaPerSqrtSec[${i}] must be finite and >= 0, got ${s}`);
  });
  if (correlation.length !== n)
    throw new RangeError(
      `correlation must be ${n}x${n} (one row per asset), got ${correlation.length} rows`,
    );
  const rho = matrixFromRows(correlation, 'correlation');
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const r = rho[i * n + j]!;
      if (i === j ? !(Math.abs(r - 1) <= UNIT_DIAGONAL_TOLERANCE) : !(Math.abs(r) <= 1))
        throw new RangeError(
          `correlation[${i}][${j}] must be ${i === j ? '1' : 'in [-1, 1]'}, got ${r}`,
        );
    }
  return Array.from({ length: n }, (_, i) =>
    Array.from(
      { length: n },
      (_, j) => (i === j ? 1 : rho[i * n + j]!) * sigmaPerSqrtSec[i]! * sigmaPerSqrtSec[j]!,
    ),
  );
}

function checkNonNegative(name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v))
    throw new RangeError(`${name} must be finite and >= 0, got ${v}`);
}

function checkedSymmetric(
  rows: readonly (readonly number[])[],
  n: number,
  name: string,
): Float64Array {
  if (rows.length !== n)
    throw new RangeError(`${name} must be ${n}x${n} (one row per asset), got ${rows.length} rows`);
  const a = matrixFromRows(rows, name);
  const scale = maxAbsEntry(a);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const x = a[i * n + j]!;
      const y = a[j * n + i]!;
      const tol = SYMMETRY_TOLERANCE * Math.max(Math.abs(x), Math.abs(y), 1e-6 * scale);
      if (Math.abs(x - y) > tol)
        throw new RangeError(
          `${name} is not symmetric: ${name}[${i}][${j}] = ${x} but ${name}[${j}][${i}] = ${y}`,
        );
    }
  return symmetrizeInPlace(a, n);
}
