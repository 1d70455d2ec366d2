import { matrixFromRows } from '../multi/matrix.js';
import { UNIT_DIAGONAL_TOLERANCE } from '../multi/penalty.js';
import { PSD_TOLERANCE } from '../multi/psdSqrt.js';
import { symmetricEigen } from '../multi/symmetricEigen.js';

/** Relative tolerance of the symmetry check. */
const SYMMETRY_TOLERANCE = 1e-10;

/**
 * `Sigma_ij = rho_ij sigma_i sigma_j` (quote currency^2 per second per unit_i x unit_j) from each
 * asset's volatility (price units per sqrt(second), >= 0) and a correlation matrix: `n x n`,
 * diagonal 1 within `UNIT_DIAGONAL_TOLERANCE`, off-diagonal in [-1, 1], symmetric, positive
 * semi-definite. Errors are RangeErrors naming `field` and the entry.
 */
export function portfolioCovariance(
  sigmaPerSqrtSec: readonly number[],
  correlation: readonly (readonly number[])[],
  field = 'correlation',
): number[][] {
  const n = sigmaPerSqrtSec.length;
  sigmaPerSqrtSec.forEach((s, i) => {
    if (!(s >= 0) || !Number.isFinite(s))
      throw new RangeError(`sigma of asset ${i} must be finite and >= 0, got ${s}`);
  });
  const rho = squareMatrix(correlation, n, field);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const r = rho[i * n + j]!;
      if (i === j) {
        if (!(Math.abs(r - 1) <= UNIT_DIAGONAL_TOLERANCE))
          throw new RangeError(`${field}[${i}][${i}] must be 1 (a unit diagonal), got ${r}`);
        rho[i * n + i] = 1;
      } else if (!(Math.abs(r) <= 1))
        throw new RangeError(`${field}[${i}][${j}] must be in [-1, 1], got ${r}`);
    }
  checkSymmetricPsd(rho, n, field);
  return Array.from({ length: n }, (_, i) =>
    Array.from(
      { length: n },
      (_, j) => rho[i * n + j]! * sigmaPerSqrtSec[i]! * sigmaPerSqrtSec[j]!,
    ),
  );
}

/**
 * Check a covariance (`n x n`, finite, symmetric, PSD) and return it row-major; RangeError naming
 * `field` and the entry otherwise.
 */
export function validateCovariance(
  covariance: readonly (readonly number[])[],
  n: number,
  field = 'covariance',
): Float64Array {
  const a = squareMatrix(covariance, n, field);
  for (let i = 0; i < n; i++)
    if (a[i * n + i]! < 0)
      throw new RangeError(`${field}[${i}][${i}] must be >= 0 (a variance), got ${a[i * n + i]}`);
  checkSymmetricPsd(a, n, field);
  return a;
}

/** `q' Sigma q` (quote currency^2 per second) for `Sigma` row-major and `q` in asset units. */
export function portfolioRisk(covariance: Float64Array, inventoryUnits: ArrayLike<number>): number {
  const n = inventoryUnits.length;
  let risk = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += covariance[i * n + j]! * inventoryUnits[j]!;
    risk += inventoryUnits[i]! * row;
  }
  return risk;
}

function squareMatrix(
  rows: readonly (readonly number[])[],
  n: number,
  field: string,
): Float64Array {
  if (!Array.isArray(rows) || rows.length !== n)
    throw new RangeError(
      `${field} must be ${n}x${n} (one row per asset), got ${Array.isArray(rows) ? rows.length : 0} rows`,
    );
  return matrixFromRows(rows, field);
}

/** Symmetric to 1e-10 relative (then made exactly symmetric) and PSD, naming the entry or row. */
function checkSymmetricPsd(a: Float64Array, n: number, field: string): void {
  let scale = 0;
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const x = a[i * n + j]!;
      const y = a[j * n + i]!;
      if (Math.abs(x - y) > SYMMETRY_TOLERANCE * Math.max(Math.abs(x), Math.abs(y), 1e-6 * scale))
        throw new RangeError(
          `${field} is not symmetric: ${field}[${i}][${j}] = ${x} but ${field}[${j}][${i}] = ${y}`,
        );
      a[j * n + i] = x;
    }
  const smallest = smallestEigenvalue(a, n, field);
  if (smallest.value >= -smallest.tolerance) return;
  // Name the first row whose leading block is indefinite (binary search on the block size).
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const block = leadingBlock(a, n, mid);
    const e = smallestEigenvalue(block, mid, field);
    if (e.value < -e.tolerance) hi = mid;
    else lo = mid + 1;
  }
  const row = lo - 1;
  throw new RangeError(
    `${field} is not positive semi-definite: row ${row} (with rows 0..${row - 1}) makes it ` +
      `indefinite, e.g. ${field}[${row}][${row === 0 ? 0 : row - 1}] = ${a[row * n + Math.max(row - 1, 0)]}; ` +
      `smallest eigenvalue ${smallest.value}`,
  );
}

function leadingBlock(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = a[i * n + j]!;
  return out;
}

function smallestEigenvalue(
  a: Float64Array,
  n: number,
  field: string,
): { value: number; tolerance: number } {
  const { values } = symmetricEigen(a, n, field);
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  return { value: values[0]!, tolerance: PSD_TOLERANCE * n * scale };
}
