/**
 * Small dense matrix helpers for the multi-asset code. One representation throughout: a square
 * `n x n` matrix is a row-major `Float64Array` of length `n * n` (entry `(i, j)` at `i * n + j`),
 * with `n` passed alongside. No general matrix library.
 */

/** `rows` (an array of rows, as written in a config) as a row-major `Float64Array`. */
export function matrixFromRows(rows: readonly (readonly number[])[], name: string): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== n)
      throw new RangeError(
        `${name} must be square: ${name}[${i}] has ${row.length} entries, expected ${n}`,
      );
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}][${j}] must be finite, got ${v}`);
      out[i * n + j] = v;
    }
  }
  return out;
}

/** A row-major matrix as an array of rows (for display and tests). */
export function matrixToRows(a: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
}

/** `C = A B` for square `n x n` matrices; `out` must not alias `a` or `b`. */
export function matMul(
  a: Float64Array,
  b: Float64Array,
  n: number,
  out: Float64Array = new Float64Array(n * n),
): Float64Array {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ri + k]!;
      if (aik === 0) continue;
      const rk = k * n;
      for (let j = 0; j < n; j++) out[ri + j] = out[ri + j]! + aik * b[rk + j]!;
    }
  }
  return out;
}

/** `x' A x`. */
export function quadraticForm(a: Float64Array, x: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    const ri = i * n;
    for (let j = 0; j < n; j++) row += a[ri + j]! * x[j]!;
    s += x[i]! * row;
  }
  return s;
}

/** Replace `A` by `(A + A')/2` in place: removes rounding asymmetry. */
export function symmetrizeInPlace(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      a[i * n + j] = m;
      a[j * n + i] = m;
    }
  return a;
}

/** Largest absolute entry. */
export function maxAbsEntry(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
