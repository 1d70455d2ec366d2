import type { PreparedCoupledMultiAsset } from './CoupledMultiAssetModel.js';
import type { StackedValueMatrices } from './coupledRiccatiRhs.js';
import { solveDenseInPlace } from './denseLu.js';

/** Index of `(i, j)`, `i <= j`, in the packed upper triangle of an `n x n` matrix. */
function packed(i: number, j: number, n: number): number {
  return i <= j ? i * n - (i * (i - 1)) / 2 + (j - i) : j * n - (j * (j - 1)) / 2 + (i - j);
}

/** Unknowns of the dense Newton system: `R n (n + 1) / 2`. */
export function newtonUnknowns(model: PreparedCoupledMultiAsset): number {
  const n = model.assetCount;
  return (model.regimeCount * n * (n + 1)) / 2;
}

/**
 * One Newton (Kleinman) step for the coupled algebraic Riccati equations
 * `0 = Phi_r - 4 A_r Dm_r A_r + sum_{r'} G[r][r'] (A_{r'} - A_r)`: linearised at `a`, the next
 * iterate `X` solves the coupled Lyapunov system
 *
 *   X_r M_r + M_r' X_r - sum_{r' != r} G[r][r'] X_{r'} = Phi_r + 4 A_r Dm_r A_r,
 *   M_r = 4 Dm_r A_r + (q_r / 2) I,   q_r = -G[r][r] = sum_{r' != r} G[r][r'],
 *
 * vectorised over the packed upper triangles (`X_r` symmetric) and solved densely by LU with
 * partial pivoting: O((R n^2 / 2)^3 / 3) flops, for small `R n^2`. Writes `X` (symmetric, full
 * row-major per regime) into `out`; returns false when the system is numerically singular (e.g.
 * a direction with no penalty in any regime: `Phi_r v = 0` for all r).
 */
export function coupledNewtonStep(
  model: PreparedCoupledMultiAsset,
  a: StackedValueMatrices,
  out: StackedValueMatrices,
): boolean {
  const { regimeCount: R, assetCount: n, generatorPerSec: G, regimes } = model;
  const n2 = n * n;
  const m = (n * (n + 1)) / 2;
  const size = R * m;
  const lhs = new Float64Array(size * size);
  const rhs = new Float64Array(size);
  for (let r = 0; r < R; r++) {
    const { phi, liquidity } = regimes[r]!;
    const base = r * n2;
    const halfExit = -G[r * R + r]! / 2;
    // M[k][i] = 4 Dm_k A_ki + (q_r/2) delta_ki, row-major.
    const M = new Float64Array(n2);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < n; i++)
        M[k * n + i] = 4 * liquidity[k]! * a[base + k * n + i]! + (k === i ? halfExit : 0);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const row = (r * m + packed(i, j, n)) * size;
        // (M' X + X M)_ij = sum_k M_ki X_kj + X_ik M_kj
        for (let k = 0; k < n; k++) {
          lhs[row + r * m + packed(k, j, n)]! += M[k * n + i]!;
          lhs[row + r * m + packed(i, k, n)]! += M[k * n + j]!;
        }
        for (let s = 0; s < R; s++)
          if (s !== r) lhs[row + s * m + packed(i, j, n)]! -= G[r * R + s]!;
        let quad = 0;
        for (let k = 0; k < n; k++)
          quad += a[base + i * n + k]! * liquidity[k]! * a[base + k * n + j]!;
        rhs[r * m + packed(i, j, n)] = phi[i * n + j]! + 4 * quad;
      }
  }
  if (!solveDenseInPlace(lhs, rhs, size)) return false;
  for (let r = 0; r < R; r++)
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const x = rhs[r * m + packed(i, j, n)]!;
        out[r * n2 + i * n + j] = x;
        out[r * n2 + j * n + i] = x;
      }
  return true;
}
