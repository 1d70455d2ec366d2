import { maxAbsEntry } from './matrix.js';
import { type SymmetricEigen, symmetricEigen, symmetricFunction } from './symmetricEigen.js';

/**
 * Eigenvalues above `-PSD_TOLERANCE * n * max|lambda|` count as rounding of a zero eigenvalue
 * and are clipped to 0; anything more negative is rejected as not positive semi-definite.
 */
export const PSD_TOLERANCE = 64 * Number.EPSILON;

/**
 * The eigendecomposition of a symmetric PSD matrix with tiny negative eigenvalues (rounding)
 * clipped to 0. Throws a RangeError naming `name` and the offending eigenvalue when one is
 * clearly negative, unless `rejectNegative` is false (for a matrix derived from one already
 * checked, whose negative eigenvalues can only be rounding: all are then clipped).
 */
export function psdEigen(
  a: Float64Array,
  n: number,
  name = 'matrix',
  rejectNegative = true,
): SymmetricEigen {
  const eig = symmetricEigen(a, n, name);
  const values = eig.values;
  let scale = 0;
  for (let k = 0; k < n; k++) scale = Math.max(scale, Math.abs(values[k]!));
  scale = Math.max(scale, maxAbsEntry(a));
  const tol = PSD_TOLERANCE * n * scale;
  const smallest = values[0]!;
  if (rejectNegative && smallest < -tol)
    throw new RangeError(
      `${name} is not positive semi-definite: smallest eigenvalue ${smallest} ` +
        `(largest ${values[n - 1]}, tolerance ${tol})`,
    );
  const clipped = Float64Array.from(values, (x) => Math.max(x, 0));
  return { n, values: clipped, vectors: eig.vectors };
}

/**
 * The symmetric PSD square root `A^(1/2) = V diag(sqrt(lambda)) V'` (the unique PSD `S` with
 * `S S = A`). `a` is row-major `n x n` and must be symmetric; see `psdEigen` for the tolerance.
 */
export function psdSqrt(a: Float64Array, n: number, name = 'matrix'): Float64Array {
  return symmetricFunction(psdEigen(a, n, name), Math.sqrt);
}
